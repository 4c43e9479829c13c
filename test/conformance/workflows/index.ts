/**
 * Workflows of the conformance scenarios, run by the official @temporalio/worker against both servers.
 * Between them they send every command type a workflow can send: schedule/cancel activity, start/cancel
 * timer, complete/fail/cancel/continue-as-new, start child (and cancel it), signal and cancel external,
 * upsert search attributes, modify properties (memo), record marker (patches, local activities) and
 * protocol messages (updates). Each one waits only on things the test controls, so both servers see
 * the same sequence of workflow tasks.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  defineQuery,
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
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ConformanceActivities } from '../activities';

export const confKeyword = defineSearchAttributeKey('ConfKeyword', SearchAttributeType.KEYWORD);
export const confInt = defineSearchAttributeKey('ConfInt', SearchAttributeType.INT);
export const confBool = defineSearchAttributeKey('ConfBool', SearchAttributeType.BOOL);
export const confKeywordList = defineSearchAttributeKey('ConfKeywordList', SearchAttributeType.KEYWORD_LIST);

export const finishSignal = defineSignal<[string?]>('finish');
export const noteSignal = defineSignal<[string]>('note');
export const stateQuery = defineQuery<string[]>('state');
export const addUpdate = defineUpdate<number, [number]>('add');
export const failingUpdate = defineUpdate<never, []>('failAfterAccepting');
export const activityUpdate = defineUpdate<unknown, [string]>('echoViaActivity');

const acts = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });

/** Waits for `finish`, recording every `note` in the state the `state` query returns. */
async function waitForFinish(notes: string[]): Promise<string | undefined> {
  let finished = false;
  let payload: string | undefined;
  setHandler(noteSignal, (n) => {
    notes.push(n);
  });
  setHandler(finishSignal, (p) => {
    finished = true;
    payload = p;
  });
  setHandler(stateQuery, () => notes);
  await condition(() => finished);
  return payload;
}

// ---- completions ---------------------------------------------------------------------------------

export async function returnsArgs(...args: unknown[]): Promise<unknown[]> {
  return args;
}

export async function failsWith(message: string, type: string, nonRetryable: boolean): Promise<never> {
  throw ApplicationFailure.create({ message, type, nonRetryable, details: ['detail', 1] });
}

/** Fails with a retryable error on attempt 1 and returns the attempt afterwards (workflow retry policy). */
export async function failsFirstAttempt(): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt === 1) throw ApplicationFailure.create({ message: 'first attempt fails', type: 'FirstAttempt' });
  return attempt;
}

/** Waits for `finish` (or cancellation, which then closes the run as CANCELED). */
export async function waitsForFinish(): Promise<{ notes: string[]; payload?: string }> {
  const notes: string[] = [];
  const payload = await waitForFinish(notes);
  return { notes, payload };
}

/** On cancellation, runs a cleanup activity in a non-cancellable scope and then rethrows. */
export async function cleansUpOnCancel(): Promise<string> {
  try {
    await condition(() => false);
    return 'unreachable';
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => acts.echo('cleanup'));
    throw err;
  }
}

export async function countdown(n: number): Promise<string> {
  if (n > 0) await continueAsNew<typeof countdown>(n - 1);
  return `done, continued from ${workflowInfo().continuedFromExecutionRunId ? 'a run' : 'nothing'}`;
}

export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return 'slept';
}

// ---- activities ----------------------------------------------------------------------------------

export async function oneActivity(value: string): Promise<unknown> {
  return await acts.echo(value);
}

export async function parallelActivities(n: number): Promise<unknown[]> {
  return await Promise.all(Array.from({ length: n }, (_, i) => acts.echo(i)));
}

export async function retriedActivity(key: string, failures: number, maximumAttempts: number, nonRetryableErrorTypes: string[] = []): Promise<number> {
  const a = proxyActivities<ConformanceActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: 100, backoffCoefficient: 2, maximumInterval: 300, maximumAttempts, nonRetryableErrorTypes },
  });
  return await a.flaky(key, failures, 'Flaky');
}

export async function nonRetryableActivity(): Promise<never> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '10s' });
  return await a.failNonRetryable('activity gave up');
}

/** Only startToClose set: the server fills in schedule-to-close/start and the default retry policy. */
export async function activityDefaults(): Promise<unknown> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '7s' });
  return await a.echo('defaults');
}

/** Only scheduleToClose set: the server derives the other timeouts from it. */
export async function activityScheduleToCloseOnly(): Promise<unknown> {
  const a = proxyActivities<ConformanceActivities>({ scheduleToCloseTimeout: '9s', heartbeatTimeout: '20s' });
  return await a.echo('s2c');
}

export async function startToCloseRetry(key: string): Promise<number> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: 400, retry: { initialInterval: 50, maximumAttempts: 3 } });
  return await a.slowFirst(key, 5_000);
}

export async function heartbeatTimeoutRetry(key: string): Promise<unknown> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '10s', heartbeatTimeout: 400, retry: { initialInterval: 50, maximumAttempts: 2 } });
  return await a.heartbeatThenStall(key, 'progress', 5_000);
}

/** A heartbeat timeout with no retries left: the TimedOut event carries the last heartbeat details. */
export async function heartbeatTimeoutFinal(key: string): Promise<unknown> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '10s', heartbeatTimeout: 400, retry: { maximumAttempts: 1 } });
  return await a.heartbeatThenStall(key, 'last words', 5_000);
}

/** The first attempt asks for a 300 ms retry delay (next_retry_delay), overriding the policy's 1 minute. */
export async function nextRetryDelay(key: string): Promise<number> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '10s', retry: { initialInterval: '1 minute', maximumAttempts: 2 } });
  return await a.flakyWithDelay(key, 300);
}

export async function scheduleToCloseTimeout(key: string): Promise<string> {
  const a = proxyActivities<ConformanceActivities>({ scheduleToCloseTimeout: 500, retry: { initialInterval: 50 } });
  return await a.sleepFor(key, 5_000);
}

/** Never retried; its start-to-close timeout ends the activity and the workflow reports the chain. */
export async function startToCloseNoRetry(key: string): Promise<string> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: 300, retry: { maximumAttempts: 1 } });
  return await a.sleepFor(key, 5_000);
}

/** Cancels a started, heartbeating activity after `finish`; the mode decides whether to wait for it. */
export async function cancelStartedActivity(key: string, wait: boolean): Promise<string> {
  const a = proxyActivities<ConformanceActivities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '5s',
    retry: { maximumAttempts: 1 },
    cancellationType: wait ? ActivityCancellationType.WAIT_CANCELLATION_COMPLETED : ActivityCancellationType.TRY_CANCEL,
  });
  const scope = new CancellationScope();
  const running = scope.run(() => a.heartbeatUntilCancelled(key));
  await waitForFinish([]);
  scope.cancel();
  try {
    await running;
    return 'completed';
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof CancelledFailure) return 'activity cancelled';
    throw err;
  }
}

/**
 * Schedules an activity on a queue nobody polls, then cancels it before it ever starts; with
 * `keepOpenMs` a timer started in the same workflow task keeps the run open after the cancel.
 */
export async function cancelUnstartedActivity(queue: string, keepOpenMs = 0): Promise<string> {
  const a = proxyActivities<ConformanceActivities>({ taskQueue: queue, startToCloseTimeout: '10s' });
  const scope = new CancellationScope();
  const running = scope.run(() => a.echo('never'));
  await sleep(100);
  scope.cancel();
  const after = keepOpenMs > 0 ? sleep(keepOpenMs) : Promise.resolve();
  let outcome: string;
  try {
    await running;
    outcome = 'completed';
  } catch (err) {
    outcome = err instanceof ActivityFailure && err.cause instanceof CancelledFailure ? 'activity cancelled' : String(err);
  }
  await after;
  return outcome;
}

/** Cancels an activity that failed its first attempt and waits in a one-minute retry backoff. */
export async function cancelActivityInBackoff(key: string): Promise<string> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '10s', retry: { initialInterval: '1 minute' } });
  const scope = new CancellationScope();
  const running = scope.run(() => a.flaky(key, 99, 'Flaky'));
  await sleep(1_200);
  scope.cancel();
  try {
    await running;
    return 'completed';
  } catch (err) {
    return err instanceof ActivityFailure && err.cause instanceof CancelledFailure ? 'activity cancelled' : String(err);
  }
}

/** An activity on a queue nobody polls, with a schedule-to-start timeout. */
export async function scheduleToStartTimeout(queue: string): Promise<unknown> {
  const a = proxyActivities<ConformanceActivities>({ taskQueue: queue, scheduleToStartTimeout: 300, startToCloseTimeout: '10s' });
  return await a.echo('never');
}

export async function asyncActivity(key: string): Promise<string> {
  const a = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '30s', heartbeatTimeout: '20s', retry: { maximumAttempts: 1 } });
  return await a.completeLater(key);
}

/** Waits for an async activity; `finish` cancels it (WAIT_CANCELLATION_COMPLETED), so the outside confirms. */
export async function cancellableAsyncActivity(key: string): Promise<string> {
  const a = proxyActivities<ConformanceActivities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '20s',
    retry: { maximumAttempts: 1 },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const scope = new CancellationScope();
  const running = scope.run(() => a.completeLater(key));
  setHandler(finishSignal, () => scope.cancel());
  try {
    return await running;
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof CancelledFailure) return 'activity cancelled';
    throw err;
  }
}

// ---- local activities and markers ----------------------------------------------------------------

export async function localActivity(value: string): Promise<unknown> {
  const la = proxyLocalActivities<ConformanceActivities>({ startToCloseTimeout: '10s' });
  return await la.echo(value);
}

export async function failingLocalActivity(): Promise<string> {
  const la = proxyLocalActivities<ConformanceActivities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });
  try {
    await la.failNonRetryable('local activity gave up');
    return 'unreachable';
  } catch (err) {
    return `${(err as Error).name}: ${((err as Error).cause as Error | undefined)?.message}`;
  }
}

/** A local activity longer than the workflow task timeout: the worker heartbeats the workflow task. */
export async function longLocalActivity(ms: number): Promise<unknown> {
  const la = proxyLocalActivities<ConformanceActivities>({ startToCloseTimeout: '30s' });
  return await la.localSleep(ms);
}

export async function patchedWorkflow(): Promise<string> {
  const first = patched('conformance-patch') ? 'new' : 'old';
  deprecatePatch('conformance-retired');
  await sleep(10);
  return first;
}

// ---- timers --------------------------------------------------------------------------------------

/** Two timers due at the same instant (they fire in one batch), then a longer one. */
export async function timers(): Promise<string[]> {
  const fired: string[] = [];
  await Promise.all([sleep(200).then(() => fired.push('a')), sleep(200).then(() => fired.push('b'))]);
  await sleep('1.5s');
  fired.push('1.5s');
  return fired;
}

export async function cancelledTimer(): Promise<string> {
  const scope = new CancellationScope();
  const long = scope.run(() => sleep('1 minute'));
  await sleep(50);
  scope.cancel();
  try {
    await long;
    return 'fired';
  } catch (err) {
    return isCancellation(err) ? 'timer cancelled' : String(err);
  }
}

/** condition() with a timeout: times out unless `finish` arrives first. */
export async function conditionTimeout(ms: number): Promise<boolean> {
  let done = false;
  setHandler(finishSignal, () => {
    done = true;
  });
  return await condition(() => done, ms);
}

// ---- children ------------------------------------------------------------------------------------

export async function childReturns(name: string): Promise<string> {
  return `child ${name}`;
}

export async function childFails(): Promise<never> {
  throw ApplicationFailure.nonRetryable('the child broke', 'ChildBroke');
}

export async function childBlocks(): Promise<never> {
  await condition(() => false);
  throw new Error('unreachable');
}

export async function parentOfChild(kind: 'returns' | 'fails'): Promise<string> {
  const childId = `${workflowInfo().workflowId}-child`;
  if (kind === 'returns') return await executeChild(childReturns, { args: ['a'], workflowId: childId, workflowRunTimeout: '1 minute' });
  return await executeChild(childFails, { workflowId: childId });
}

/** A child that cannot finish within its 300 ms execution timeout. */
export async function parentOfTimedOutChild(): Promise<string> {
  try {
    await executeChild(childBlocks, { workflowId: `${workflowInfo().workflowId}-child`, workflowExecutionTimeout: 300 });
    return 'child completed';
  } catch (err) {
    return `${(err as Error).name}: ${((err as Error).cause as Error | undefined)?.name}`;
  }
}

/** A child that continues as new twice before it returns. */
export async function parentOfContinuingChild(): Promise<string> {
  return await executeChild(countdown, { args: [2], workflowId: `${workflowInfo().workflowId}-child` });
}

export async function parentCancelsChild(): Promise<string> {
  const childId = `${workflowInfo().workflowId}-child`;
  let started = false;
  const scope = new CancellationScope();
  const result = scope.run(async () => {
    const child = await startChild(childBlocks, { workflowId: childId });
    started = true;
    return await child.result();
  });
  await condition(() => started);
  // The test lets the child settle first, so the cancellation reaches an idle child.
  await waitForFinish([]);
  scope.cancel();
  try {
    await result;
    return 'child completed';
  } catch (err) {
    if (err instanceof ChildWorkflowFailure && err.cause instanceof CancelledFailure) return 'child cancelled';
    return `${(err as Error).name}`;
  }
}

export async function parentOfDuplicateChild(): Promise<string> {
  const childId = `${workflowInfo().workflowId}-child`;
  const first = await startChild(childBlocks, { workflowId: childId, parentClosePolicy: ParentClosePolicy.TERMINATE });
  try {
    await startChild(childBlocks, { workflowId: childId });
    return 'second child started';
  } catch (err) {
    return `${(err as Error).name} (first ${first.workflowId.endsWith('-child') ? 'running' : '?'})`;
  }
}

/**
 * Starts a blocked child with `policy`, waits for `finish` (so the test can let the child settle
 * first) and completes, leaving the child to the parent close policy.
 */
export async function parentLeavesChild(policy: 'TERMINATE' | 'ABANDON' | 'REQUEST_CANCEL'): Promise<string> {
  const policies = { TERMINATE: ParentClosePolicy.TERMINATE, ABANDON: ParentClosePolicy.ABANDON, REQUEST_CANCEL: ParentClosePolicy.REQUEST_CANCEL };
  await startChild(childBlocks, { workflowId: `${workflowInfo().workflowId}-child`, parentClosePolicy: policies[policy] });
  await waitForFinish([]);
  return 'parent done';
}

// ---- external workflows --------------------------------------------------------------------------

export async function signalsExternal(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).signal(finishSignal, 'from another workflow');
    return 'signalled';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

export async function cancelsExternal(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).cancel();
    return 'cancel requested';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

// ---- search attributes and memo ------------------------------------------------------------------

export async function upsertsSearchAttributes(): Promise<string> {
  upsertSearchAttributes([
    { key: confKeyword, value: 'upserted' },
    { key: confInt, value: 42 },
    { key: confKeywordList, value: ['a', 'b'] },
  ]);
  await sleep(10);
  upsertSearchAttributes([{ key: confInt, value: null }]);
  await waitForFinish([]);
  return 'done';
}

export async function upsertsMemo(): Promise<string> {
  upsertMemo({ added: 1, owner: 'workflow' });
  await sleep(10);
  upsertMemo({ added: null });
  await waitForFinish([]);
  return 'done';
}

// ---- signals, queries, updates -------------------------------------------------------------------

/** Blocks until `finish`; `add` updates sum up (negative amounts are rejected), `state` returns notes. */
export async function interactive(): Promise<{ notes: string[]; total: number }> {
  const notes: string[] = [];
  let total = 0;
  setHandler(
    addUpdate,
    (n) => {
      total += n;
      notes.push(`add ${n}`);
      return total;
    },
    { validator: (n) => { if (n < 0) throw new Error(`negative amount ${n}`); } },
  );
  setHandler(failingUpdate, () => {
    throw ApplicationFailure.create({ message: 'handler failed', type: 'HandlerFailed' });
  });
  setHandler(activityUpdate, async (v) => await acts.echo(v));
  await waitForFinish(notes);
  return { notes, total };
}

/** Throws a plain Error on every activation: the worker fails the workflow task. */
export async function failsWorkflowTask(): Promise<never> {
  throw new TypeError('a bug in the workflow code');
}
