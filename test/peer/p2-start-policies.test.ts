/**
 * Workflow id reuse and conflict policies with the official client against our dev server (issue
 * scope beside spec §7): what a second start with the same workflow id does, depending on whether
 * the first run is still running, completed or failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { alwaysFails, quick, unblockSignal, waitsForSignal } from './p2-support/workflows';

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('phase 2 · workflow id reuse and conflict policies', { timeout: 30_000 }, () => {
  it('REJECT_DUPLICATE refuses a new run after the previous one completed', async () => {
    const workflowId = uniqueId('reject-duplicate');
    await env.client.workflow.execute(quick, { taskQueue: env.taskQueue, workflowId });
    const err = await rejection(
      env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId, workflowIdReusePolicy: 'REJECT_DUPLICATE' }),
    );
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('ALLOW_DUPLICATE_FAILED_ONLY refuses a new run after a completed one', async () => {
    const workflowId = uniqueId('failed-only-completed');
    await env.client.workflow.execute(quick, { taskQueue: env.taskQueue, workflowId });
    const err = await rejection(
      env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId, workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' }),
    );
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('ALLOW_DUPLICATE_FAILED_ONLY allows a new run after a failed one', async () => {
    const workflowId = uniqueId('failed-only-failed');
    await rejection(env.client.workflow.execute(alwaysFails, { taskQueue: env.taskQueue, workflowId }));
    const second = await env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId, workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' });
    expect(await second.result()).toBe('quick');
  });

  it('ALLOW_DUPLICATE (the default) starts a new run after a completed one', async () => {
    const workflowId = uniqueId('allow-duplicate');
    const first = await env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId });
    await first.result();
    const second = await env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    expect(await second.result()).toBe('quick');
  });

  it('a second start while the first run is running fails by default', async () => {
    const first = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('conflict-fail') });
    const err = await rejection(env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: first.workflowId }));
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await first.signal(unblockSignal);
    await first.result();
  });

  it('USE_EXISTING returns the running run instead of starting another', async () => {
    const first = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('use-existing') });
    const second = await env.client.workflow.start(waitsForSignal, {
      taskQueue: env.taskQueue,
      workflowId: first.workflowId,
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await first.signal(unblockSignal);
    await first.result();
  });

  it('TERMINATE_EXISTING terminates the running run and starts a new one', async () => {
    const first = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('terminate-existing') });
    const second = await env.client.workflow.start(waitsForSignal, {
      taskQueue: env.taskQueue,
      workflowId: first.workflowId,
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    const old = await env.client.workflow.getHandle(first.workflowId, first.firstExecutionRunId).describe();
    expect(old.status.name).toBe('TERMINATED');
    await second.signal(unblockSignal);
    expect(await second.result()).toBe('unblocked');
  });
});
