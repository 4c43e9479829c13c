/**
 * The lifecycle of a {@link Worker}, as in `@temporalio/worker`:
 *
 * - `INITIALIZED`: created, `run()` not called yet.
 * - `RUNNING`: polling and executing tasks.
 * - `STOPPING`: shutdown requested; the core stops polling, running tasks continue.
 * - `DRAINING`: every poller has shut down; waiting for in-flight tasks to complete.
 * - `DRAINED`: nothing is in flight; finalizing the core worker.
 * - `STOPPED`: shut down cleanly; `run()` resolved.
 * - `FAILED`: shut down after a fatal error; `run()` rejected with it.
 */
export type WorkerState = 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'DRAINING' | 'DRAINED' | 'STOPPED' | 'FAILED';

/**
 * Thrown when a worker method is called in a state that does not allow it (e.g. `run()` twice).
 *
 * @example
 * ```ts
 * try { await worker.run(); } catch (e) { if (e instanceof WorkerStateTransitionError) console.error(e.message); }
 * ```
 */
export class WorkerStateTransitionError extends Error {
  override readonly name = 'WorkerStateTransitionError';
}
