/**
 * Evictions and the shutdown drain on the fake core follow the real core: an eviction
 * (RemoveFromCache activation) when lang asks for one, when an activation failed, when the
 * workflow finished, when a new run needs room in a full cache, and after every activation without
 * a cache; none for runs that merely sit in the cache, at shutdown or otherwise. After initiate_shutdown the workflow poller answers null
 * once no activation or eviction is outstanding; every activity task handed out gets a
 * WORKER_SHUTDOWN cancel after the graceful period, and the activity poller answers null only
 * once each was completed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coresdk } from '@temporalio/proto';
import type { CoreConnection, CoreRuntime, CoreWorker, WorkerOptions } from '../../lib/core/types';
import { connectionOptions, enqueueTask, eviction, fakeRuntime, messages, pending, uniqueTaskQueue, workerOptions } from './fake-core';

const workflowsOnly: WorkerOptions['taskTypes'] = { workflows: true, activities: false, localActivities: false, nexus: false };
const activitiesOnly: WorkerOptions['taskTypes'] = { workflows: false, activities: true, localActivities: false, nexus: false };

describe('evictions and shutdown on the fake core', () => {
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

  /** A workflow worker with one run in its cache: its first activation handed out and completed. */
  async function workerWithCachedRun(runId: string, overrides: Partial<WorkerOptions> = {}): Promise<CoreWorker> {
    const taskQueue = uniqueTaskQueue('evict');
    const worker = connection.createWorker(workerOptions(taskQueue, { taskTypes: workflowsOnly, ...overrides }));
    await enqueueTask(connection, taskQueue, 'workflow', messages.activation(runId));
    expect(messages.decodeActivation(await worker.pollWorkflowActivation()).runId).toBe(runId);
    return worker;
  }

  async function nextEviction(worker: CoreWorker): Promise<{ runId: string; message: string; reason: string } | undefined> {
    const activation = messages.decodeActivation(await worker.pollWorkflowActivation());
    const evicted = eviction(activation);
    return evicted && { runId: activation.runId, ...evicted };
  }

  describe('workflows', () => {
    it('answers the workflow poll with null at shutdown without evicting runs that merely sit in the cache', async () => {
      const worker = await workerWithCachedRun('run-idle');
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-idle'));
      worker.initiateShutdown();
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('delivers an eviction lang asked for, and drains only once it is completed', async () => {
      const worker = await workerWithCachedRun('run-asked');
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-asked'));
      worker.requestWorkflowEviction('run-asked');
      worker.initiateShutdown();
      expect(await nextEviction(worker)).toEqual({ runId: 'run-asked', message: 'Eviction explicitly requested by lang', reason: 'LANG_REQUESTED' });
      const drained = worker.pollWorkflowActivation();
      expect(await pending(drained)).toBe(true);
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-asked'));
      expect(await drained).toBeNull();
      await worker.finalizeShutdown();
    });

    it('ignores an eviction request for a run it does not have', async () => {
      const worker = await workerWithCachedRun('run-known');
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-known'));
      worker.requestWorkflowEviction('run-unknown');
      worker.initiateShutdown();
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('keeps the workflow poller open while an activation is outstanding, and evicts a run asked for meanwhile after it', async () => {
      const worker = await workerWithCachedRun('run-busy');
      worker.requestWorkflowEviction('run-busy');
      worker.initiateShutdown();
      const next = worker.pollWorkflowActivation();
      expect(await pending(next)).toBe(true);
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-busy'));
      const activation = messages.decodeActivation(await next);
      expect(eviction(activation)).toMatchObject({ reason: 'LANG_REQUESTED' });
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-busy'));
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('evicts after every activation when the cache size is 0', async () => {
      const worker = await workerWithCachedRun('run-uncached', { maxCachedWorkflows: 0 });
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-uncached'));
      expect(await nextEviction(worker)).toEqual({ runId: 'run-uncached', message: 'Workflow cache full', reason: 'CACHE_FULL' });
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-uncached'));
      worker.initiateShutdown();
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('evicts the least recently used run before a new run enters a full cache', async () => {
      const taskQueue = uniqueTaskQueue('full');
      const worker = connection.createWorker(workerOptions(taskQueue, { taskTypes: workflowsOnly, maxCachedWorkflows: 2 }));
      for (const runId of ['run-a', 'run-b']) {
        await enqueueTask(connection, taskQueue, 'workflow', messages.activation(runId));
        expect(messages.decodeActivation(await worker.pollWorkflowActivation()).runId).toBe(runId);
        await worker.completeWorkflowActivation(messages.workflowCompletion(runId));
      }
      await enqueueTask(connection, taskQueue, 'workflow', messages.activation('run-c'));
      expect(await nextEviction(worker)).toEqual({ runId: 'run-a', message: 'Workflow cache full', reason: 'CACHE_FULL' });
      const admitted = worker.pollWorkflowActivation();
      expect(await pending(admitted)).toBe(true);
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-a'));
      expect(messages.decodeActivation(await admitted).runId).toBe('run-c');
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-c'));
      worker.initiateShutdown();
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('evicts a run whose activation failed', async () => {
      const worker = await workerWithCachedRun('run-failed');
      await worker.completeWorkflowActivation(messages.workflowFailure('run-failed'));
      const evicted = await nextEviction(worker);
      expect(evicted).toMatchObject({ runId: 'run-failed', reason: 'LANG_FAIL' });
      expect(evicted?.message).toMatch(/^Workflow activation completion failed: /);
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-failed'));
      worker.initiateShutdown();
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('evicts a run whose workflow completed', async () => {
      const worker = await workerWithCachedRun('run-done');
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-done', [{ completeWorkflowExecution: {} }]));
      expect(await nextEviction(worker)).toEqual({ runId: 'run-done', message: 'Workflow completed', reason: 'WORKFLOW_EXECUTION_ENDING' });
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-done'));
      worker.initiateShutdown();
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('hands out no new activation after initiate_shutdown', async () => {
      const taskQueue = uniqueTaskQueue('late-task');
      const worker = connection.createWorker(workerOptions(taskQueue, { taskTypes: workflowsOnly }));
      worker.initiateShutdown();
      await enqueueTask(connection, taskQueue, 'workflow', messages.activation('run-late'));
      expect(await worker.pollWorkflowActivation()).toBeNull();
      await worker.finalizeShutdown();
    });
  });

  describe('activities', () => {
    async function workerWithActivity(token: string, overrides: Partial<WorkerOptions> = {}): Promise<CoreWorker> {
      const taskQueue = uniqueTaskQueue('act-drain');
      const worker = connection.createWorker(workerOptions(taskQueue, { taskTypes: activitiesOnly, ...overrides }));
      await enqueueTask(connection, taskQueue, 'activity', messages.activityTask(token));
      messages.decodeActivityTask(await worker.pollActivityTask());
      return worker;
    }

    it('sends a WORKER_SHUTDOWN cancel for an activity still running once the graceful period is over', async () => {
      const worker = await workerWithActivity('token-cancel', { gracefulShutdownPeriodMs: 0 });
      worker.initiateShutdown();
      const cancel = messages.decodeActivityTask(await worker.pollActivityTask());
      expect(Buffer.from(cancel.taskToken).toString()).toBe('token-cancel');
      expect(cancel.cancel).toMatchObject({
        reason: coresdk.activity_task.ActivityCancelReason.WORKER_SHUTDOWN,
        details: { isWorkerShutdown: true },
      });
      await worker.completeActivityTask(
        coresdk.ActivityTaskCompletion.encode({ taskToken: Buffer.from('token-cancel'), result: { cancelled: {} } }).finish(),
      );
      expect(await worker.pollActivityTask()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('keeps the activity poller open while an activity task handed out is not completed', async () => {
      const worker = await workerWithActivity('token-held', { gracefulShutdownPeriodMs: 60_000 });
      worker.initiateShutdown();
      const drained = worker.pollActivityTask();
      expect(await pending(drained, 100)).toBe(true);
      await worker.completeActivityTask(messages.activityCompletion('token-held'));
      expect(await drained).toBeNull();
      await worker.finalizeShutdown();
    });

    it('hands out no new activity task after initiate_shutdown', async () => {
      const taskQueue = uniqueTaskQueue('late-activity');
      const worker = connection.createWorker(workerOptions(taskQueue, { taskTypes: activitiesOnly }));
      worker.initiateShutdown();
      await enqueueTask(connection, taskQueue, 'activity', messages.activityTask('token-late'));
      expect(await worker.pollActivityTask()).toBeNull();
      await worker.finalizeShutdown();
    });

    it('with local activities, drains the activity poller only after the workflow poller', async () => {
      const worker = connection.createWorker(
        workerOptions(uniqueTaskQueue('local'), { taskTypes: { workflows: true, activities: true, localActivities: true, nexus: false } }),
      );
      worker.initiateShutdown();
      const activities = worker.pollActivityTask();
      expect(await pending(activities)).toBe(true);
      expect(await worker.pollWorkflowActivation()).toBeNull();
      expect(await activities).toBeNull();
      await worker.finalizeShutdown();
    });
  });
});
