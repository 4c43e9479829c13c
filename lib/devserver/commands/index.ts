/**
 * Dispatches one workflow command to the module that validates and applies it. Each module writes the
 * command's event(s) in the order the worker sent the commands, which the core checks strictly.
 */
import { CommandType, WftFailedCause, type Command } from '../proto';
import { applyCancelTimer } from './cancel-timer';
import { applyCancelWorkflow } from './cancel-workflow';
import { applyCompleteWorkflow } from './complete-workflow';
import { BadCommandError, type CommandContext } from './context';
import { applyContinueAsNew } from './continue-as-new';
import { applyFailWorkflow } from './fail-workflow';
import { applyModifyWorkflowProperties } from './modify-workflow-properties';
import { applyRecordMarker } from './record-marker';
import { applyRequestCancelActivity } from './request-cancel-activity';
import { applyRequestCancelExternal } from './request-cancel-external';
import { applyScheduleActivity } from './schedule-activity';
import { applySignalExternal } from './signal-external';
import { applyStartChildWorkflow } from './start-child-workflow';
import { applyStartTimer } from './start-timer';
import { applyUpsertSearchAttributes } from './upsert-search-attributes';

const CLOSING = new Set<number>([
  CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

export function isClosingCommand(type: number): boolean {
  return CLOSING.has(type);
}

/**
 * A command without its attributes fails the workflow task with the command's BAD_*_ATTRIBUTES cause,
 * worded as the real server does, e.g. "BadStartTimerAttributes: StartTimerCommandAttributes is not
 * set on StartTimerCommand.".
 */
function missing(name: string, cause: number): BadCommandError {
  const causeName = (WftFailedCause as unknown as Record<number, string>)[cause]
    .replace('WORKFLOW_TASK_FAILED_CAUSE_', '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
  return new BadCommandError(cause, `${causeName}: ${name}CommandAttributes is not set on ${name}Command.`);
}

const C = WftFailedCause;

export function applyCommand(ctx: CommandContext, c: Command): void {
  switch (c.commandType) {
    case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
      if (!c.scheduleActivityTaskCommandAttributes) throw missing('ScheduleActivityTask', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
      return applyScheduleActivity(ctx, c.scheduleActivityTaskCommandAttributes);
    case CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
      if (!c.requestCancelActivityTaskCommandAttributes) throw missing('RequestCancelActivityTask', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES);
      return applyRequestCancelActivity(ctx, c.requestCancelActivityTaskCommandAttributes);
    case CommandType.COMMAND_TYPE_START_TIMER:
      if (!c.startTimerCommandAttributes) throw missing('StartTimer', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES);
      return applyStartTimer(ctx, c.startTimerCommandAttributes);
    case CommandType.COMMAND_TYPE_CANCEL_TIMER:
      if (!c.cancelTimerCommandAttributes) throw missing('CancelTimer', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES);
      return applyCancelTimer(ctx, c.cancelTimerCommandAttributes);
    case CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return applyCompleteWorkflow(ctx, c.completeWorkflowExecutionCommandAttributes ?? {});
    case CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return applyFailWorkflow(ctx, c.failWorkflowExecutionCommandAttributes ?? {});
    case CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      return applyCancelWorkflow(ctx, c.cancelWorkflowExecutionCommandAttributes ?? {});
    case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return applyContinueAsNew(ctx, c.continueAsNewWorkflowExecutionCommandAttributes ?? {});
    case CommandType.COMMAND_TYPE_RECORD_MARKER:
      if (!c.recordMarkerCommandAttributes) throw missing('RecordMarker', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES);
      return applyRecordMarker(ctx, c.recordMarkerCommandAttributes);
    case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
      if (!c.startChildWorkflowExecutionCommandAttributes) throw missing('StartChildWorkflowExecution', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES);
      return applyStartChildWorkflow(ctx, c.startChildWorkflowExecutionCommandAttributes);
    case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
      if (!c.signalExternalWorkflowExecutionCommandAttributes) throw missing('SignalExternalWorkflowExecution', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES);
      return applySignalExternal(ctx, c.signalExternalWorkflowExecutionCommandAttributes);
    case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
      if (!c.requestCancelExternalWorkflowExecutionCommandAttributes) throw missing('RequestCancelExternalWorkflowExecution', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES);
      return applyRequestCancelExternal(ctx, c.requestCancelExternalWorkflowExecutionCommandAttributes);
    case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      if (!c.upsertWorkflowSearchAttributesCommandAttributes) throw missing('UpsertWorkflowSearchAttributes', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES);
      return applyUpsertSearchAttributes(ctx, c.upsertWorkflowSearchAttributesCommandAttributes);
    case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
      if (!c.modifyWorkflowPropertiesCommandAttributes) throw missing('ModifyWorkflowProperties', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES);
      return applyModifyWorkflowProperties(ctx, c.modifyWorkflowPropertiesCommandAttributes);
    case CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION: {
      // No Nexus endpoints exist on this server, so every operation names an unknown endpoint; the
      // real server fails the task the same way for an endpoint it does not know.
      const attrs = c.scheduleNexusOperationCommandAttributes;
      if (!attrs) throw missing('ScheduleNexusOperation', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES);
      throw new BadCommandError(C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES, `endpoint "${attrs.endpoint ?? ''}" not found`);
    }
    case CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION: {
      const attrs = c.requestCancelNexusOperationCommandAttributes;
      if (!attrs) throw missing('RequestCancelNexusOperation', C.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_NEXUS_OPERATION_ATTRIBUTES);
      throw new BadCommandError(
        C.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_NEXUS_OPERATION_ATTRIBUTES,
        `requested cancel for a non-existing or already completed operation with scheduled event ID of ${String(attrs.scheduledEventId ?? 0)}`,
      );
    }
    default:
      throw new BadCommandError(
        WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
        `command type ${c.commandType ?? 0} is not supported by the dev server`,
      );
  }
}
