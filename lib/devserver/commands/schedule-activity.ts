/** ScheduleActivityTask → ActivityTaskScheduled (timeouts normalised, default retry policy filled). */
import type { temporal } from '@temporalio/proto';
import { scheduleActivity } from '../engine/activities';
import type { CommandContext } from './context';

export function applyScheduleActivity(ctx: CommandContext, attrs: temporal.api.command.v1.IScheduleActivityTaskCommandAttributes): void {
  scheduleActivity(ctx, attrs);
}
