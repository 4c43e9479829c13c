import { IllegalStateError } from '@temporalio/common';

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
 * Thrown when a worker method is called in a state that does not allow it (e.g. `run()` twice, or
 * `shutdown()` on a worker that is not running). It is an `IllegalStateError` (of
 * `@temporalio/common`), which is what the official worker throws there.
 *
 * @example
 * ```ts
 * try { await worker.run(); } catch (e) { if (e instanceof WorkerStateTransitionError) console.error(e.message); }
 * ```
 */
export class WorkerStateTransitionError extends IllegalStateError {
  override readonly name = 'WorkerStateTransitionError';
}

/**
 * `run()` rejects with it when the worker has not drained within `shutdownForceTime` after shutdown
 * started. Tasks still running are abandoned: exit the process after it.
 *
 * @example
 * ```ts
 * try { await worker.run(); } catch (e) { if (e instanceof GracefulShutdownPeriodExpiredError) process.exit(1); }
 * ```
 */
export class GracefulShutdownPeriodExpiredError extends Error {
  override readonly name = 'GracefulShutdownPeriodExpiredError';
}
