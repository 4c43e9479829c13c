/** UpsertWorkflowSearchAttributes → UpsertWorkflowSearchAttributes event; values merge into the run's attributes. */
import type { temporal } from '@temporalio/proto';
import { EventType } from '../proto';
import { mergeRunSearchAttributes } from '../engine/search-attributes';
import { BadCommandError, type CommandContext } from './context';
import { WftFailedCause } from '../proto';

export function applyUpsertSearchAttributes(ctx: CommandContext, attrs: temporal.api.command.v1.IUpsertWorkflowSearchAttributesCommandAttributes): void {
  const upsert = attrs.searchAttributes ?? { indexedFields: {} };
  try {
    mergeRunSearchAttributes(ctx.engine, ctx.exec, upsert);
  } catch (err) {
    throw new BadCommandError(
      WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES,
      `UpsertWorkflowSearchAttributes: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  ctx.engine.append(ctx.exec, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
    upsertWorkflowSearchAttributesEventAttributes: {
      searchAttributes: upsert,
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
    },
  });
}
