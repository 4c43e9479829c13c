/** CancelTimer → TimerCanceled; the timer's deadline disappears with its record. */
import type { temporal } from '@temporalio/proto';
import { EventType, WftFailedCause } from '../proto';
import { BadCommandError, type CommandContext } from './context';

export function applyCancelTimer(ctx: CommandContext, attrs: temporal.api.command.v1.ICancelTimerCommandAttributes): void {
  const timer = attrs.timerId ? ctx.exec.rec.timers[attrs.timerId] : undefined;
  if (!timer) {
    throw new BadCommandError(WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES, `CancelTimer: timer ${attrs.timerId ?? ''} is not pending`);
  }
  delete ctx.exec.rec.timers[timer.timerId];
  ctx.engine.append(ctx.exec, EventType.EVENT_TYPE_TIMER_CANCELED, {
    timerCanceledEventAttributes: {
      timerId: timer.timerId,
      startedEventId: timer.startedEventId,
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
      identity: ctx.identity,
    },
  });
}
