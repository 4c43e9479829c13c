/**
 * Spec §7 phase 2 scenario 5 with the official SDK against our dev server: child workflows return
 * their result and propagate their failure, a duplicate child id fails the second start, a child
 * can be cancelled from its parent, and the parent close policy is applied when the parent closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, ChildWorkflowFailure, TimeoutFailure, WorkflowNotFoundError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { eventually, eventTypes, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import {
  blockedParentWithChild,
  parentCancelsChild,
  parentOfContinuingChild,
  parentLeavesChild,
  parentOfDuplicateChildren,
  parentOfFailingChild,
  parentOfGreetingChild,
  parentOfRetriedChild,
  parentOfTimedOutChild,
  parentOfDecoratedChild,
  parentOfExternallyClosedChild,
  parentWaitingOnChild,
} from './p2-support/workflows';
import { customKeyword } from './p2-support/search-attribute-keys';

const { StartChildWorkflowExecutionFailedCause } = temporal.api.enums.v1;

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

/** Waits until the workflow `workflowId` exists and reaches `status` (a WorkflowExecutionStatusName). */
async function eventuallyStatus(workflowId: string, status: string): Promise<void> {
  await eventually(async () => {
    try {
      return (await env.client.workflow.getHandle(workflowId).describe()).status.name === status ? true : undefined;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }, `${workflowId} to be ${status}`);
}

describe('phase 2 · child workflows', () => {
  it("executeChild returns the child's result and links parent and child", async () => {
    const parentId = uniqueId('parent');
    const handle = await env.client.workflow.start(parentOfGreetingChild, { taskQueue: env.taskQueue, workflowId: parentId, args: ['kid'] });
    expect(await handle.result()).toBe('child greets kid');

    const history = await handle.fetchHistory();
    expect(eventTypes(history)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'ChildWorkflowExecutionCompleted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    const initiated = onlyEvent(history, 'StartChildWorkflowExecutionInitiated');
    const started = onlyEvent(history, 'ChildWorkflowExecutionStarted');
    const completed = onlyEvent(history, 'ChildWorkflowExecutionCompleted').childWorkflowExecutionCompletedEventAttributes;
    expect(Number(completed?.initiatedEventId)).toBe(Number(initiated.eventId));
    expect(Number(completed?.startedEventId)).toBe(Number(started.eventId));

    const child = await env.client.workflow.getHandle(`${parentId}-child`).describe();
    expect(child.status.name).toBe('COMPLETED');
    expect(child.parentExecution?.workflowId).toBe(parentId);
    expect(child.parentExecution?.runId).toBe(handle.firstExecutionRunId);
  });

  it("propagates a child's failure as ChildWorkflowFailure caused by its ApplicationFailure", async () => {
    const err = await env.client.workflow
      .execute(parentOfFailingChild, { taskQueue: env.taskQueue, workflowId: uniqueId('parent-of-failing') })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const childFailure = (err as WorkflowFailedError).cause;
    expect(childFailure).toBeInstanceOf(ChildWorkflowFailure);
    const appFailure = (childFailure as ChildWorkflowFailure).cause;
    expect(appFailure).toBeInstanceOf(ApplicationFailure);
    expect((appFailure as ApplicationFailure).type).toBe('ChildBroke');
    expect(appFailure?.message).toBe('the child broke');
  });

  it('fails the start of a second child with an id that is already running', async () => {
    const childId = uniqueId('duplicate-child');
    const handle = await env.client.workflow.start(parentOfDuplicateChildren, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('parent-of-duplicates'),
      args: [childId],
    });
    expect(await handle.result()).toBe('WorkflowExecutionAlreadyStartedError');
    const history = await handle.fetchHistory();
    const failed = onlyEvent(history, 'StartChildWorkflowExecutionFailed').startChildWorkflowExecutionFailedEventAttributes;
    expect(failed?.cause).toBe(StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS);
    expect(failed?.workflowId).toBe(childId);
  });

  it('cancels a child when the scope that started it is cancelled', async () => {
    const childId = uniqueId('cancelled-child');
    const handle = await env.client.workflow.start(parentCancelsChild, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('parent-cancels'),
      args: [childId],
    });
    expect(await handle.result()).toBe('child cancelled');
    expect((await env.client.workflow.getHandle(childId).describe()).status.name).toBe('CANCELLED');
    const types = eventTypes(await handle.fetchHistory());
    expect(types).toContain('RequestCancelExternalWorkflowExecutionInitiated');
    expect(types).toContain('ExternalWorkflowExecutionCancelRequested');
    expect(types).toContain('ChildWorkflowExecutionCanceled');
  });

  it('terminates a running child when its parent closes under the TERMINATE policy', async () => {
    const childId = uniqueId('terminate-policy-child');
    await env.client.workflow.execute(parentLeavesChild, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('parent-terminate-policy'),
      args: [childId, 'TERMINATE'],
    });
    await eventuallyStatus(childId, 'TERMINATED');
  });

  it('requests cancellation of a running child when its parent closes under the REQUEST_CANCEL policy', async () => {
    const childId = uniqueId('request-cancel-policy-child');
    await env.client.workflow.execute(parentLeavesChild, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('parent-request-cancel-policy'),
      args: [childId, 'REQUEST_CANCEL'],
    });
    await eventuallyStatus(childId, 'CANCELLED');
  });

  it('leaves a running child alone when its parent closes under the ABANDON policy', async () => {
    const childId = uniqueId('abandon-policy-child');
    const parent = await env.client.workflow.start(parentLeavesChild, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('parent-abandon-policy'),
      args: [childId, 'ABANDON'],
    });
    await parent.result();
    const child = env.client.workflow.getHandle(childId);
    // The parent has closed, so the policy has been applied (or skipped) already.
    expect((await child.describe()).status.name).toBe('RUNNING');
    await child.terminate('test cleanup');
  });

  it('terminates the child when the parent is terminated (default TERMINATE policy)', async () => {
    const childId = uniqueId('child-of-terminated');
    const parent = await env.client.workflow.start(blockedParentWithChild, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('terminated-parent'),
      args: [childId],
    });
    await eventuallyStatus(childId, 'RUNNING');
    await parent.terminate('terminating the parent');
    await eventuallyStatus(childId, 'TERMINATED');
  });

  it('gives the parent the result of a child that continued as new', async () => {
    const result = await env.client.workflow.execute(parentOfContinuingChild, { taskQueue: env.taskQueue, workflowId: uniqueId('parent-of-continuing') });
    expect(result).toBe('done after continuing');
  });

  it('gives the parent the result of a child that succeeded on its retry', async () => {
    const workflowId = uniqueId('parent-of-retried');
    expect(await env.client.workflow.execute(parentOfRetriedChild, { taskQueue: env.taskQueue, workflowId })).toBe(2);
    const types = eventTypes(await env.client.workflow.getHandle(workflowId).fetchHistory());
    expect(types).toContain('ChildWorkflowExecutionCompleted');
    expect(types).not.toContain('ChildWorkflowExecutionFailed');
  });

  it("fails the parent with ChildWorkflowFailure caused by a TimeoutFailure when the child's execution timeout expires", async () => {
    const err = await env.client.workflow
      .execute(parentOfTimedOutChild, { taskQueue: env.taskQueue, workflowId: uniqueId('parent-of-timed-out') })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const childFailure = (err as WorkflowFailedError).cause as ChildWorkflowFailure;
    expect(childFailure).toBeInstanceOf(ChildWorkflowFailure);
    expect(childFailure.cause).toBeInstanceOf(TimeoutFailure);
  });

  it("lists a running child in the parent's describe", async () => {
    const childId = uniqueId('pending-child');
    const parent = await env.client.workflow.start(blockedParentWithChild, { taskQueue: env.taskQueue, workflowId: uniqueId('parent-describe'), args: [childId] });
    try {
      const pending = await eventually(async () => {
        const children = (await parent.describe()).raw.pendingChildren ?? [];
        return children.length === 1 ? children[0] : undefined;
      }, 'the child to be pending');
      expect(pending.workflowId).toBe(childId);
      expect(pending.workflowTypeName).toBe('blockedChild');
      expect(pending.runId).toBeTruthy();
    } finally {
      await parent.terminate('end of the describe test');
    }
  });

  it('cancels the child of a workflow cancelled by the client, and the parent ends cancelled', async () => {
    const childId = uniqueId('child-of-cancelled');
    const parent = await env.client.workflow.start(parentWaitingOnChild, { taskQueue: env.taskQueue, workflowId: uniqueId('cancelled-parent'), args: [childId] });
    await eventuallyStatus(childId, 'RUNNING');
    await parent.cancel();
    const err = await parent.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    await eventuallyStatus(childId, 'CANCELLED');
  });

  it('reports a child terminated by the client as ChildWorkflowFailure caused by TerminatedFailure', async () => {
    const childId = uniqueId('externally-terminated-child');
    const parent = await env.client.workflow.start(parentOfExternallyClosedChild, { taskQueue: env.taskQueue, workflowId: uniqueId('parent-of-terminated'), args: [childId] });
    await eventuallyStatus(childId, 'RUNNING');
    await env.client.workflow.getHandle(childId).terminate('terminated by the test');
    expect(await parent.result()).toBe('ChildWorkflowFailure:TerminatedFailure');
    expect(eventTypes(await parent.fetchHistory())).toContain('ChildWorkflowExecutionTerminated');
  });

  it('reports a child cancelled by the client as ChildWorkflowFailure caused by CancelledFailure', async () => {
    const childId = uniqueId('externally-cancelled-child');
    const parent = await env.client.workflow.start(parentOfExternallyClosedChild, { taskQueue: env.taskQueue, workflowId: uniqueId('parent-of-cancelled'), args: [childId] });
    await eventuallyStatus(childId, 'RUNNING');
    await env.client.workflow.getHandle(childId).cancel();
    expect(await parent.result()).toBe('ChildWorkflowFailure:CancelledFailure');
    expect(eventTypes(await parent.fetchHistory())).toContain('ChildWorkflowExecutionCanceled');
  });

  it('starts a child with the memo and search attributes its parent gave it', async () => {
    const childId = uniqueId('decorated-child');
    const keyword = uniqueId('child-kw');
    const parent = await env.client.workflow.start(parentOfDecoratedChild, { taskQueue: env.taskQueue, workflowId: uniqueId('parent-of-decorated'), args: [childId, keyword] });
    try {
      await eventuallyStatus(childId, 'RUNNING');
      const child = await env.client.workflow.getHandle(childId).describe();
      expect(child.memo).toEqual({ from: 'parent' });
      expect(child.typedSearchAttributes.get(customKeyword)).toBe(keyword);
    } finally {
      await parent.terminate('end of the decorated-child test');
    }
  });

  it('runs twenty parents with children concurrently to completion', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        env.client.workflow.execute(parentOfGreetingChild, { taskQueue: env.taskQueue, workflowId: uniqueId(`concurrent-parent-${i}`), args: [`kid ${i}`] }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => `child greets kid ${i}`));
  });
});
