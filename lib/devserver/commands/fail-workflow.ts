/** FailWorkflowExecution → WorkflowExecutionFailed (and a retry or cron run when the policy says so). */
import type { temporal } from '@temporalio/proto';
import { closeRun } from '../engine/lifecycle';
import type { CommandContext } from './context';

export function applyFailWorkflow(ctx: CommandContext, attrs: temporal.api.command.v1.IFailWorkflowExecutionCommandAttributes): void {
  closeRun(ctx.engine, ctx.exec, {
    kind: 'failed',
    failure: attrs.failure ?? { message: 'workflow failed' },
    wftCompletedEventId: ctx.wftCompletedEventId,
  });
  ctx.closed = true;
}
