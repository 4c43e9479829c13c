/**
 * The fake core keeps the real core's per-connection worker registry (temporalio_client's
 * ClientWorkerSet::register): one worker per namespace and task queue with overlapping task
 * types, unless deployment versioning tells them apart; released when the worker initiates
 * shutdown, never when it is merely freed. Each expectation is what the real library did with the
 * same workers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreConnection, CoreRuntime, CoreWorker, WorkerOptions } from '../../lib/core/types';
import { connectionOptions, fakeRuntime, probeOptions, uniqueTaskQueue, workerOptions, workersOn } from './fake-core';

const activitiesOnly: WorkerOptions['taskTypes'] = { workflows: false, activities: true, localActivities: false, nexus: false };
const workflowsOnly: WorkerOptions['taskTypes'] = { workflows: true, activities: false, localActivities: false, nexus: false };

/** Shuts a worker down in the allowed order, draining the pollers of its task types. */
async function shutDown(worker: CoreWorker, taskTypes: WorkerOptions['taskTypes'] = workerOptions('').taskTypes): Promise<void> {
  worker.initiateShutdown();
  if (taskTypes.workflows) expect(await worker.pollWorkflowActivation()).toBeNull();
  if (taskTypes.activities || taskTypes.localActivities) expect(await worker.pollActivityTask()).toBeNull();
  await worker.finalizeShutdown();
}

describe('worker registration on the fake core', () => {
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

  it('refuses a second worker with overlapping task types on the same connection, namespace and task queue', async () => {
    const taskQueue = uniqueTaskQueue('dup');
    const first = connection.createWorker(workerOptions(taskQueue, { taskTypes: activitiesOnly }));
    const error = (() => {
      try {
        connection.createWorker(workerOptions(taskQueue, { taskTypes: activitiesOnly }));
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    const types =
      'WorkerTaskTypes { enable_workflows: false, enable_local_activities: false, enable_remote_activities: true, enable_nexus: false }';
    expect(error?.message).toMatch(
      new RegExp(
        '^Worker creation failed: Worker start failed: Registration of multiple workers with overlapping worker task types ' +
          'on the same namespace, task queue, and deployment build ID not allowed: ' +
          `SlotKey \\{ namespace: "default", task_queue: "${taskQueue}" \\}, ` +
          // The real core's format string swaps its last two arguments: kept as it prints.
          `worker_instance_key: ${types.replace(/[{}]/g, '\\$&')} build_id: None, new task types: ${types.replace(/[{}]/g, '\\$&')}, ` +
          'existing task types: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.$',
      ),
    );
    await shutDown(first, activitiesOnly);
  });

  it('refuses it even with another build id: without deployment versioning the registry sees no build id', async () => {
    const taskQueue = uniqueTaskQueue('dup-build');
    const first = connection.createWorker(workerOptions(taskQueue, { buildId: 'build-a' }));
    expect(() => connection.createWorker(workerOptions(taskQueue, { buildId: 'build-b' }))).toThrow(
      /Registration of multiple workers with overlapping worker task types/,
    );
    await shutDown(first);
  });

  it('accepts a second worker whose task types do not overlap', async () => {
    const taskQueue = uniqueTaskQueue('split');
    const activities = connection.createWorker(workerOptions(taskQueue, { taskTypes: activitiesOnly }));
    const workflows = connection.createWorker(workerOptions(taskQueue, { taskTypes: workflowsOnly }));
    expect(await workersOn(connection, taskQueue)).toHaveLength(2);
    await shutDown(activities, activitiesOnly);
    await shutDown(workflows, workflowsOnly);
  });

  it('accepts the same worker on another task queue, another namespace or another connection', async () => {
    const taskQueue = uniqueTaskQueue('elsewhere');
    const other = await runtime.connect(connectionOptions);
    const workers = [
      connection.createWorker(workerOptions(taskQueue)),
      connection.createWorker(workerOptions(`${taskQueue}-2`)),
      connection.createWorker(workerOptions(taskQueue, { namespace: 'other-namespace' })),
      other.createWorker(workerOptions(taskQueue)),
    ];
    for (const worker of workers) await shutDown(worker);
    await other.close();
  });

  it('releases the registration as soon as the first worker initiates shutdown', async () => {
    const taskQueue = uniqueTaskQueue('release');
    const first = connection.createWorker(workerOptions(taskQueue));
    expect(() => connection.createWorker(workerOptions(taskQueue))).toThrow(/overlapping worker task types/);
    first.initiateShutdown();
    const second = connection.createWorker(workerOptions(taskQueue));
    expect((await workersOn(connection, taskQueue)).map((w) => w.registered)).toEqual([false, true]);
    expect(await first.pollWorkflowActivation()).toBeNull();
    expect(await first.pollActivityTask()).toBeNull();
    await first.finalizeShutdown();
    await shutDown(second);
  });

  it('keeps the registration of a worker freed without initiate_shutdown, as the real core does (through the C ABI)', () => {
    expect(probeOptions('register-again', 'freed')).toMatch(
      /^fail: Worker start failed: Registration of multiple workers with overlapping worker task types/,
    );
    expect(probeOptions('register-again', 'shutdown')).toBe('ok');
  });

  it('never registers replay workers, so any number share a task queue', async () => {
    const replayers = [runtime.createReplayer({ taskQueue: 'shared-replay' }), runtime.createReplayer({ taskQueue: 'shared-replay' })];
    for (const replayer of replayers) {
      replayer.closeHistoryStream();
      replayer.worker.initiateShutdown();
      expect(await replayer.worker.pollWorkflowActivation()).toBeNull();
      await replayer.worker.finalizeShutdown();
    }
  });
});
