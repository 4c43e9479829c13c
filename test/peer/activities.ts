/** Activities the peer tests register on the official worker. */
import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';

/** What activities observed, for tests to check (one worker process per test file). */
export const observed: string[] = [];

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

export async function failNonRetryable(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'BadInput');
}

export async function heartbeatUntilCancelled(): Promise<string> {
  const ctx = Context.current();
  try {
    for (;;) {
      ctx.heartbeat('beat');
      await ctx.sleep(200);
    }
  } catch (err) {
    observed.push(`heartbeatUntilCancelled: ${(err as Error).name}`);
    throw err;
  }
}

const attemptsByKey = new Map<string, number[]>();

/** Attempt numbers and times seen by `flaky` per key. */
export function attemptTimes(key: string): number[] {
  return attemptsByKey.get(key) ?? [];
}

/** Fails `failures` times (with `errorType`, optional `nextRetryDelayMs`), then returns the attempt number. */
export async function flaky(key: string, failures: number, errorType = 'Flaky', nextRetryDelayMs?: number): Promise<number> {
  const { attempt } = Context.current().info;
  attemptsByKey.set(key, [...(attemptsByKey.get(key) ?? []), Date.now()]);
  if (attempt <= failures) {
    throw ApplicationFailure.create({ message: `attempt ${attempt} fails`, type: errorType, nextRetryDelay: nextRetryDelayMs });
  }
  return attempt;
}

/** Sleeps (cancellably) for `ms` on attempt 1 only; later attempts return at once. */
export async function slowFirstAttempt(ms: number): Promise<number> {
  const ctx = Context.current();
  if (ctx.info.attempt === 1) await ctx.sleep(ms);
  return ctx.info.attempt;
}

export async function sleepFor(ms: number): Promise<string> {
  await Context.current().sleep(ms);
  return 'woke';
}

/** Attempt 1 heartbeats progress then stalls past the heartbeat timeout; attempt 2 returns what it inherited. */
export async function heartbeatThenStall(): Promise<unknown> {
  const ctx = Context.current();
  if (ctx.info.attempt === 1) {
    ctx.heartbeat('progress-1');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    return 'should have timed out';
  }
  return ctx.info.heartbeatDetails;
}

/** Completion tokens and ids of activities completed asynchronously by the test. */
export const asyncTasks = new Map<string, { taskToken: Uint8Array; activityId: string; workflowId: string }>();

export async function completeLater(key: string): Promise<string> {
  const { info } = Context.current();
  asyncTasks.set(key, { taskToken: info.taskToken, activityId: info.activityId, workflowId: info.workflowExecution?.workflowId ?? '' });
  throw new CompleteAsyncError();
}
