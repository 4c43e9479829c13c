/**
 * Workflows the client e2e tests drive. They run in the official `@temporalio/worker`, so they use
 * the standard `@temporalio/workflow` API only.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from './activities';

export const addItem = defineSignal<[string]>('addItem');
export const finish = defineSignal('finish');
export const release = defineSignal('release');
export const items = defineQuery<string[]>('items');
export const addItemAndCount = defineUpdate<number, [string]>('addItemAndCount');
export const waitForRelease = defineUpdate<string, [string]>('waitForRelease');

/** Returns a greeting right away. */
export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

/** Echoes its arguments back; interceptor tests change them on the way in. */
export async function echoArgs(...args: unknown[]): Promise<unknown[]> {
  return args;
}

/** Fails with a non-retryable application failure of type `MyError`. */
export async function failWith(message: string): Promise<never> {
  throw ApplicationFailure.create({ message, type: 'MyError', nonRetryable: true, details: ['detail-1'] });
}

/** Never completes by itself: for cancel, terminate and timeouts. */
export async function waitForever(): Promise<void> {
  await condition(() => false);
}

/** Continues as new `times` times, then returns the number of runs it took. */
export async function countRuns(times: number, runs = 1): Promise<number> {
  if (times > 0) return continueAsNew<typeof countRuns>(times - 1, runs + 1);
  return runs;
}

/** Fails its first attempt (retryably) and succeeds on the second, so the result lives in a later run. */
export async function succeedOnRetry(): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt < 2) throw ApplicationFailure.retryable('first attempt fails', 'Flaky');
  return attempt;
}

/**
 * A shopping list: signals add items, a query lists them, updates add items (validated: no empty
 * names) and one update waits for a `release` signal before it completes. Ends on `finish`.
 */
export async function shoppingList(): Promise<string[]> {
  const list: string[] = [];
  let released = false;
  let finished = false;
  setHandler(addItem, (item) => {
    list.push(item);
  });
  setHandler(finish, () => {
    finished = true;
  });
  setHandler(release, () => {
    released = true;
  });
  setHandler(items, () => list);
  setHandler(
    addItemAndCount,
    (item) => {
      list.push(item);
      return list.length;
    },
    {
      validator: (item) => {
        if (item === '') throw new Error('item must not be empty');
      },
    },
  );
  setHandler(waitForRelease, async (tag) => {
    await condition(() => released);
    return `released ${tag}`;
  });
  await condition(() => finished);
  return list;
}

/** Fails an update handler (after validation) so the client sees WorkflowUpdateFailedError. */
export const failingUpdate = defineUpdate<never, []>('failingUpdate');
export async function updateThatFails(): Promise<void> {
  setHandler(failingUpdate, async () => {
    throw ApplicationFailure.nonRetryable('update handler failed', 'UpdateError');
  });
  await condition(() => false);
}

const asyncActs = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

/** Runs one activity that completes asynchronously and returns its result. */
export async function awaitAsyncActivity(key: string): Promise<string> {
  return asyncActs.completeLater(key);
}

/** Like awaitAsyncActivity, but returns the failure message when the activity fails. */
export async function reportAsyncActivityFailure(key: string): Promise<string> {
  try {
    return await asyncActs.completeLater(key);
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    return `failed: ${cause?.message ?? String(err)}`;
  }
}

const cancellableActs = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Waits for an async activity that must acknowledge cancellation itself. */
export async function awaitCancellableActivity(key: string): Promise<string> {
  return cancellableActs.completeLater(key);
}

/** Runs `echo` on another task queue, served by a worker the test controls. */
export async function echoOnQueue(taskQueue: string, value: string): Promise<string> {
  const { echo } = proxyActivities<typeof activities>({ taskQueue, startToCloseTimeout: '1 minute' });
  return echo(value);
}

/** Listed by the list/count tests only, so its type filters exactly their runs. */
export async function listedWorkflow(): Promise<void> {
  await sleep(1);
}
