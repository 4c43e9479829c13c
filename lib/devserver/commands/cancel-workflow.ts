/** CancelWorkflowExecution → WorkflowExecutionCanceled. */
import type { temporal } from '@temporalio/proto';
import { closeRun } from '../engine/lifecycle';
import type { CommandContext } from './context';

export function applyCancelWorkflow(ctx: CommandContext, attrs: temporal.api.command.v1.ICancelWorkflowExecutionCommandAttributes): void {
  closeRun(ctx.engine, ctx.exec, { kind: 'canceled', details: attrs.details, wftCompletedEventId: ctx.wftCompletedEventId });
  ctx.closed = true;
}
