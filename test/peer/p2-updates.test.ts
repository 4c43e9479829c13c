/**
 * Spec §7 phase 2 scenario 8 with the official SDK against our dev server: updates (execute,
 * validator rejection, start-then-result, a handler that runs an activity, update-with-start, an
 * update on a closed workflow, and de-duplication of a repeated update id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { eventTypes, eventsOfType, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { addUpdate, failingUpdate, greetUpdate, neverFinishingUpdate, unblockSignal, updatable } from './p2-support/workflows';

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

async function startUpdatable(prefix: string) {
  return env.client.workflow.start(updatable, { taskQueue: env.taskQueue, workflowId: uniqueId(prefix) });
}

describe('phase 2 · updates', { timeout: 20_000 }, () => {
  it("executeUpdate returns the handler's result and records Accepted and Completed events", async () => {
    const handle = await startUpdatable('execute-update');
    expect(await handle.executeUpdate(addUpdate, { args: [5] })).toBe(5);
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(5);
    const history = await handle.fetchHistory();
    expect(eventsOfType(history, 'WorkflowExecutionUpdateAccepted')).toHaveLength(1);
    expect(eventsOfType(history, 'WorkflowExecutionUpdateCompleted')).toHaveLength(1);
  });

  it('reports a validator rejection as WorkflowUpdateFailedError and leaves no update events', async () => {
    const handle = await startUpdatable('rejected-update');
    const err = await handle.executeUpdate(addUpdate, { args: [-1] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause?.message).toBe('amount must not be negative, got -1');
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(0);
    const types = eventTypes(await handle.fetchHistory());
    expect(types).not.toContain('WorkflowExecutionUpdateAccepted');
    expect(types).not.toContain('WorkflowExecutionUpdateCompleted');
  });

  it('startUpdate waiting for ACCEPTED returns a handle whose result() gives the outcome', async () => {
    const handle = await startUpdatable('start-update');
    const updateHandle = await handle.startUpdate(addUpdate, { args: [2], waitForStage: WorkflowUpdateStage.ACCEPTED });
    expect(await updateHandle.result()).toBe(2);
    const byId = handle.getUpdateHandle<number>(updateHandle.updateId);
    expect(await byId.result()).toBe(2);
    await handle.signal(unblockSignal);
    await handle.result();
  });

  it('runs an update handler that awaits an activity', async () => {
    const handle = await startUpdatable('activity-update');
    expect(await handle.executeUpdate(greetUpdate, { args: ['updater'] })).toBe('Hello, updater!');
    await handle.signal(unblockSignal);
    await handle.result();
    const types = eventTypes(await handle.fetchHistory());
    expect(types.indexOf('WorkflowExecutionUpdateAccepted')).toBeLessThan(types.indexOf('ActivityTaskScheduled'));
    expect(types.indexOf('ActivityTaskCompleted')).toBeLessThan(types.indexOf('WorkflowExecutionUpdateCompleted'));
  });

  it('update-with-start starts the workflow and delivers the update to its first task', async () => {
    const workflowId = uniqueId('update-with-start');
    const startWorkflowOperation = new WithStartWorkflowOperation(updatable, {
      workflowId,
      taskQueue: env.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
    });
    expect(await env.client.workflow.executeUpdateWithStart(addUpdate, { args: [3], startWorkflowOperation })).toBe(3);
    const handle = await startWorkflowOperation.workflowHandle();
    expect(handle.workflowId).toBe(workflowId);

    // A second update-with-start with USE_EXISTING lands on the same running workflow.
    const again = new WithStartWorkflowOperation(updatable, { workflowId, taskQueue: env.taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(await env.client.workflow.executeUpdateWithStart(addUpdate, { args: [4], startWorkflowOperation: again })).toBe(7);
    expect((await (await again.workflowHandle()).describe()).runId).toBe((await handle.describe()).runId);

    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(7);
  });

  it('rejects an update sent to a closed workflow with WorkflowNotFoundError', async () => {
    const handle = await startUpdatable('closed-update');
    await handle.signal(unblockSignal);
    await handle.result();
    const err = await handle.executeUpdate(addUpdate, { args: [1] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
  });

  it('returns the first outcome for a repeated update id without running the handler again', async () => {
    const handle = await startUpdatable('repeated-update');
    expect(await handle.executeUpdate(addUpdate, { args: [4], updateId: 'the-same-update' })).toBe(4);
    expect(await handle.executeUpdate(addUpdate, { args: [4], updateId: 'the-same-update' })).toBe(4);
    expect(await handle.executeUpdate(addUpdate, { args: [1], updateId: 'another-update' })).toBe(5);
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(5);
    expect(eventsOfType(await handle.fetchHistory(), 'WorkflowExecutionUpdateCompleted')).toHaveLength(2);
  });

  it('applies ten concurrent updates exactly once each', async () => {
    const handle = await startUpdatable('concurrent-updates');
    const results = await Promise.all(Array.from({ length: 10 }, () => handle.executeUpdate(addUpdate, { args: [1] })));
    expect([...results].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(10);
  });

  it('refuses update-with-start under the FAIL conflict policy when the workflow is already running', async () => {
    const handle = await startUpdatable('update-with-start-conflict');
    const op = new WithStartWorkflowOperation(updatable, { workflowId: handle.workflowId, taskQueue: env.taskQueue, workflowIdConflictPolicy: 'FAIL' });
    const err = await env.client.workflow.executeUpdateWithStart(addUpdate, { args: [1], startWorkflowOperation: op }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(0);
  });

  it('reports a handler that fails after accepting as WorkflowUpdateFailedError, with Accepted and Completed events', async () => {
    const handle = await startUpdatable('failing-handler');
    const err = await handle.executeUpdate(failingUpdate).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('HandlerFailed');
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(0);
    const history = await handle.fetchHistory();
    expect(eventsOfType(history, 'WorkflowExecutionUpdateAccepted')).toHaveLength(1);
    const completed = eventsOfType(history, 'WorkflowExecutionUpdateCompleted');
    expect(completed).toHaveLength(1);
    expect(completed[0].workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure?.message).toBe('the handler failed after accepting');
  });

  it('still returns the outcome of a completed update after the workflow has closed', async () => {
    const handle = await startUpdatable('outcome-after-close');
    const updateHandle = await handle.startUpdate(addUpdate, { args: [6], waitForStage: WorkflowUpdateStage.ACCEPTED, updateId: 'kept-outcome' });
    expect(await updateHandle.result()).toBe(6);
    await handle.signal(unblockSignal);
    await handle.result();
    expect(await handle.getUpdateHandle<number>('kept-outcome').result()).toBe(6);
  });

  it('update-with-start under USE_EXISTING starts a new run when the previous one has closed', async () => {
    const closed = await startUpdatable('update-with-start-after-close');
    await closed.signal(unblockSignal);
    await closed.result();
    const op = new WithStartWorkflowOperation(updatable, { workflowId: closed.workflowId, taskQueue: env.taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(await env.client.workflow.executeUpdateWithStart(addUpdate, { args: [9], startWorkflowOperation: op })).toBe(9);
    const fresh = await op.workflowHandle();
    const description = await fresh.describe();
    expect(description.runId).not.toBe(closed.firstExecutionRunId);
    expect(description.status.name).toBe('RUNNING');
    await fresh.signal(unblockSignal);
    expect(await fresh.result()).toBe(9);
  });

  it('fails an accepted update with AcceptedUpdateCompletedWorkflow when the workflow completes first', async () => {
    const handle = await startUpdatable('update-outlived');
    const updateHandle = await handle.startUpdate(neverFinishingUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED });
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(0);
    const err = await updateHandle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    // Real server and Java test server: outcome.failure "Workflow Update failed because the Workflow
    // completed before the Update completed." with type AcceptedUpdateCompletedWorkflow.
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('AcceptedUpdateCompletedWorkflow');
  });

  it('keeps updates racing the workflow-closing signal consistent with the workflow result', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const handle = await startUpdatable(`race-${i}`);
        const [update] = await Promise.all([
          handle.executeUpdate(addUpdate, { args: [7] }).then(
            (value) => ({ ok: true as const, value }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
          handle.signal(unblockSignal),
        ]);
        return { update, result: await handle.result() };
      }),
    );
    for (const { update, result } of outcomes) {
      if (update.ok) {
        expect(update.value).toBe(7);
        expect(result).toBe(7);
      } else {
        // Arrived after the run closed: refused, and the workflow never saw it.
        expect(update.error).toBeInstanceOf(WorkflowNotFoundError);
        expect(result).toBe(0);
      }
    }
  });
});
