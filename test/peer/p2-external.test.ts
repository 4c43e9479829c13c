/**
 * Spec §7 phase 2 scenario 6 with the official SDK against our dev server: a workflow signals and
 * cancels other workflows by id, and gets a "not found" failure when the target does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { eventTypes, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { cancelsExternal, signalsExternal, unblockSignal, waitsForSignal } from './p2-support/workflows';

const { SignalExternalWorkflowExecutionFailedCause, CancelExternalWorkflowExecutionFailedCause } = temporal.api.enums.v1;

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

describe('phase 2 · external signal and cancel', () => {
  it('signals an existing workflow from another workflow', async () => {
    const target = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('signal-target') });
    const sender = await env.client.workflow.start(signalsExternal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('signal-sender'),
      args: [target.workflowId],
    });
    expect(await sender.result()).toBe('signalled');
    expect(await target.result()).toBe('unblocked');

    const history = await sender.fetchHistory();
    const initiated = onlyEvent(history, 'SignalExternalWorkflowExecutionInitiated');
    const signaled = onlyEvent(history, 'ExternalWorkflowExecutionSignaled').externalWorkflowExecutionSignaledEventAttributes;
    expect(Number(signaled?.initiatedEventId)).toBe(Number(initiated.eventId));
    expect(signaled?.workflowExecution?.workflowId).toBe(target.workflowId);
    expect(eventTypes(await target.fetchHistory())).toContain('WorkflowExecutionSignaled');
  });

  it('fails an external signal to a workflow that does not exist with a not-found failure', async () => {
    const sender = await env.client.workflow.start(signalsExternal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('signal-sender-missing'),
      args: [uniqueId('no-such-workflow')],
    });
    expect(await sender.result()).toBe('ApplicationFailure: Unable to signal external workflow because it was not found');
    const failed = onlyEvent(await sender.fetchHistory(), 'SignalExternalWorkflowExecutionFailed').signalExternalWorkflowExecutionFailedEventAttributes;
    expect(failed?.cause).toBe(SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND);
  });

  it('fails an external signal to a workflow that has already closed with a not-found failure', async () => {
    const target = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('closed-target') });
    await target.signal(unblockSignal);
    await target.result();
    const sender = await env.client.workflow.start(signalsExternal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('signal-sender-closed'),
      args: [target.workflowId],
    });
    expect(await sender.result()).toBe('ApplicationFailure: Unable to signal external workflow because it was not found');
  });

  it('cancels an existing workflow from another workflow', async () => {
    const target = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('cancel-target') });
    const sender = await env.client.workflow.start(cancelsExternal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('cancel-sender'),
      args: [target.workflowId],
    });
    expect(await sender.result()).toBe('cancel requested');
    const err = await target.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await target.describe()).status.name).toBe('CANCELLED');

    const history = await sender.fetchHistory();
    const initiated = onlyEvent(history, 'RequestCancelExternalWorkflowExecutionInitiated');
    const requested = onlyEvent(history, 'ExternalWorkflowExecutionCancelRequested').externalWorkflowExecutionCancelRequestedEventAttributes;
    expect(Number(requested?.initiatedEventId)).toBe(Number(initiated.eventId));
    expect(eventTypes(await target.fetchHistory())).toContain('WorkflowExecutionCancelRequested');
  });

  it('fails an external cancel of a workflow that does not exist with a not-found failure', async () => {
    const sender = await env.client.workflow.start(cancelsExternal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('cancel-sender-missing'),
      args: [uniqueId('no-such-workflow')],
    });
    expect(await sender.result()).toBe('ApplicationFailure: Unable to cancel external workflow because not found');
    const failed = onlyEvent(await sender.fetchHistory(), 'RequestCancelExternalWorkflowExecutionFailed')
      .requestCancelExternalWorkflowExecutionFailedEventAttributes;
    expect(failed?.cause).toBe(CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND);
  });

  it('fails an external cancel of a workflow that has already closed with a not-found failure', async () => {
    const target = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('closed-cancel-target') });
    await target.signal(unblockSignal);
    await target.result();
    const sender = await env.client.workflow.start(cancelsExternal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('cancel-sender-closed'),
      args: [target.workflowId],
    });
    expect(await sender.result()).toBe('ApplicationFailure: Unable to cancel external workflow because not found');
    expect((await target.describe()).status.name).toBe('COMPLETED');
  });
});
