import type { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Context } from '../../activity/context';

let storage: AsyncLocalStorage<unknown> | null | undefined;

/**
 * The AsyncLocalStorage of `@temporalio/activity`, when that package is installed next to ours.
 *
 * Why: activities written for the official SDK call its `heartbeat()`, `activityInfo()`, `sleep()`,
 * ... which read the current context from that storage. Our {@link Context} has the same members
 * (`info`, `heartbeat`, `sleep`, `cancelled`, `cancellationSignal`, `cancellationDetails`, `log`,
 * `client`), so running the activity inside both storages lets such code run unchanged on this
 * worker. Looked up once; `undefined` when the package is absent (it is not a dependency of ours).
 */
export function officialActivityStorage(): AsyncLocalStorage<unknown> | undefined {
  if (storage === undefined) {
    storage = null;
    try {
      const official = createRequire(__filename)('@temporalio/activity') as { asyncLocalStorage?: unknown };
      const candidate = official.asyncLocalStorage as AsyncLocalStorage<unknown> | undefined;
      if (candidate !== undefined && typeof candidate.run === 'function') storage = candidate;
    } catch {
      // Not installed: official-SDK activity code has nothing to read from, ours works as always.
    }
  }
  return storage ?? undefined;
}

/** Runs `fn` with `context` also visible to `@temporalio/activity` (when installed). */
export function runWithOfficialContext<T>(context: Context, fn: () => T): T {
  const official = officialActivityStorage();
  return official === undefined ? fn() : official.run(context, fn);
}
