/** ModifyWorkflowProperties → WorkflowPropertiesModified; the upserted memo fields merge into the run's memo. */
import type { temporal } from '@temporalio/proto';
import { fromB64, toB64 } from '../codec';
import { EventType, common } from '../proto';
import type { CommandContext } from './context';

export function applyModifyWorkflowProperties(ctx: CommandContext, attrs: temporal.api.command.v1.IModifyWorkflowPropertiesCommandAttributes): void {
  ctx.engine.append(ctx.exec, EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, {
    workflowPropertiesModifiedEventAttributes: {
      upsertedMemo: attrs.upsertedMemo ?? undefined,
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
    },
  });
  const current = ctx.exec.rec.memo ? fromB64(common.Memo, ctx.exec.rec.memo) : { fields: {} };
  const fields = { ...(current.fields ?? {}) };
  for (const [k, v] of Object.entries(attrs.upsertedMemo?.fields ?? {})) {
    if (!v.data || v.data.length === 0) delete fields[k];
    else fields[k] = v;
  }
  ctx.exec.rec.memo = toB64(common.Memo, { fields });
}
