/** StartTimer → TimerStarted; the timer's fire instant is kept in the record as a durable deadline. */
import type { temporal } from '@temporalio/proto';
import { durationToMs } from '../codec';
import { EventType, WftFailedCause } from '../proto';
import { BadCommandError, type CommandContext } from './context';

export function applyStartTimer(ctx: CommandContext, attrs: temporal.api.command.v1.IStartTimerCommandAttributes): void {
  const bad = WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES;
  if (!attrs.timerId) throw new BadCommandError(bad, 'StartTimer: timer_id is not set');
  if (ctx.exec.rec.timers[attrs.timerId]) throw new BadCommandError(bad, `StartTimer: timer_id ${attrs.timerId} is already in use`);
  let ms: number;
  try {
    ms = durationToMs(attrs.startToFireTimeout, 'start_to_fire_timeout');
  } catch (err) {
    throw new BadCommandError(bad, `StartTimer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const event = ctx.engine.append(ctx.exec, EventType.EVENT_TYPE_TIMER_STARTED, {
    timerStartedEventAttributes: {
      timerId: attrs.timerId,
      startToFireTimeout: attrs.startToFireTimeout,
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
    },
  });
  ctx.exec.rec.timers[attrs.timerId] = { timerId: attrs.timerId, startedEventId: event.eventId as number, fireAt: ctx.now + ms };
}
