/**
 * Workflows run by the OFFICIAL `@temporalio/worker` in the activity e2e tests: they schedule the
 * activities our worker serves and report how each one ended as plain data.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  TimeoutFailure,
  type ActivityOptions,
} from '@temporalio/workflow';

/** How one activity call ended, as the workflow saw it. */
export type ActivityOutcome =
  | { status: 'completed'; value: unknown }
  | {
      status: 'failed';
      message: string;
      /** Class of the activity failure's cause: ApplicationFailure, TimeoutFailure, CancelledFailure. */
      causeClass: string;
      type?: string;
      nonRetryable?: boolean;
      details?: unknown[];
      timeoutType?: string;
      causeMessage?: string;
    };

export interface ActivityCall {
  name: string;
  args: unknown[];
  options: ActivityOptions;
}

type AnyActivities = Record<string, (...args: unknown[]) => Promise<unknown>>;

async function outcomeOf(promise: Promise<unknown>): Promise<ActivityOutcome> {
  try {
    return { status: 'completed', value: await promise };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    if (cause instanceof ApplicationFailure) {
      return {
        status: 'failed',
        message: error.message,
        causeClass: 'ApplicationFailure',
        type: cause.type ?? undefined,
        nonRetryable: cause.nonRetryable ?? undefined,
        details: cause.details ?? undefined,
        causeMessage: cause.message,
      };
    }
    if (cause instanceof TimeoutFailure) {
      return { status: 'failed', message: error.message, causeClass: 'TimeoutFailure', timeoutType: String(cause.timeoutType), causeMessage: cause.message };
    }
    if (cause instanceof CancelledFailure) {
      return { status: 'failed', message: error.message, causeClass: 'CancelledFailure', details: cause.details, causeMessage: cause.message };
    }
    return { status: 'failed', message: error.message, causeClass: cause?.name ?? 'none', causeMessage: cause?.message };
  }
}

/** Calls one activity and reports its outcome. */
export async function callActivity(call: ActivityCall): Promise<ActivityOutcome> {
  const activities = proxyActivities<AnyActivities>(call.options);
  return outcomeOf(activities[call.name]!(...call.args));
}

/** Calls one local activity (run by the worker that runs this workflow) and reports its outcome. */
export async function callLocalActivity(call: ActivityCall): Promise<ActivityOutcome> {
  const activities = proxyLocalActivities<AnyActivities>(call.options);
  return outcomeOf(activities[call.name]!(...call.args));
}

/** Calls the same activity `count` times at once; returns the outcomes in order. */
export async function callActivityMany(call: ActivityCall, count: number): Promise<ActivityOutcome[]> {
  const activities = proxyActivities<AnyActivities>(call.options);
  return Promise.all(Array.from({ length: count }, (_, i) => outcomeOf(activities[call.name]!(...call.args, i))));
}

/**
 * Starts an activity, cancels it after `cancelAfterMs`, and waits for the activity to acknowledge
 * the cancellation (WAIT_CANCELLATION_COMPLETED), so the outcome shows what the activity reported.
 */
export async function cancelActivity(call: ActivityCall, cancelAfterMs: number): Promise<ActivityOutcome> {
  const activities = proxyActivities<AnyActivities>({
    ...call.options,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  let outcome: Promise<ActivityOutcome> | undefined;
  const scope = new CancellationScope();
  const scoped = scope.run(async () => {
    outcome = outcomeOf(activities[call.name]!(...call.args));
    return outcome;
  });
  await sleep(cancelAfterMs);
  scope.cancel();
  try {
    return await scoped;
  } catch (error) {
    if (isCancellation(error)) return { status: 'failed', message: String(error), causeClass: 'CancelledFailure' };
    throw error;
  }
}
