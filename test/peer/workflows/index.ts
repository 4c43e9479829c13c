/**
 * Workflows the peer tests run on the official @temporalio/worker against our dev server.
 */
import {
  ApplicationFailure,
  CancellationScope,
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
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
} from '@temporalio/workflow';
import type * as activities from '../activities';

const acts = proxyActivities<typeof activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });

export const incrementSignal = defineSignal<[number]>('increment');
export const countQuery = defineQuery<number>('count');
export const finishSignal = defineSignal('finish');

export async function hello(name: string): Promise<string> {
  return await acts.greet(name);
}

export async function sequentialAndParallel(names: string[]): Promise<string[]> {
  const first = await acts.greet(names[0]);
  const rest = await Promise.all(names.slice(1).map((n) => acts.greet(n)));
  return [first, ...rest];
}

export async function failingActivity(): Promise<void> {
  await acts.failNonRetryable('bad input');
}

/** Counts `increment` signals until `finish`, answering `count` queries meanwhile. */
export async function counter(): Promise<number> {
  let count = 0;
  let done = false;
  setHandler(incrementSignal, (n) => {
    count += n;
  });
  setHandler(finishSignal, () => {
    done = true;
  });
  setHandler(countQuery, () => count);
  await condition(() => done);
  return count;
}

/** Waits for cancellation, then runs cleanup in a non-cancellable scope. */
export async function cancellableWithCleanup(): Promise<string> {
  try {
    await sleep('1 day');
    return 'not cancelled';
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => acts.greet('cleanup'));
    }
    throw err;
  }
}

const heartbeatActs = proxyActivities<typeof activities>({
  startToCloseTimeout: '30s',
  heartbeatTimeout: '2s',
  retry: { maximumAttempts: 1 },
  cancellationType: 'WAIT_CANCELLATION_COMPLETED' as never,
});

/** Runs a heartbeating activity and reports how it ended once the workflow is cancelled. */
export async function cancelHeartbeatingActivity(): Promise<string> {
  try {
    await heartbeatActs.heartbeatUntilCancelled();
    return 'activity completed';
  } catch (err) {
    if (isCancellation(err)) return 'activity cancelled';
    throw err;
  }
}

export async function waitForever(): Promise<void> {
  await condition(() => false);
}

export async function throwsPlainError(): Promise<string> {
  throw new Error('workflow bug');
}

export async function fixedAfterBug(): Promise<string> {
  return 'fixed';
}

export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return 'slept';
}

export async function activityThenWait(): Promise<string> {
  const a = await acts.greet('one');
  await condition(() => false, '300 ms');
  const b = await acts.greet('two');
  return `${a},${b}`;
}

// ---- phase 2 -----------------------------------------------------------------------------------

export async function timers(): Promise<string[]> {
  const out: string[] = [];
  await sleep(50);
  out.push('slept');
  out.push(`condition:${await condition(() => false, 50)}`);
  const scope = new CancellationScope();
  const timer = scope.run(() => sleep(60_000));
  // Let the long timer reach the server before cancelling it, so the cancellation is recorded.
  await sleep(10);
  scope.cancel();
  try {
    await timer;
  } catch (err) {
    if (isCancellation(err)) out.push('timer cancelled');
  }
  return out;
}

export interface ActivityCall {
  name: keyof typeof activities;
  args: unknown[];
  options: Parameters<typeof proxyActivities>[0];
  local?: boolean;
}

/** Runs one activity with the given options, so each test can choose timeouts and retry policy. */
export async function runActivity(call: ActivityCall): Promise<unknown> {
  const proxy = call.local
    ? proxyLocalActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(call.options as never)
    : proxyActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(call.options);
  return await proxy[call.name](...call.args);
}

export async function failsFirstAttempt(): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt === 1) throw ApplicationFailure.retryable('first attempt fails', 'FirstAttempt');
  return attempt;
}

export async function cronTick(): Promise<number> {
  return workflowInfo().attempt;
}

export async function continueChain(n: number): Promise<string> {
  if (n > 0) await continueAsNew<typeof continueChain>(n - 1);
  return `done after chain, last run ${workflowInfo().continuedFromExecutionRunId ? 'continued' : 'first'}`;
}

export async function throwsApplicationFailure(): Promise<never> {
  throw ApplicationFailure.nonRetryable('child failed on purpose', 'ChildBoom');
}

export async function parentOfChild(kind: 'ok' | 'fail'): Promise<string> {
  if (kind === 'ok') return await executeChild(hello, { args: ['child'] });
  return await executeChild(throwsApplicationFailure, {});
}

export async function parentWithDuplicateChild(childId: string): Promise<string> {
  try {
    await startChild(waitForever, { workflowId: childId });
    return 'started';
  } catch (err) {
    return (err as Error).name;
  }
}

export async function parentCancelsChild(): Promise<string> {
  const scope = new CancellationScope();
  const child = await scope.run(() => startChild(waitForever, {}));
  scope.cancel();
  try {
    await child.result();
    return 'child completed';
  } catch (err) {
    return `${(err as Error).name}:${((err as Error).cause as Error | undefined)?.name}`;
  }
}

export async function parentAbandonsOrTerminates(childId: string, abandon: boolean): Promise<string> {
  await startChild(waitForever, {
    workflowId: childId,
    parentClosePolicy: abandon ? ParentClosePolicy.ABANDON : ParentClosePolicy.TERMINATE,
  });
  return 'parent done';
}

export async function signalsExternal(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).signal(incrementSignal, 5);
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

export const addUpdate = defineUpdate<number, [number]>('add');
export const greetUpdate = defineUpdate<string, [string]>('greetViaActivity');

export async function updatable(): Promise<number> {
  let total = 0;
  let done = false;
  setHandler(
    addUpdate,
    async (n) => {
      total += n;
      return total;
    },
    {
      validator: (n) => {
        if (n < 0) throw new Error('negative amounts are rejected');
      },
    },
  );
  setHandler(greetUpdate, async (name) => await acts.greet(name));
  setHandler(finishSignal, () => {
    done = true;
  });
  setHandler(countQuery, () => total);
  await condition(() => done);
  return total;
}

export async function patchedWorkflow(): Promise<string> {
  if (patched('my-change')) return 'new code';
  return 'old code';
}

export async function deprecatedPatchWorkflow(): Promise<string> {
  deprecatePatch('old-change');
  return 'deprecated';
}

export async function upsertsSearchAttributes(): Promise<void> {
  upsertSearchAttributes({ CustomIntField: [42], CustomKeywordField: ['upserted'] });
  await condition(() => false);
}
