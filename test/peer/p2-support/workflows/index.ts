/**
 * Workflows for the phase-2 peer tests (spec §7 phase 2), run by the official @temporalio/worker
 * against our dev server. Each exercises one server feature: timers, retries, timeouts, local
 * activities, children, external operations, run chains, updates, patching and search attributes.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  makeContinueAsNewFunc,
  defineSignal,
  defineUpdate,
  deprecatePatch,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  ActivityCancellationType,
} from '@temporalio/workflow';
import { HandlerUnfinishedPolicy } from '@temporalio/common';
import type * as activities from '../activities';
import { customInt, customKeyword, unregisteredKeyword } from '../search-attribute-keys';

/** Retry options a test passes in, so one workflow covers every retry-policy case. */
export interface RetryArgs {
  maximumAttempts?: number;
  initialIntervalMs?: number;
  backoffCoefficient?: number;
  nonRetryableErrorTypes?: string[];
}

/** Activity timeouts a test passes in (milliseconds). */
export interface TimeoutArgs {
  startToCloseMs?: number;
  scheduleToCloseMs?: number;
  heartbeatMs?: number;
}

export const unblockSignal = defineSignal('unblock');

const quickActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

// ---------------------------------------------------------------------------------------------
// 1. timers

export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return 'slept';
}

/** Waits for the `unblock` signal at most `timeoutMs`; returns whether the condition came true. */
export async function conditionWithTimeout(timeoutMs: number): Promise<boolean> {
  let unblocked = false;
  setHandler(unblockSignal, () => {
    unblocked = true;
  });
  return await condition(() => unblocked, timeoutMs);
}

/** Sleeps `count` timers at once with different durations; returns the order in which they fired. */
export async function manyTimers(count: number): Promise<number[]> {
  const fired: number[] = [];
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      sleep(20 + ((i * 37) % 200)).then(() => {
        fired.push(i);
      }),
    ),
  );
  return fired;
}

/** Starts a one-minute timer in a scope, cancels the scope after a short timer, reports the outcome. */
export async function cancelledTimerScope(): Promise<string> {
  const scope = new CancellationScope();
  const longSleep = scope.run(() => sleep('1 minute'));
  await sleep(50);
  scope.cancel();
  try {
    await longSleep;
    return 'the long timer fired';
  } catch (err) {
    if (isCancellation(err)) return 'timer cancelled';
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// 2. activity retries, 3. activity timeouts

export async function retryingActivity(key: string, failures: number, errorType: string, retry: RetryArgs, nextRetryDelayMs?: number): Promise<number> {
  const acts = proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: {
      maximumAttempts: retry.maximumAttempts,
      initialInterval: retry.initialIntervalMs ?? 50,
      backoffCoefficient: retry.backoffCoefficient ?? 2,
      nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
    },
  });
  return await acts.flaky(key, failures, errorType, nextRetryDelayMs);
}

function timedActivities(timeouts: TimeoutArgs, retry: RetryArgs) {
  return proxyActivities<typeof activities>({
    startToCloseTimeout: timeouts.startToCloseMs,
    scheduleToCloseTimeout: timeouts.scheduleToCloseMs,
    heartbeatTimeout: timeouts.heartbeatMs,
    retry: { maximumAttempts: retry.maximumAttempts, initialInterval: retry.initialIntervalMs ?? 50, backoffCoefficient: 1 },
  });
}

/** Runs `count` activities in parallel, each failing once before it succeeds. */
export async function parallelFlakyActivities(key: string, count: number): Promise<number[]> {
  const acts = proxyActivities<typeof activities>({ startToCloseTimeout: '10s', retry: { initialInterval: 20, backoffCoefficient: 1 } });
  return await Promise.all(Array.from({ length: count }, (_, i) => acts.flaky(`${key}-${i}`, 1, 'Flaky')));
}

export async function slowFirstAttemptActivity(key: string, sleepMs: number, timeouts: TimeoutArgs, retry: RetryArgs): Promise<number> {
  return await timedActivities(timeouts, retry).slowFirstAttempt(key, sleepMs);
}

export async function heartbeatThenStallActivity(key: string, details: string, stallMs: number, timeouts: TimeoutArgs, retry: RetryArgs): Promise<unknown> {
  return await timedActivities(timeouts, retry).heartbeatThenStall(key, details, stallMs);
}

export async function sleepingActivity(key: string, sleepMs: number, timeouts: TimeoutArgs, retry: RetryArgs): Promise<string> {
  return await timedActivities(timeouts, retry).sleepFor(key, sleepMs);
}

/** Schedules `greet` on a task queue no worker polls, with a schedule-to-start timeout. */
export async function activityOnUnpolledQueue(taskQueue: string, scheduleToStartMs: number): Promise<string> {
  const acts = proxyActivities<typeof activities>({
    taskQueue,
    scheduleToStartTimeout: scheduleToStartMs,
    startToCloseTimeout: '10s',
  });
  return await acts.greet('nobody');
}

/** Schedules `greet` with no retry policy at all, so the server's default policy applies. */
export async function activityWithDefaultRetryPolicy(): Promise<string> {
  const acts = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });
  return await acts.greet('defaults');
}

/** An activity that always fails, retried every `initialIntervalMs` within `scheduleToCloseMs`. */
export async function flakyWithinScheduleToClose(key: string, scheduleToCloseMs: number, initialIntervalMs: number): Promise<number> {
  const acts = proxyActivities<typeof activities>({
    scheduleToCloseTimeout: scheduleToCloseMs,
    retry: { initialInterval: initialIntervalMs, backoffCoefficient: 1 },
  });
  return await acts.flaky(key, 99, 'Flaky');
}

/** Sleeps `ms` in each of `runs` runs, continuing as new in between. */
export async function sleepThenContinue(runs: number, ms: number): Promise<string> {
  await sleep(ms);
  if (runs > 1) await continueAsNew<typeof sleepThenContinue>(runs - 1, ms);
  return 'chain done';
}

/**
 * Runs an always-failing activity with a one-minute retry interval, cancels it after its first
 * attempt failed (so it waits in backoff, not running), and reports how the activity settled.
 */
export async function cancelActivityInBackoff(key: string, sleepAfterMs = 0): Promise<string> {
  const acts = proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '1 minute', backoffCoefficient: 1 },
  });
  const scope = new CancellationScope();
  const running = scope.run(() => acts.flaky(key, 99, 'Flaky'));
  await sleep(500);
  scope.cancel();
  // A timer in the same task as the cancel request keeps the workflow open after it.
  const after = sleepAfterMs > 0 ? sleep(sleepAfterMs) : Promise.resolve();
  try {
    await running;
    return 'the activity completed';
  } catch (err) {
    await after;
    if (err instanceof ActivityFailure && err.cause instanceof CancelledFailure) return 'activity cancelled';
    if (isCancellation(err)) return `cancelled: ${(err as Error).name}`;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// 4. local activities

export async function longLocalActivity(ms: number): Promise<string> {
  const { localSleep } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '30s' });
  return await localSleep(ms);
}

/** Counts `unblock` signals that arrive while a long local activity runs; returns the count after it. */
export async function localActivityWithSignals(ms: number): Promise<number> {
  let signals = 0;
  setHandler(unblockSignal, () => {
    signals += 1;
  });
  const { localSleep } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '30s' });
  await localSleep(ms);
  return signals;
}

/** A local activity that fails `failures` times (retried by the worker) and then succeeds. */
export async function flakyLocalActivity(key: string, failures: number, errorType: string): Promise<number> {
  const { flaky } = proxyLocalActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: 20, backoffCoefficient: 1, maximumAttempts: 5, nonRetryableErrorTypes: ['Fatal'] },
  });
  return await flaky(key, failures, errorType);
}

// ---------------------------------------------------------------------------------------------
// 5. children

export async function greetingChild(name: string): Promise<string> {
  return `child greets ${name}`;
}

export async function failingChild(): Promise<never> {
  throw ApplicationFailure.nonRetryable('the child broke', 'ChildBroke');
}

/** Runs until cancelled or terminated. */
export async function blockedChild(): Promise<never> {
  await condition(() => false);
  throw new Error('unreachable: condition(() => false) resolved');
}

export async function parentOfGreetingChild(name: string): Promise<string> {
  return await executeChild(greetingChild, { args: [name], workflowId: `${workflowInfo().workflowId}-child` });
}

export async function parentOfFailingChild(): Promise<string> {
  return await executeChild(failingChild, { workflowId: `${workflowInfo().workflowId}-child` });
}

/** Starts two children with the same id; returns the name of the error the second start gave. */
export async function parentOfDuplicateChildren(childId: string): Promise<string> {
  await startChild(blockedChild, { workflowId: childId });
  try {
    await startChild(blockedChild, { workflowId: childId });
    return 'the second child started';
  } catch (err) {
    return (err as Error).name;
  }
}

/** Starts a child, cancels it through its scope, reports how the child's result settled. */
export async function parentCancelsChild(childId: string): Promise<string> {
  let started = false;
  const scope = new CancellationScope();
  const childResult = scope.run(async () => {
    const child = await startChild(blockedChild, { workflowId: childId });
    started = true;
    return await child.result();
  });
  await condition(() => started);
  scope.cancel();
  try {
    await childResult;
    return 'the child completed';
  } catch (err) {
    if (err instanceof ChildWorkflowFailure && err.cause instanceof CancelledFailure) return 'child cancelled';
    if (isCancellation(err)) return `cancelled: ${(err as Error).name}`;
    throw err;
  }
}

/** Starts a blocked child with `policy` and completes at once, leaving the policy to the server. */
export async function parentLeavesChild(childId: string, policy: 'TERMINATE' | 'ABANDON' | 'REQUEST_CANCEL'): Promise<string> {
  const policies = {
    TERMINATE: ParentClosePolicy.TERMINATE,
    ABANDON: ParentClosePolicy.ABANDON,
    REQUEST_CANCEL: ParentClosePolicy.REQUEST_CANCEL,
  };
  const child = await startChild(blockedChild, { workflowId: childId, parentClosePolicy: policies[policy] });
  return child.firstExecutionRunId;
}

/** Runs `countdown(2)` as a child: the child continues as new twice before it returns. */
export async function parentOfContinuingChild(): Promise<string> {
  return await executeChild(countdown, { args: [2], workflowId: `${workflowInfo().workflowId}-child` });
}

/** Waits on a blocked child; cancelling this workflow cancels the child, then this run ends cancelled. */
export async function parentWaitingOnChild(childId: string): Promise<never> {
  await executeChild(blockedChild, { workflowId: childId });
  throw new Error('unreachable: the blocked child completed');
}

/** Waits on a blocked child that someone else closes; returns `<error>:<cause>` names of what it got. */
export async function parentOfExternallyClosedChild(childId: string): Promise<string> {
  try {
    await executeChild(blockedChild, { workflowId: childId });
    return 'the child completed';
  } catch (err) {
    return `${(err as Error).name}:${((err as Error).cause as Error | undefined)?.name}`;
  }
}

/** Starts a child with a memo and a typed search attribute, then waits on it. */
export async function parentOfDecoratedChild(childId: string, keyword: string): Promise<string> {
  const child = await startChild(blockedChild, {
    workflowId: childId,
    memo: { from: 'parent' },
    typedSearchAttributes: [{ key: customKeyword, value: keyword }],
  });
  await child.result();
  return 'unreachable';
}

/** A child whose first attempt fails, with a retry policy: the parent sees only the final result. */
export async function parentOfRetriedChild(): Promise<number> {
  return await executeChild(failsFirstAttempt, {
    workflowId: `${workflowInfo().workflowId}-child`,
    retry: { maximumAttempts: 2, initialInterval: 50 },
  });
}

/** A child that cannot finish within its execution timeout; its TimeoutFailure fails the parent. */
export async function parentOfTimedOutChild(): Promise<never> {
  await executeChild(blockedChild, { workflowId: `${workflowInfo().workflowId}-child`, workflowExecutionTimeout: 300 });
  throw new Error('unreachable: the blocked child completed');
}

/** Starts a blocked child (default TERMINATE policy) and then blocks itself until terminated. */
export async function blockedParentWithChild(childId: string): Promise<never> {
  await startChild(blockedChild, { workflowId: childId });
  await condition(() => false);
  throw new Error('unreachable: condition(() => false) resolved');
}

// ---------------------------------------------------------------------------------------------
// 6. external signal and cancel

/** Waits for `unblock`; when cancelled instead, the cancellation closes the run as CANCELED. */
export async function waitsForSignal(): Promise<string> {
  let unblocked = false;
  setHandler(unblockSignal, () => {
    unblocked = true;
  });
  await condition(() => unblocked);
  return 'unblocked';
}

/** Signals `unblock` to another workflow; returns 'signalled' or the error it got. */
export async function signalsExternal(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).signal(unblockSignal);
    return 'signalled';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

/** Requests cancellation of another workflow; returns 'cancel requested' or the error it got. */
export async function cancelsExternal(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).cancel();
    return 'cancel requested';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

// ---------------------------------------------------------------------------------------------
// 7. run chains

export async function countdown(n: number): Promise<string> {
  if (n > 0) await continueAsNew<typeof countdown>(n - 1);
  return `done after ${workflowInfo().continuedFromExecutionRunId ? 'continuing' : 'one run'}`;
}

/** The first attempt fails with a retryable error; the retry returns its attempt number. */
export async function failsFirstAttempt(): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt === 1) throw ApplicationFailure.create({ message: 'first attempt fails', type: 'FirstAttempt' });
  return attempt;
}

export async function alwaysFails(): Promise<never> {
  throw ApplicationFailure.create({ message: `attempt ${workflowInfo().attempt} fails`, type: 'AlwaysFails' });
}

/** Continues as new into a different workflow type (`quick`). */
export async function continuesIntoQuick(): Promise<string> {
  await makeContinueAsNewFunc<typeof quick>({ workflowType: 'quick' })();
  throw new Error('unreachable: continueAsNew returned');
}

/** Run 1 starts a blocked child under TERMINATE and continues as new; run 2 completes at once. */
export async function parentContinuesAwayFromChild(childId: string, continued = false): Promise<string> {
  if (continued) return 'second run';
  await startChild(blockedChild, { workflowId: childId, parentClosePolicy: ParentClosePolicy.TERMINATE });
  await continueAsNew<typeof parentContinuesAwayFromChild>(childId, true);
  throw new Error('unreachable: continueAsNew returned');
}

/** A cron body that counts its runs through the previous run's result. */
export async function cronCounter(): Promise<number> {
  const last = workflowInfo().lastResult as number | undefined;
  return (last ?? 0) + 1;
}

export async function quick(): Promise<string> {
  return 'quick';
}

// ---------------------------------------------------------------------------------------------
// 8. updates

export const addUpdate = defineUpdate<number, [number]>('add');
export const greetUpdate = defineUpdate<string, [string]>('greetViaActivity');
export const failingUpdate = defineUpdate<never, []>('failAfterAccepting');
export const neverFinishingUpdate = defineUpdate<never, []>('neverFinishes');

/** Sums `add` updates (negative amounts are rejected by the validator) until `unblock`; returns the sum. */
export async function updatable(): Promise<number> {
  let total = 0;
  let finished = false;
  setHandler(
    addUpdate,
    (amount: number) => {
      total += amount;
      return total;
    },
    {
      validator: (amount: number) => {
        if (amount < 0) throw new Error(`amount must not be negative, got ${amount}`);
      },
    },
  );
  setHandler(greetUpdate, async (name: string) => await quickActivities.greet(name));
  setHandler(
    neverFinishingUpdate,
    async () => {
      await condition(() => false);
      throw new Error('unreachable: condition(() => false) resolved');
    },
    { unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON },
  );
  setHandler(failingUpdate, () => {
    throw ApplicationFailure.create({ message: 'the handler failed after accepting', type: 'HandlerFailed' });
  });
  setHandler(unblockSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return total;
}

// ---------------------------------------------------------------------------------------------
// 9. patching and replay

export async function patchedWorkflow(): Promise<string> {
  return patched('p2-change') ? 'new code path' : 'old code path';
}

export async function deprecatedPatchWorkflow(): Promise<string> {
  deprecatePatch('p2-retired-change');
  return 'after deprecatePatch';
}

/** v1 of the replay subject: one activity, then a short timer. The changed bundle swaps them. */
export async function replaySubject(name: string): Promise<string> {
  const greeting = await quickActivities.greet(name);
  await sleep(10);
  return greeting;
}

/** v1 of the patch subject (no patch yet); the changed bundle adds `patched('p2-replay-patch')`. */
export async function patchSubject(): Promise<string> {
  await sleep(10);
  return 'v1';
}

// ---------------------------------------------------------------------------------------------
// 10. search attributes

/** Upserts CustomIntField=`n`, then removes it again (an empty update), then waits for `unblock`. */
export async function upsertsThenRemoves(n: number): Promise<string> {
  upsertSearchAttributes([{ key: customInt, value: n }]);
  await sleep(10);
  upsertSearchAttributes([{ key: customInt, value: null }]);
  let unblocked = false;
  setHandler(unblockSignal, () => {
    unblocked = true;
  });
  await condition(() => unblocked);
  return 'removed';
}

/** Upserts CustomKeywordField=`keyword` and CustomIntField=`n`, then waits for `unblock`. */
export async function upsertsSearchAttributes(keyword: string, n: number): Promise<string> {
  upsertSearchAttributes([
    { key: customKeyword, value: keyword },
    { key: customInt, value: n },
  ]);
  let unblocked = false;
  setHandler(unblockSignal, () => {
    unblocked = true;
  });
  await condition(() => unblocked);
  return 'upserted';
}

// ---------------------------------------------------------------------------------------------
// async activity completion

export async function asyncCompletedActivity(key: string): Promise<string> {
  const acts = proxyActivities<typeof activities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } });
  return await acts.completeAsynchronously(key);
}

/** Replaces one memo field and adds another, then waits for `unblock`. */
export async function upsertsMemo(): Promise<string> {
  upsertMemo({ owner: 'workflow', added: 1 });
  let unblocked = false;
  setHandler(unblockSignal, () => {
    unblocked = true;
  });
  await condition(() => unblocked);
  return 'memo upserted';
}

/** The async activity with a short heartbeat timeout and no retry: nobody heartbeats, so it times out. */
export async function unheartbeatedAsyncActivity(key: string, heartbeatMs: number): Promise<string> {
  const acts = proxyActivities<typeof activities>({ startToCloseTimeout: '30s', heartbeatTimeout: heartbeatMs, retry: { maximumAttempts: 1 } });
  return await acts.completeAsynchronously(key);
}

/**
 * Runs the async activity with WAIT_CANCELLATION_COMPLETED in a scope that `unblock` cancels, so the
 * cancellation reaches a started activity and the outside party must confirm it.
 */
export async function cancellableAsyncActivity(key: string): Promise<string> {
  const acts = proxyActivities<typeof activities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '30s',
    retry: { maximumAttempts: 1 },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const scope = new CancellationScope();
  const running = scope.run(() => acts.completeAsynchronously(key));
  setHandler(unblockSignal, () => scope.cancel());
  try {
    return await running;
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof CancelledFailure) return 'activity cancelled';
    throw err;
  }
}

/** Upserts a search attribute the server does not know; the server must fail the workflow task. */
export async function upsertsUnregisteredAttribute(): Promise<string> {
  upsertSearchAttributes([{ key: unregisteredKeyword, value: 'nope' }]);
  await sleep(10);
  return 'the upsert was accepted';
}
