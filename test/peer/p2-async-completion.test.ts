/**
 * Async activity completion with the official client against our dev server: an activity that
 * raised CompleteAsyncError is completed, failed or heartbeated from outside the worker, by task
 * token and by (workflow id, activity id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityCancelledError, ActivityNotFoundError, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, TimeoutFailure, defaultPayloadConverter } from '@temporalio/common';
import { asyncTaskOf, type AsyncTask } from './p2-support/activities';
import { eventually, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { asyncCompletedActivity, cancellableAsyncActivity, unblockSignal, unheartbeatedAsyncActivity } from './p2-support/workflows';

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

/** Starts a workflow whose activity hands itself over for async completion, and waits for the hand-over. */
async function startAsyncActivity(prefix: string) {
  const key = uniqueId(prefix);
  const handle = await env.client.workflow.start(asyncCompletedActivity, { taskQueue: env.taskQueue, workflowId: key, args: [key] });
  const task: AsyncTask = await eventually(async () => asyncTaskOf(key), `the activity of ${key} to run`);
  return { handle, task };
}

describe('phase 2 · async activity completion', { timeout: 30_000 }, () => {
  it('completes an activity by task token', async () => {
    const { handle, task } = await startAsyncActivity('complete-by-token');
    await env.client.activity.complete(task.taskToken, 'completed by token');
    expect(await handle.result()).toBe('completed by token');
    onlyEvent(await handle.fetchHistory(), 'ActivityTaskCompleted');
  });

  it('completes an activity by workflow id and activity id', async () => {
    const { handle, task } = await startAsyncActivity('complete-by-id');
    await env.client.activity.complete({ workflowId: task.workflowId, activityId: task.activityId }, 'completed by id');
    expect(await handle.result()).toBe('completed by id');
  });

  it('fails an activity by task token, which fails the workflow with an ActivityFailure', async () => {
    const { handle, task } = await startAsyncActivity('fail-by-token');
    await env.client.activity.fail(task.taskToken, ApplicationFailure.nonRetryable('failed from outside', 'Outside'));
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.cause?.message).toBe('failed from outside');
  });

  it('records a heartbeat sent by id as the pending activity’s details', async () => {
    const { handle, task } = await startAsyncActivity('heartbeat-by-id');
    await env.client.activity.heartbeat({ workflowId: task.workflowId, runId: task.runId, activityId: task.activityId }, { progress: 42 });
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    expect(pending).toHaveLength(1);
    const details = pending[0].heartbeatDetails?.payloads ?? [];
    expect(details.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ progress: 42 }]);
    await env.client.activity.complete(task.taskToken, 'done');
    expect(await handle.result()).toBe('done');
  });

  it('refuses to complete an activity that is already closed with ActivityNotFoundError', async () => {
    const { handle, task } = await startAsyncActivity('complete-twice');
    await env.client.activity.complete(task.taskToken, 'first');
    await handle.result();
    const err = await env.client.activity.complete(task.taskToken, 'second').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActivityNotFoundError);
  });

  it('tells an outside heartbeat about a cancel request and accepts the reported cancellation', async () => {
    const key = uniqueId('cancel-async');
    const handle = await env.client.workflow.start(cancellableAsyncActivity, { taskQueue: env.taskQueue, workflowId: key, args: [key] });
    const task = await eventually(async () => asyncTaskOf(key), 'the async activity to run');
    await env.client.activity.heartbeat(task.taskToken, 'still working');
    await handle.signal(unblockSignal);
    await eventually(
      () =>
        env.client.activity.heartbeat(task.taskToken, 'still working').then(
          () => undefined,
          (e: unknown) => {
            if (e instanceof ActivityCancelledError) return true;
            throw e;
          },
        ),
      'the heartbeat to report the cancel request',
    );
    await env.client.activity.reportCancellation(task.taskToken, 'cancelled from outside');
    expect(await handle.result()).toBe('activity cancelled');
    const history = await handle.fetchHistory();
    onlyEvent(history, 'ActivityTaskCancelRequested');
    onlyEvent(history, 'ActivityTaskCanceled');
  });

  it('refuses to complete by id an activity id the workflow never scheduled with ActivityNotFoundError', async () => {
    const { handle, task } = await startAsyncActivity('complete-unknown-id');
    const err = await env.client.activity.complete({ workflowId: task.workflowId, activityId: 'no-such-activity' }, 'x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActivityNotFoundError);
    await env.client.activity.complete(task.taskToken, 'cleanup');
    await handle.result();
  });

  it('times out an async activity that nobody heartbeats within its heartbeat timeout', async () => {
    const key = uniqueId('async-heartbeat-timeout');
    const err = await env.client.workflow
      .execute(unheartbeatedAsyncActivity, { taskQueue: env.taskQueue, workflowId: key, args: [key, 300] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const timeout = ((err as WorkflowFailedError).cause as ActivityFailure).cause as TimeoutFailure;
    expect(timeout).toBeInstanceOf(TimeoutFailure);
    expect(timeout.timeoutType).toBe('HEARTBEAT');
    const late = await env.client.activity.complete(asyncTaskOf(key)!.taskToken, 'too late').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(ActivityNotFoundError);
  });
});
