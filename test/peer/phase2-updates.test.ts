/**
 * Spec §7 phase 2 with the official SDK: workflow updates and update-with-start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { eventTypes, startPeerEnv, uniqueId, type PeerEnv } from './helpers';

let env: PeerEnv;
let worker: Worker;
let taskQueue: string;
let running: Promise<void>;

beforeAll(async () => {
  env = await startPeerEnv();
  worker = await env.createWorker();
  taskQueue = worker.options.taskQueue;
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.close();
});

function startUpdatable() {
  return env.client.workflow.start('updatable', { taskQueue, workflowId: uniqueId('upd') });
}

describe('phase 2: updates', () => {
  it('executeUpdate returns the handler result and records accepted/completed events', async () => {
    const handle = await startUpdatable();
    expect(await handle.executeUpdate('add', { args: [5] })).toBe(5);
    expect(await handle.executeUpdate('add', { args: [2] })).toBe(7);
    await handle.signal('finish');
    expect(await handle.result()).toBe(7);
    const types = eventTypes(await handle.fetchHistory());
    expect(types.filter((t) => t === 'WorkflowExecutionUpdateAccepted')).toHaveLength(2);
    expect(types.filter((t) => t === 'WorkflowExecutionUpdateCompleted')).toHaveLength(2);
  });

  it('a validator rejection gives WorkflowUpdateFailedError and leaves no update events', async () => {
    const handle = await startUpdatable();
    await expect(handle.executeUpdate('add', { args: [-1] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect(await handle.query('count')).toBe(0);
    expect(eventTypes(await handle.fetchHistory())).not.toContain('WorkflowExecutionUpdateAccepted');
    await handle.terminate();
  });

  it('startUpdate waiting for ACCEPTED, then result()', async () => {
    const handle = await startUpdatable();
    const update = await handle.startUpdate('add', { args: [3], waitForStage: WorkflowUpdateStage.ACCEPTED });
    expect(await update.result()).toBe(3);
    await handle.terminate();
  });

  it('an update handler can run an activity', async () => {
    const handle = await startUpdatable();
    expect(await handle.executeUpdate('greetViaActivity', { args: ['update'] })).toBe('Hello, update!');
    await handle.terminate();
  });

  it('update-with-start starts the workflow and runs the update', async () => {
    const workflowId = uniqueId('uws');
    const startWorkflowOperation = new WithStartWorkflowOperation('updatable', { workflowId, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(await env.client.workflow.executeUpdateWithStart('add', { args: [11], startWorkflowOperation })).toBe(11);
    const handle = await startWorkflowOperation.workflowHandle();
    const again = new WithStartWorkflowOperation('updatable', { workflowId, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(await env.client.workflow.executeUpdateWithStart('add', { args: [1], startWorkflowOperation: again })).toBe(12);
    expect((await again.workflowHandle()).firstExecutionRunId).toBe(handle.firstExecutionRunId);
    await handle.terminate();
  });

  it('an update on a closed workflow errors', async () => {
    const handle = await startUpdatable();
    await handle.signal('finish');
    await handle.result();
    await expect(handle.executeUpdate('add', { args: [1] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('a repeated update id returns the first outcome without running the handler again', async () => {
    const handle = await startUpdatable();
    expect(await handle.executeUpdate('add', { args: [4], updateId: 'same-id' })).toBe(4);
    expect(await handle.executeUpdate('add', { args: [4], updateId: 'same-id' })).toBe(4);
    expect(await handle.query('count')).toBe(4);
    await handle.terminate();
  });
});
