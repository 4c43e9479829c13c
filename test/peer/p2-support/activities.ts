/**
 * Activities the phase-2 peer tests register on the official worker. The worker runs in the test's
 * own process, so what an activity observed (attempt numbers, times, task tokens) is kept here in
 * module state and read back by the test that owns the key.
 */
import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';

/** One attempt as an activity saw it. */
export interface AttemptRecord {
  attempt: number;
  /** `Date.now()` when the attempt began running on the worker. */
  at: number;
  heartbeatDetails: unknown;
}

const attemptsByKey = new Map<string, AttemptRecord[]>();

function recordAttempt(key: string): AttemptRecord {
  const ctx = Context.current();
  const record: AttemptRecord = { attempt: ctx.info.attempt, at: Date.now(), heartbeatDetails: ctx.info.heartbeatDetails };
  attemptsByKey.set(key, [...(attemptsByKey.get(key) ?? []), record]);
  return record;
}

/** The attempts that activities recorded under `key`, in order. */
export function attemptsOf(key: string): AttemptRecord[] {
  return attemptsByKey.get(key) ?? [];
}

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

/**
 * Fails its first `failures` attempts with an ApplicationFailure of `errorType` (retryable unless
 * the retry policy lists the type), optionally asking for `nextRetryDelayMs`; then returns the attempt.
 */
export async function flaky(key: string, failures: number, errorType: string, nextRetryDelayMs?: number): Promise<number> {
  const { attempt } = recordAttempt(key);
  if (attempt <= failures) {
    throw ApplicationFailure.create({
      message: `attempt ${attempt} fails`,
      type: errorType,
      nextRetryDelay: nextRetryDelayMs,
    });
  }
  return attempt;
}

/** Attempt 1 sleeps (cancellably) for `ms`; later attempts return their attempt number at once. */
export async function slowFirstAttempt(key: string, ms: number): Promise<number> {
  const { attempt } = recordAttempt(key);
  if (attempt === 1) await Context.current().sleep(ms);
  return attempt;
}

/**
 * Attempt 1 heartbeats `details` once and then stalls past any short heartbeat timeout;
 * attempt 2 returns the heartbeat details it inherited from attempt 1.
 */
export async function heartbeatThenStall(key: string, details: string, stallMs: number): Promise<unknown> {
  const ctx = Context.current();
  const { attempt } = recordAttempt(key);
  if (attempt === 1) {
    ctx.heartbeat(details);
    await ctx.sleep(stallMs);
    return 'attempt 1 was not timed out';
  }
  return ctx.info.heartbeatDetails;
}

/** Sleeps (cancellably) for `ms` on every attempt. */
export async function sleepFor(key: string, ms: number): Promise<string> {
  recordAttempt(key);
  await Context.current().sleep(ms);
  return 'woke';
}

/** Used as a local activity: sleeps for `ms` (longer than the workflow task timeout in the test). */
export async function localSleep(ms: number): Promise<string> {
  await Context.current().sleep(ms);
  return `slept ${ms}ms locally`;
}

/** What an asynchronously completed activity left for the test to complete it with. */
export interface AsyncTask {
  taskToken: Uint8Array;
  workflowId: string;
  runId: string;
  activityId: string;
}

const asyncTasks = new Map<string, AsyncTask>();

/** The pending async activity registered under `key`, if it has run. */
export function asyncTaskOf(key: string): AsyncTask | undefined {
  return asyncTasks.get(key);
}

/** Hands its task token and ids to the test (by `key`) and leaves completion to the client. */
export async function completeAsynchronously(key: string): Promise<string> {
  const { info } = Context.current();
  const execution = info.workflowExecution;
  if (!execution) throw ApplicationFailure.nonRetryable('completeAsynchronously must run inside a workflow', 'NoWorkflow');
  asyncTasks.set(key, {
    taskToken: info.taskToken,
    workflowId: execution.workflowId,
    runId: execution.runId,
    activityId: info.activityId,
  });
  throw new CompleteAsyncError();
}
