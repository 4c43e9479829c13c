/**
 * One `abort` listener per AbortSignal, however many calls share it.
 *
 * Callers commonly scope one signal over many RPCs; a listener per call would trip Node's
 * "possible EventTarget memory leak" warning past ten calls and cost a listener each.
 */

const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Runs `onAbort` once when `signal` aborts; returns a function that stops watching.
 *
 * @example
 * ```ts
 * const stop = watchAbort(signal, () => reject(new Error('aborted')));
 * try { await work(); } finally { stop(); }
 * ```
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let callbacks = watchers.get(signal);
  if (callbacks === undefined) {
    const set = new Set<() => void>();
    callbacks = set;
    watchers.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        watchers.delete(signal);
        for (const callback of set) callback();
        set.clear();
      },
      { once: true },
    );
  }
  callbacks.add(onAbort);
  const registered = callbacks;
  return () => {
    registered.delete(onAbort);
  };
}
