/**
 * Workflows the peer tests run on the official @temporalio/worker against our dev server.
 */
import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
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

export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return 'slept';
}

// ---- used by the restart test ---------------------------------------------------------------

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

/** One more than the previous scheduled run returned (a schedule hands it over as lastResult). */
export async function countsFromLastResult(): Promise<number> {
  return ((workflowInfo().lastResult as number | undefined) ?? 0) + 1;
}
