/**
 * SignalExternalWorkflowExecution → SignalExternalWorkflowExecutionInitiated; once the workflow task
 * is closed the target is signalled (ExternalWorkflowExecutionSignaled) or the attempt fails
 * (SignalExternalWorkflowExecutionFailed{EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND}).
 */
import type { temporal } from '@temporalio/proto';
import { EventType, WftFailedCause, enums } from '../proto';
import { BadCommandError, type CommandContext } from './context';
import { findOpenTarget } from './external-target';

export function applySignalExternal(ctx: CommandContext, attrs: temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes): void {
  const { engine, exec } = ctx;
  const workflowId = attrs.execution?.workflowId;
  if (!workflowId) {
    throw new BadCommandError(
      WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
      'SignalExternalWorkflowExecution: execution.workflow_id is not set',
    );
  }
  const namespace = attrs.namespace || exec.rec.namespace;
  const runId = attrs.execution?.runId ?? '';
  const initiated = engine.append(exec, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
    signalExternalWorkflowExecutionInitiatedEventAttributes: {
      namespace,
      workflowExecution: { workflowId, runId },
      signalName: attrs.signalName ?? '',
      input: attrs.input ?? undefined,
      control: attrs.control ?? '',
      childWorkflowOnly: attrs.childWorkflowOnly ?? false,
      header: attrs.header ?? undefined,
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
    },
  });
  const initiatedEventId = initiated.eventId as number;
  ctx.deferred.push(() => {
    if (!exec.isOpen) return;
    const target = findOpenTarget(engine, namespace, workflowId, runId);
    if (!target) {
      engine.deliver(exec, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
        signalExternalWorkflowExecutionFailedEventAttributes: {
          cause: enums.SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          workflowTaskCompletedEventId: ctx.wftCompletedEventId,
          namespace,
          workflowExecution: { workflowId, runId },
          initiatedEventId,
          control: attrs.control ?? '',
        },
      });
      return;
    }
    engine.deliver(target, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
      workflowExecutionSignaledEventAttributes: {
        signalName: attrs.signalName ?? '',
        input: attrs.input ?? undefined,
        header: attrs.header ?? undefined,
        identity: ctx.identity,
        externalWorkflowExecution: { workflowId: exec.rec.workflowId, runId: exec.rec.runId },
      },
    });
    engine.deliver(exec, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
      externalWorkflowExecutionSignaledEventAttributes: {
        initiatedEventId,
        namespace,
        workflowExecution: { workflowId, runId: target.rec.runId },
        control: attrs.control ?? '',
      },
    });
  });
}
