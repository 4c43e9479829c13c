import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError, WorkerStateError } from '../../lib/core/errors';
import type { CoreConnection, CoreRuntime, CoreWorker } from '../../lib/core/types';
import { enqueueTask, fakeRuntime, connectionOptions, settledStats, text, uniqueTaskQueue, workerOptions } from './fake-core';

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
    await enqueueTask(connection, taskQueue, 'workflow', Buffer.from('activation-1'));
    await enqueueTask(connection, taskQueue, 'activity', Buffer.from('activity-1'));
    expect(text(await activation)).toBe('activation-1');
    expect(text(await activity)).toBe('activity-1');
    await worker.completeWorkflowActivation(Buffer.from('completion-1'));
    await worker.completeActivityTask(Buffer.from('completion-2'));
    await shutDown(worker);
  });

  it('shuts down with polls and completions in flight by following the order, then finalizes cleanly', async () => {
    const taskQueue = uniqueTaskQueue('order');
    const worker = connection.createWorker(workerOptions(taskQueue));
    await enqueueTask(connection, taskQueue, 'workflow', Buffer.from('wf'));
    await enqueueTask(connection, taskQueue, 'activity', Buffer.from('act'));
    expect(text(await worker.pollWorkflowActivation())).toBe('wf');
    expect(text(await worker.pollActivityTask())).toBe('act');
    // Polls waiting for more work when shutdown begins; completions still outstanding.
    const workflowPoll = worker.pollWorkflowActivation();
    const activityPoll = worker.pollActivityTask();
    worker.initiateShutdown();

    // Finalize is refused while polls and completions are in flight; the core is never asked.
    await expect(worker.finalizeShutdown()).rejects.toThrow(WorkerStateError);
    await expect(worker.finalizeShutdown()).rejects.toThrow(/poll\(s\) still in flight/);

    const completions = [worker.completeWorkflowActivation(Buffer.from('c1')), worker.completeActivityTask(Buffer.from('c2'))];
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
      const worker = connection.createWorker(workerOptions(taskQueue));
      await enqueueTask(connection, taskQueue, 'activity', Buffer.from('slow task'));
      expect(text(await worker.pollActivityTask())).toBe('slow task');
      const completion = worker.completeActivityTask(Buffer.from('done'));
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
    await expect(worker.completeWorkflowActivation(Buffer.from('x'))).rejects.toThrow(WorkerStateError);
    await expect(worker.completeActivityTask(Buffer.from('x'))).rejects.toThrow(WorkerStateError);
    await expect(worker.validate()).rejects.toThrow(WorkerStateError);
    await expect(worker.finalizeShutdown()).rejects.toThrow(WorkerStateError);
    expect(() => worker.recordActivityHeartbeat(Buffer.from('x'))).toThrow(WorkerStateError);
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

  it('records heartbeats and eviction requests, and reports a heartbeat the core rejects', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('hb')));
    const before = await settledStats(connection);
    worker.recordActivityHeartbeat(Buffer.from('heartbeat'));
    worker.requestWorkflowEviction('run-1');
    const after = await settledStats(connection);
    expect(after.heartbeats - before.heartbeats).toBe(1);
    expect(after.evictions - before.evictions).toBe(1);
    expect(() => worker.recordActivityHeartbeat(Buffer.from('bad'))).toThrow(CoreError);
    await shutDown(worker);
  });

  it('rejects a completion the core fails to decode synchronously, on the calling thread', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('decode')));
    await expect(worker.completeWorkflowActivation(Buffer.from('bad'))).rejects.toThrow(/Failed to decode completion/);
    await shutDown(worker);
  });

  it('rejects validate with the core message when the namespace does not exist', async () => {
    const worker = connection.createWorker(workerOptions(uniqueTaskQueue('ns'), { namespace: 'missing-namespace' }));
    await expect(worker.validate()).rejects.toThrow(/Namespace missing-namespace is not found/);
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
    await enqueueTask(connection, taskQueue, 'activity', Buffer.from('still works'));
    expect(text(await worker.pollActivityTask())).toBe('still works');
    await worker.completeActivityTask(Buffer.from('done'));
    await shutDown(worker);
  });

  it('frees every worker, byte array and operation once all workers have finalized', async () => {
    const state = await settledStats(connection);
    expect(state).toMatchObject({ workers: 0, byteArrays: 0, tokens: 0, workerOpsInFlight: 0 });
  });
});
