/**
 * Routes unhandled promise rejections raised by workflow code to the sandbox they came from, so the
 * owning workflow task fails instead of the process.
 *
 * A promise's realm is recognised by its prototype: each sandbox registers its own
 * `Promise.prototype` before any workflow code runs.
 */

interface RejectionSink {
  recordUnhandledRejection(reason: unknown): void;
}

const owners = new WeakMap<object, RejectionSink>();
const prototypes = new Map<RejectionSink, object>();
let installed = false;

function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  const owner = owners.get(Object.getPrototypeOf(promise) as object);
  if (owner) {
    owner.recordUnhandledRejection(reason);
    return;
  }
  // Not ours. Once any listener exists Node stops applying its default (crash on unhandled
  // rejection), so when we are the only one we restore that default for non-workflow promises.
  if (process.listenerCount('unhandledRejection') === 1) {
    throw reason;
  }
}

export function trackUnhandledRejections(promisePrototype: object, sink: RejectionSink): void {
  owners.set(promisePrototype, sink);
  prototypes.set(sink, promisePrototype);
  if (!installed) {
    process.on('unhandledRejection', onUnhandledRejection);
    installed = true;
  }
}

export function untrackUnhandledRejections(sink: RejectionSink): void {
  const proto = prototypes.get(sink);
  if (proto) owners.delete(proto);
  prototypes.delete(sink);
  if (prototypes.size === 0 && installed) {
    process.off('unhandledRejection', onUnhandledRejection);
    installed = false;
  }
}
