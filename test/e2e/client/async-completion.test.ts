/**
 * Our client against the dev server: completing, failing, heartbeating and cancelling activities from
 * outside the worker (by task token and by id), and one connection serving a client and a worker.
 */
import { coresdk } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActivityCancelledError,
  ActivityCompletionError,
  ActivityNotFoundError,
  CancelledFailure,
  WorkflowFailedError,
  Worker,
} from '../../../lib';
import { workerOptionsWithDefaults } from '../../../lib/core';
import { ConsoleLogger } from '../../../lib/worker';
import { taskTokenFor } from './activities';
import { startClientTestEnvironment, type ClientTestEnvironment } from './environment';
import { rejectionOf } from './helpers';
import { awaitAsyncActivity, awaitCancellableActivity, echoOnQueue, reportAsyncActivityFailure } from './workflows';

let env: ClientTestEnvironment;

beforeAll(async () => {
  env = await startClientTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

/** Starts `workflow` with a fresh key and waits until its async activity has published its token. */
async function startWithPendingActivity(
  workflow: typeof awaitAsyncActivity | typeof reportAsyncActivityFailure | typeof awaitCancellableActivity,
  label: string,
) {
  const key = env.workflowId(label);
  const token = taskTokenFor(key);
  const handle = await env.client.workflow.start(workflow, { taskQueue: env.taskQueue, workflowId: key, args: [key] });
  return { handle, taskToken: await token };
}

describe('async activity completion', () => {
  it('complete(taskToken, result) completes the activity with that result', async () => {
    const { handle, taskToken } = await startWithPendingActivity(awaitAsyncActivity, 'complete-token');
    await env.client.activity.complete(taskToken, 'done by token');
    expect(await handle.result()).toBe('done by token');
  });

  it('complete({ workflowId, activityId }, result) completes the activity by id', async () => {
    const { handle } = await startWithPendingActivity(awaitAsyncActivity, 'complete-id');
    // The workflow's first (and only) activity gets id '1'.
    await env.client.activity.complete({ workflowId: handle.workflowId, activityId: '1' }, 'done by id');
    expect(await handle.result()).toBe('done by id');
  });

  it('fail(taskToken, error) fails the activity with the converted error', async () => {
    const { handle, taskToken } = await startWithPendingActivity(reportAsyncActivityFailure, 'fail-token');
    await env.client.activity.fail(taskToken, new Error('card declined'));
    expect(await handle.result()).toBe('failed: card declined');
  });

  it('fail({ workflowId, runId, activityId }, error) fails the activity by id', async () => {
    const { handle } = await startWithPendingActivity(reportAsyncActivityFailure, 'fail-id');
    await env.client.activity.fail(
      { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, activityId: '1' },
      new Error('out of stock'),
    );
    expect(await handle.result()).toBe('failed: out of stock');
  });

  it('heartbeat by token and by id succeed while the activity runs', async () => {
    const { handle, taskToken } = await startWithPendingActivity(awaitAsyncActivity, 'heartbeat');
    await env.client.activity.heartbeat(taskToken, { progress: 1 });
    await env.client.activity.heartbeat({ workflowId: handle.workflowId, activityId: '1' }, { progress: 2 });
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    expect(pending).toHaveLength(1);
    await env.client.activity.complete(taskToken, 'finished');
    expect(await handle.result()).toBe('finished');
  });

  it('heartbeat rejects with ActivityCancelledError once cancellation was requested, and reportCancellation ends it', async () => {
    const { handle, taskToken } = await startWithPendingActivity(awaitCancellableActivity, 'heartbeat-cancel');
    await handle.cancel();
    // The workflow turns its cancellation into a cancel request for the activity on its next task.
    let heartbeatError: unknown;
    while (heartbeatError === undefined) {
      heartbeatError = await env.client.activity.heartbeat(taskToken).then(
        () => undefined,
        (err: unknown) => err,
      );
      if (heartbeatError === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(heartbeatError).toBeInstanceOf(ActivityCancelledError);
    await env.client.activity.reportCancellation(taskToken, 'stopped');
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  });

  it('completing an activity that is no longer running rejects with ActivityNotFoundError', async () => {
    const { handle, taskToken } = await startWithPendingActivity(awaitAsyncActivity, 'complete-twice');
    await env.client.activity.complete(taskToken, 'first');
    await handle.result();
    expect(await rejectionOf(env.client.activity.complete(taskToken, 'second'))).toBeInstanceOf(ActivityNotFoundError);
  });

  it('completing with a malformed task token rejects with ActivityCompletionError carrying the gRPC code', async () => {
    const err = await rejectionOf(env.client.activity.complete(new Uint8Array([1, 2, 3]), 'x'));
    expect(err).toBeInstanceOf(ActivityCompletionError);
    expect((err as ActivityCompletionError).codeName).toBe('INVALID_ARGUMENT');
  });

  it('completing by the id of an unknown workflow rejects with ActivityNotFoundError', async () => {
    const err = await rejectionOf(env.client.activity.complete({ workflowId: 'nobody-home', activityId: '1' }, 'x'));
    expect(err).toBeInstanceOf(ActivityNotFoundError);
  });
});

describe('one connection for client and worker', () => {
  it('our Worker runs an activity on the client connection while the client drives the workflow', async () => {
    const activityQueue = env.workflowId('shared-worker');
    const worker = await Worker.create({
      connection: env.connection,
      namespace: env.namespace,
      taskQueue: activityQueue,
      activities: { echo: async (value: string) => `echo: ${value}` },
      logger: new ConsoleLogger('WARN'),
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(echoOnQueue, {
        taskQueue: env.taskQueue,
        workflowId: env.workflowId('shared-worker'),
        args: [activityQueue, 'hi'],
      }),
    );
    expect(result).toBe('echo: hi');
  });

  it('a core worker polls an activity task on the client connection while the client queries the same server', async () => {
    const activityQueue = env.workflowId('shared-core');
    const coreWorker = env.connection.core.createWorker(
      workerOptionsWithDefaults({
        namespace: env.namespace,
        taskQueue: activityQueue,
        buildId: 'client-e2e',
        taskTypes: { workflows: false, activities: true, localActivities: false, nexus: false },
      }),
    );
    await coreWorker.validate();
    const handle = await env.client.workflow.start(echoOnQueue, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('shared-core'),
      args: [activityQueue, 'hello'],
    });

    const [taskBytes, description] = await Promise.all([coreWorker.pollActivityTask(), handle.describe()]);
    expect(description.status.name).toBe('RUNNING');
    const task = coresdk.activity_task.ActivityTask.decode(taskBytes!);
    expect(task.start?.activityType).toBe('echo');
    const input = await env.client.dataConverter.decode<string>(task.start?.input);

    const result = await env.client.dataConverter.encodeOne(`core: ${input[0]}`);
    await coreWorker.completeActivityTask(
      coresdk.ActivityTaskCompletion.encode({ taskToken: task.taskToken, result: { completed: { result } } }).finish(),
    );
    expect(await handle.result()).toBe('core: hello');

    coreWorker.initiateShutdown();
    expect(await coreWorker.pollActivityTask()).toBeNull();
    await coreWorker.finalizeShutdown();
    // The client still works on the connection after the worker is gone.
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});

