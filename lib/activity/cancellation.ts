import { CancelledFailure } from '../common/failures';

/**
 * Why an activity was asked to stop. The first five come from the core (`ActivityCancelReason`);
 * `HEARTBEAT_DETAILS_CONVERSION_FAILED` is raised by the worker when heartbeat details cannot be
 * converted.
 */
export type ActivityCancelReason =
  | 'NOT_FOUND'
  | 'CANCELLED'
  | 'TIMED_OUT'
  | 'WORKER_SHUTDOWN'
  | 'PAUSED'
  | 'RESET'
  | 'HEARTBEAT_DETAILS_CONVERSION_FAILED';

/**
 * Every condition that contributed to a cancellation (several may hold at once, e.g. a timed-out
 * activity is also unknown to the server), as in `@temporalio/common`.
 *
 * @example
 * ```ts
 * if (Context.current().cancellationDetails?.timedOut) console.log('heartbeat timeout');
 * ```
 */
export interface ActivityCancellationDetails {
  readonly notFound: boolean;
  readonly cancelRequested: boolean;
  readonly paused: boolean;
  readonly timedOut: boolean;
  readonly workerShutdown: boolean;
  readonly reset: boolean;
}

/** The details implied by a reason alone, for cancellations that carry no detail flags. */
export function detailsForReason(reason: ActivityCancelReason): ActivityCancellationDetails {
  return {
    notFound: reason === 'NOT_FOUND',
    cancelRequested: reason === 'CANCELLED',
    paused: reason === 'PAUSED',
    timedOut: reason === 'TIMED_OUT',
    workerShutdown: reason === 'WORKER_SHUTDOWN',
    reset: reason === 'RESET',
  };
}

/**
 * One activity attempt's cancellation state: an AbortSignal whose reason is a `CancelledFailure`, the
 * `cancelled` promise, and why it happened. The first `cancel` wins; later ones are ignored.
 *
 * @example
 * ```ts
 * const cancellation = new ActivityCancellation();
 * cancellation.cancel('CANCELLED');
 * cancellation.signal.aborted; // true
 * ```
 */
export class ActivityCancellation {
  // Created on first use: most activities never look at their signal, and an AbortController per
  // task is a measurable share of the worker's per-task cost.
  private controller: AbortController | undefined;
  private failure: CancelledFailure | undefined;
  private cancelledPromise: Promise<never> | undefined;
  private rejectCancelled: ((reason: CancelledFailure) => void) | undefined;
  private _reason: ActivityCancelReason | undefined;
  private _details: ActivityCancellationDetails | undefined;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.failure !== undefined) this.controller.abort(this.failure);
    }
    return this.controller.signal;
  }

  get reason(): ActivityCancelReason | undefined {
    return this._reason;
  }

  get details(): ActivityCancellationDetails | undefined {
    return this._details;
  }

  /** The `CancelledFailure` the activity was cancelled with, once it was. */
  get cancelledFailure(): CancelledFailure | undefined {
    return this.failure;
  }

  /**
   * Rejects with a `CancelledFailure` once cancelled. Created on first use, like the signal.
   */
  get cancelled(): Promise<never> {
    if (this.cancelledPromise === undefined) {
      if (this.failure !== undefined) {
        this.cancelledPromise = Promise.reject(this.failure);
      } else {
        this.cancelledPromise = new Promise<never>((_resolve, reject) => {
          this.rejectCancelled = reject;
        });
      }
      // Users may never await it; an unobserved rejection must not crash the process.
      this.cancelledPromise.catch(() => undefined);
    }
    return this.cancelledPromise;
  }

  /** Returns `false` when the activity was already cancelled (the first reason is kept). */
  cancel(reason: ActivityCancelReason, details: ActivityCancellationDetails = detailsForReason(reason)): boolean {
    if (this._reason !== undefined) return false;
    this._reason = reason;
    this._details = details;
    const failure = new CancelledFailure(reason);
    this.failure = failure;
    this.controller?.abort(failure);
    this.rejectCancelled?.(failure);
    return true;
  }
}
