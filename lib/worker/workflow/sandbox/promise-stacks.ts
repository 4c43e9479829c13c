/**
 * Records where each pending promise of workflow code was created, for the built-in
 * `__stack_trace` and `__enhanced_stack_trace` queries. The workflow runtime reads the records from
 * its activator's `promiseStackStore` (`childToParent`, `promiseToStack`): the leaves of the
 * promise graph are where the workflow is waiting.
 *
 * One process-wide V8 promise hook serves every realm; a promise belongs to a realm when its
 * prototype is that realm's `Promise.prototype`, and to the execution whose slot is current.
 */
import { promiseHooks } from 'node:v8';

/** One frame of a recorded stack, in the shape of the enhanced stack trace query's `locations`. */
export interface StackLocation {
  file_path?: string;
  line?: number;
  column?: number;
  function_name?: string;
  internal_code: boolean;
}

/** The store the workflow runtime keeps on its activator. */
interface PromiseStackStore {
  childToParent: Map<Promise<unknown>, Set<Promise<unknown>>>;
  promiseToStack: Map<Promise<unknown>, { formatted: string; structured: StackLocation[] }>;
}

/** What a realm gives the recorder. */
export interface StackSource {
  /** The store of the execution running now, if any. */
  currentStore(): unknown;
  /**
   * A stack captured inside the realm; reading its `stack` formats it with the realm's
   * (source-mapped) `Error.prepareStackTrace`, which is why that waits for a query.
   */
  captureStack(): { stack?: string };
}

const sources = new WeakMap<object, StackSource>();
const storeOf = new WeakMap<Promise<unknown>, PromiseStackStore>();
let tracked = 0;
let stopHook: (() => void) | undefined;

/** The store's maps are the realm's own `Map`s, so `instanceof Map` (the host's) cannot tell. */
function isStore(value: unknown): value is PromiseStackStore {
  const v = value as Partial<PromiseStackStore> | null | undefined;
  return typeof v?.childToParent?.set === 'function' && typeof v.promiseToStack?.set === 'function';
}

/** Frames of our runtime and of `@temporalio/workflow` say nothing about where a workflow waits. */
function isInternalFrame(line: string): boolean {
  return /[\\/]@temporalio[\\/]workflow[\\/]|\(node:|at node:|temporal-native:|[\\/]lib[\\/]workflow[\\/]index\.|\/temporal-native\/workflow-bundle-|[\\/](?:lib|dist)[\\/]worker[\\/]/.test(line);
}

const framePattern = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function structure(lines: readonly string[]): StackLocation[] {
  return lines.map((line) => {
    const m = framePattern.exec(line);
    if (!m) return { function_name: line.trim().replace(/^at /, ''), internal_code: false };
    return { function_name: m[1] || undefined, file_path: m[2], line: Number(m[3]), column: Number(m[4]), internal_code: false };
  });
}

function onInit(promise: Promise<unknown>, parent: Promise<unknown> | undefined): void {
  const source = sources.get(Object.getPrototypeOf(promise) as object);
  if (source === undefined) return;
  const store = source.currentStore();
  if (!isStore(store)) return;
  const holder = source.captureStack();
  // Formatting (and source-mapping) every promise's stack would tax every workflow: it is done
  // when a query reads it. A stack with only internal frames reads as '' and the runtime skips it.
  let frames: string[] | undefined;
  const lines = (): string[] => (frames ??= String(holder.stack ?? '').split('\n').filter((l) => /^\s*at /.test(l) && !isInternalFrame(l)));
  store.childToParent.set(promise, new Set(parent !== undefined && storeOf.get(parent) === store ? [parent] : []));
  store.promiseToStack.set(promise, {
    get formatted() {
      return lines().join('\n');
    },
    get structured() {
      return structure(lines());
    },
  });
  storeOf.set(promise, store);
}

function onSettled(promise: Promise<unknown>): void {
  const store = storeOf.get(promise);
  if (store === undefined) return;
  store.childToParent.delete(promise);
  store.promiseToStack.delete(promise);
  storeOf.delete(promise);
}

/** Starts recording the promises whose prototype is `promisePrototype`. */
export function trackPromiseStacks(promisePrototype: object, source: StackSource): void {
  if (sources.has(promisePrototype)) return;
  sources.set(promisePrototype, source);
  if (tracked++ === 0) stopHook = promiseHooks.createHook({ init: onInit, settled: onSettled }) as () => void;
}

/** Stops recording for a realm; the hook goes when no realm is left. */
export function untrackPromiseStacks(promisePrototype: object): void {
  if (!sources.delete(promisePrototype)) return;
  if (--tracked === 0) {
    stopHook?.();
    stopHook = undefined;
  }
}
