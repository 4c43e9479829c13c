import { installedShutdownSignals } from '../runtime/runtime';

/** The signals a running worker turns into a graceful shutdown unless `Runtime.install` set others. */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Listens for SIGINT and SIGTERM while a worker runs and calls `onSignal` for each. Returns the
 * function that removes the listeners; the worker calls it when `run()` ends, so that a stopped
 * worker neither keeps the process's default signal behaviour disabled nor leaks listeners.
 *
 * @example
 * ```ts
 * const stop = listenForShutdownSignals((signal) => worker.shutdown());
 * try { await loops; } finally { stop(); }
 * ```
 */
export function listenForShutdownSignals(onSignal: (signal: NodeJS.Signals) => void): () => void {
  const listener = (signal: NodeJS.Signals): void => onSignal(signal);
  const signals = installedShutdownSignals() ?? SHUTDOWN_SIGNALS;
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}
