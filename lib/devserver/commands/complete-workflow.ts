/** CompleteWorkflowExecution → WorkflowExecutionCompleted (and the next cron run, if any). */
import type { temporal } from '@temporalio/proto';
import { closeRun } from '../engine/lifecycle';
import type { CommandContext } from './context';

export function applyCompleteWorkflow(ctx: CommandContext, attrs: temporal.api.command.v1.ICompleteWorkflowExecutionCommandAttributes): void {
  closeRun(ctx.engine, ctx.exec, { kind: 'completed', result: attrs.result, wftCompletedEventId: ctx.wftCompletedEventId });
  ctx.closed = true;
}
