import { brandClass } from '../../common/class-marker';

/**
 * A history could not be replayed for a reason other than nondeterminism: the workflow task failed
 * (the workflow code threw where it did not when the history was recorded, an unknown workflow
 * type, ...) or the core gave up on the run. `evictionReason` is the core's reason when it was the
 * core that ended the replay.
 *
 * @example
 * ```ts
 * for await (const result of runReplayHistories({ workflowsPath }, histories)) {
 *   if (result.error instanceof ReplayError) console.error(result.workflowId, result.error.message);
 * }
 * ```
 */
export class ReplayError extends Error {
  constructor(
    message: string,
    readonly evictionReason?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
// Branded like the official SDK's class, so `instanceof` works with either copy.
brandClass(ReplayError, 'ReplayError');

/**
 * The workflow code no longer produces the commands its history recorded: it was changed in a way
 * that is not replay-safe. The message carries the core's description of the mismatch, naming the
 * event and the command (e.g. `Activity type of scheduled event 'charge' does not match activity
 * type of activity command 'refund'`).
 *
 * Branded with the same marker as `DeterminismViolationError` from `@temporalio/workflow`, so
 * `error instanceof DeterminismViolationError` holds for either class.
 *
 * @example
 * ```ts
 * await expect(runReplayHistory({ workflowsPath }, history)).rejects.toBeInstanceOf(DeterminismViolationError);
 * ```
 */
export class DeterminismViolationError extends Error {
  constructor(
    message: string,
    readonly evictionReason?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
brandClass(DeterminismViolationError, 'DeterminismViolationError');
