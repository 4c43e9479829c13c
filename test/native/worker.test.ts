import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError, WorkerStateError } from '../../lib/core/errors';
import type { CoreConnection, CoreRuntime, CoreWorker } from '../../lib/core/types';
import { enqueueTask, fakeRuntime, connectionOptions, messages, settledStats, uniqueTaskQueue, workerOptions } from './fake-core';

/** Shuts a worker down in the one allowed order. */
async function shutDown(worker: CoreWorker): Promise<void> {
  worker.initiateShutdown();
  expect(await worker.pollWorkflowActivation()).toBeNull();
  expect(await worker.pollActivityTask()).toBeNull();
  await worker.finalizeShutdown();
}

describe('native worker on the fake core', () => {
  let runtime: CoreRuntime;
  let connection: CoreConnection;

  beforeAll(async () => {
    runtime = await fakeRuntime();
    connection = await runtime.connect(connectionOptions);
  });

  afterAll(async () => {
    await connection.close();
    await runtime.close();
  });

  it('hands out scripted workflow activations and activity tasks and accepts their completions', async () => {
    const taskQueue = uniqueTaskQueue('tasks');
    const worker = connection.createWorker(workerOptions(taskQueue));
    await worker.validate();
    const activation = worker.pollWorkflowActivation();
    const activity = worker.pollActivityTask();
    await enqueueTask(connection, taskQueue, 'workflow', messages.activation('run-1'));
    await enqueueTask(connection, taskQueue, 'activity', messages.activityTask('token-1'));
    expect(messages.decodeActivation(await activation).runId).toBe('run-1');
    expect(Buffer.from(messages.decodeActivityTask(await activity).taskToken).toString()).toBe('token-1');
    await worker.completeWorkflowActivation(messages.workflowCompletion('run-1'));
    await worker.completeActivityTask(messages.activityCompletion('token-1'));
    await shutDown(worker);
  });

  it('shuts down with polls and completions in flight by following the order, then finalizes cleanly', async () => {
    const taskQueue = uniqueTaskQueue('order');
    // A long grace period: no shutdown cancel reaches the activity poll during this test.
    const worker = connection.createWorker(workerOptions(taskQueue, { gracefulShutdownPeriodMs: 60_000 }));
    await enqueueTask(connection, taskQueue, 'workflow', messages.activation('run-order'));
    await enqueueTask(connection, taskQueue, 'activity', messages.activityTask('token-order'));
    expect(messages.decodeActivation(await worker.pollWorkflowActivation()).runId).toBe('run-order');
    messages.decodeActivityTask(await worker.pollActivityTask());
    // Polls waiting for more work when shutdown begins; completions still outstanding.
    const workflowPoll = worker.pollWorkflowActivation();
    const activityPoll = worker.pollActivityTask();
    worker.initiateShutdown();

    // Finalize is refused while polls and completions are in flight; the core is never asked.
    await expect(worker.finalizeShutdown()).rejects.toThrow(WorkerStateError);
    await expect(worker.finalizeShutdown()).rejects.toThrow(/poll\(s\) still in flight/);

    const completions = [
      worker.completeWorkflowActivation(messages.workflowCompletion('run-order')),
      worker.completeActivityTask(messages.activityCompletion('token-order')),
    ];
    await expect(worker.finalizeShutdown()).rejects.toThrow(/still in flight/);
    await Promise.all(completions);
    // Drained only once everything handed out was completed.
    expect(await workflowPoll).toBeNull();
    expect(await activityPoll).toBeNull();
    await worker.finalizeShutdown();
  });

  it('follows the same order when every worker callback of the core arrives late', async () => {
    const configure = (delayMs: number) =>
      connection.rpcCall('test', 'Configure', new Uint8Array(), { metadata: { 'fake-worker-delay-ms': String(delayMs) } });
    await configure(25);
    try {
      const taskQueue = uniqueTaskQueue('slow');
      const worker = connection.createWorker(workerOptions(taskQueue, { gracefulShutdownPeriodMs: 60_000 }));
      await enqueueTask(connection, taskQueue, 'activity', messages.activityTask('slow-token'));
      messages.decodeActivityTask(await worker.pollActivityTask());
      const completion = worker.completeActivityTask(messages.activityCompletion('slow-token'));
      const drainActivities = worker.pollActivityTask();
      const drainWorkflows = worker.pollWorkflowActivation();
      worker.initiateShutdown();
      await expect(worker.finalizeShutdown()).rejects.toThrow(WorkerStateError);
      await completion;
      expect(await drainActivities).toBeNull();
      expect(await drainWorkflows).toBeNull();
      await worker.finalizeShutdown();
    } finally {
      await configure(1);
    }
  });

  it('refuses finalize before initiateShutdown and before every poller is drained, explaining the order', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('early')));
    await expect(worker.finalizeShutdown()).rejects.toThrow(/initiateShutdown\(\) first/);
    worker.initiateShutdown();
    expect(await worker.pollWorkflowActivation()).toBeNull();
    await expect(worker.finalizeShutdown()).rejects.toThrow(/activity poller has not been drained/);
    expect(await worker.pollActivityTask()).toBeNull();
    await worker.finalizeShutdown();
  });

  it('answers every call after finalize with a WorkerStateError instead of reaching the core (which would abort)', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('after')));
    await shutDown(worker);
    await expect(worker.pollWorkflowActivation()).rejects.toThrow(WorkerStateError);
    await expect(worker.pollActivityTask()).rejects.toThrow(/finalized/);
    await expect(worker.completeWorkflowActivation(messages.workflowCompletion('run'))).rejects.toThrow(WorkerStateError);
    await expect(worker.completeActivityTask(messages.activityCompletion('token'))).rejects.toThrow(WorkerStateError);
    await expect(worker.validate()).rejects.toThrow(WorkerStateError);
    await expect(worker.finalizeShutdown()).rejects.toThrow(WorkerStateError);
    expect(() => worker.recordActivityHeartbeat(messages.heartbeat('token'))).toThrow(WorkerStateError);
    expect(() => worker.requestWorkflowEviction('run')).toThrow(WorkerStateError);
    expect(() => worker.initiateShutdown()).toThrow(WorkerStateError);
  });

  it('answers null again without asking the core once a poller has shut down', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('twice')));
    worker.initiateShutdown();
    expect(await worker.pollWorkflowActivation()).toBeNull();
    expect(await worker.pollWorkflowActivation()).toBeNull();
    expect(await worker.pollActivityTask()).toBeNull();
    await worker.finalizeShutdown();
  });

  it('refuses to poll a task type the worker does not handle', async () => {
    const worker = connection.createWorker(
      workerOptions(uniqueTaskQueue('wf-only'), {
        taskTypes: { workflows: true, activities: false, localActivities: false, nexus: false },
      }),
    );
    await expect(worker.pollActivityTask()).rejects.toThrow(/do not include activity tasks/);
    worker.initiateShutdown();
    expect(await worker.pollWorkflowActivation()).toBeNull();
    await worker.finalizeShutdown();
  });

  it('records a heartbeat for an activity task it handed out, and an eviction request', async () => {
    const taskQueue = uniqueTaskQueue('hb');
    const worker = connection.createWorker(workerOptions(taskQueue));
    await enqueueTask(connection, taskQueue, 'activity', messages.activityTask('hb-token'));
    messages.decodeActivityTask(await worker.pollActivityTask());
    const before = await settledStats(connection);
    worker.recordActivityHeartbeat(messages.heartbeat('hb-token'));
    worker.requestWorkflowEviction('run-1');
    const after = await settledStats(connection);
    expect(after.heartbeats - before.heartbeats).toBe(1);
    expect(after.evictions - before.evictions).toBe(1);
    await worker.completeActivityTask(messages.activityCompletion('hb-token'));
    await shutDown(worker);
  });

  it('throws a CoreError with the core message for a heartbeat that does not decode', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('hb-bad')));
    expect(() => worker.recordActivityHeartbeat(Buffer.from('bad'))).toThrow(CoreError);
    expect(() => worker.recordActivityHeartbeat(Buffer.from('bad'))).toThrow(
      /Activity heartbeat decode failure: failed to decode Protobuf message: buffer underflow/,
    );
    await shutDown(worker);
  });

  it('rejects a completion the core fails to decode synchronously, on the calling thread', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('decode')));
    await expect(worker.completeWorkflowActivation(Buffer.from('bad'))).rejects.toThrow(
      /Workflow task decode failure: failed to decode Protobuf message: buffer underflow/,
    );
    await expect(worker.completeActivityTask(Buffer.from('bad'))).rejects.toThrow(
      /Activity task decode failure: failed to decode Protobuf message: buffer underflow/,
    );
    await shutDown(worker);
  });

  it('rejects validate with the core message when the namespace does not exist', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('ns'), { namespace: 'missing-namespace' }));
    await expect(worker.validate()).rejects.toThrow(
      /Worker validation failed: Namespace missing-namespace was not found or otherwise could not be described: .*Namespace missing-namespace is not found/,
    );
    await shutDown(worker);
  });

  it('refuses invalid worker options with an error naming the field', () => {
    const taskQueue = uniqueTaskQueue('bad');
    expect(() => connection.createWorker(workerOptions(''))).toThrow(/WorkerOptions\.taskQueue/);
    expect(() =>
      connection.createWorker(workerOptions(taskQueue, { slots: { workflow: 0, activity: 1, localActivity: 1, nexus: 1 } })),
    ).toThrow(/WorkerOptions\.slots\.workflow/);
    expect(() =>
      connection.createWorker(
        workerOptions(taskQueue, { taskTypes: { workflows: false, activities: false, localActivities: true, nexus: false } }),
      ),
    ).toThrow(/taskTypes\.localActivities requires taskTypes\.workflows/);
    expect(() =>
      connection.createWorker(workerOptions(taskQueue, { workflowTaskPollerBehavior: { simpleMaximum: 0 } })),
    ).toThrow(/workflowTaskPollerBehavior\.simpleMaximum/);
  });

  it('keeps the connection alive for a worker after the connection object is closed', async () => {
    const own = await runtime.connect(connectionOptions);
    const taskQueue = uniqueTaskQueue('outlive');
    const worker = own.createWorker(workerOptions(taskQueue));
    await own.close();
    await enqueueTask(connection, taskQueue, 'activity', messages.activityTask('still-works'));
    messages.decodeActivityTask(await worker.pollActivityTask());
    await worker.completeActivityTask(messages.activityCompletion('still-works'));
    await shutDown(worker);
  });

  it('frees every worker, byte array and operation once all workers have finalized', async () => {
    const state = await settledStats(connection);
    expect(state).toMatchObject({ workers: 0, byteArrays: 0, tokens: 0, workerOpsInFlight: 0 });
  });
});
