/**
 * RequestCancelExternalWorkflowExecution → RequestCancelExternalWorkflowExecutionInitiated; then the
 * target gets a cancellation request (ExternalWorkflowExecutionCancelRequested) or the attempt fails
 * (RequestCancelExternalWorkflowExecutionFailed{EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND}).
 */
import type { temporal } from '@temporalio/proto';
import { EventType, WftFailedCause, enums } from '../proto';
import { requestCancelRun } from '../engine/lifecycle';
import { BadCommandError, type CommandContext } from './context';
import { findOpenTarget } from './external-target';

export function applyRequestCancelExternal(
  ctx: CommandContext,
  attrs: temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes,
): void {
  const { engine, exec } = ctx;
  if (!attrs.workflowId) {
    throw new BadCommandError(
      WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
      'RequestCancelExternalWorkflowExecution: workflow_id is not set',
    );
  }
  const namespace = attrs.namespace || exec.rec.namespace;
  const workflowId = attrs.workflowId;
  const runId = attrs.runId ?? '';
  const initiated = engine.append(exec, EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
    requestCancelExternalWorkflowExecutionInitiatedEventAttributes: {
      namespace,
      workflowExecution: { workflowId, runId },
      control: attrs.control ?? '',
      childWorkflowOnly: attrs.childWorkflowOnly ?? false,
      reason: attrs.reason ?? '',
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
    },
  });
  const initiatedEventId = initiated.eventId as number;
  ctx.deferred.push(() => {
    if (!exec.isOpen) return;
    const target = findOpenTarget(engine, namespace, workflowId, runId);
    if (!target) {
      engine.deliver(exec, EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
        requestCancelExternalWorkflowExecutionFailedEventAttributes: {
          cause: enums.CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          workflowTaskCompletedEventId: ctx.wftCompletedEventId,
          namespace,
          workflowExecution: { workflowId, runId },
          initiatedEventId,
          control: attrs.control ?? '',
        },
      });
      return;
    }
    requestCancelRun(engine, target, attrs.reason ?? '', ctx.identity, {
      workflowId: exec.rec.workflowId,
      runId: exec.rec.runId,
      initiatedEventId,
    });
    engine.deliver(exec, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
      externalWorkflowExecutionCancelRequestedEventAttributes: {
        initiatedEventId,
        namespace,
        workflowExecution: { workflowId, runId: target.rec.runId },
      },
    });
  });
}
