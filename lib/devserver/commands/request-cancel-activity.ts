/** RequestCancelActivityTask → ActivityTaskCancelRequested (+ ActivityTaskCanceled if it never started). */
import type { temporal } from '@temporalio/proto';
import { longToNumber } from '../codec';
import { requestCancelActivity } from '../engine/activities';
import type { CommandContext } from './context';

export function applyRequestCancelActivity(ctx: CommandContext, attrs: temporal.api.command.v1.IRequestCancelActivityTaskCommandAttributes): void {
  requestCancelActivity(ctx, longToNumber(attrs.scheduledEventId));
}
