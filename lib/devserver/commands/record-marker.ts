/** RecordMarker → MarkerRecorded (local activity results, patches, side effects). */
import type { temporal } from '@temporalio/proto';
import { EventType, WftFailedCause } from '../proto';
import { BadCommandError, type CommandContext } from './context';

export function applyRecordMarker(ctx: CommandContext, attrs: temporal.api.command.v1.IRecordMarkerCommandAttributes): void {
  if (!attrs.markerName) {
    throw new BadCommandError(WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES, 'RecordMarker: marker_name is not set');
  }
  ctx.engine.append(ctx.exec, EventType.EVENT_TYPE_MARKER_RECORDED, {
    markerRecordedEventAttributes: {
      markerName: attrs.markerName,
      details: attrs.details ?? undefined,
      header: attrs.header ?? undefined,
      failure: attrs.failure ?? undefined,
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
    },
  });
}
