/** ContinueAsNewWorkflowExecution → WorkflowExecutionContinuedAsNew plus the new run. */
import type { temporal } from '@temporalio/proto';
import { closeRun } from '../engine/lifecycle';
import type { CommandContext } from './context';

export function applyContinueAsNew(ctx: CommandContext, attrs: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes): void {
  closeRun(ctx.engine, ctx.exec, { kind: 'continuedAsNew', attrs, wftCompletedEventId: ctx.wftCompletedEventId });
  ctx.closed = true;
}
