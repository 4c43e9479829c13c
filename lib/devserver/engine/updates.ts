/**
 * Workflow updates (spec §3.6): admitted requests are delivered as protocol messages on the next
 * workflow task (re-delivered until the worker answers), and the worker's Acceptance / Rejection /
 * Response messages become UpdateAccepted / (no event) / UpdateCompleted. Records are kept by update
 * id so a repeated request observes the same update.
 */
import { toB64, fromB64, optionalFromB64 } from '../codec';
import { EventType, update as updateNs, type Loose, type ProtocolMessage } from '../proto';
import type { temporal } from '@temporalio/proto';
import type { Engine } from './engine';
import type { Execution } from './execution';
import type { UpdateRecord } from './records';

const TYPE_PREFIX = 'type.googleapis.com/';

export function admitUpdate(engine: Engine, exec: Execution, request: temporal.api.update.v1.IRequest): UpdateRecord {
  engine.touch(exec);
  const updateId = request.meta?.updateId as string;
  const rec: UpdateRecord = {
    updateId,
    state: 'admitted',
    request: toB64(updateNs.Request, request),
    acceptedEventId: 0,
    deliveredInWft: 0,
  };
  exec.rec.updates[updateId] = rec;
  engine.ensureWorkflowTask(exec, true);
  return rec;
}

/** Protocol messages for every admitted update, marking them delivered by this workflow task. */
export function updateMessages(exec: Execution, startedEventId: number): Array<Loose<ProtocolMessage>> {
  const messages: Array<Loose<ProtocolMessage>> = [];
  for (const u of Object.values(exec.rec.updates)) {
    if (u.state !== 'admitted') continue;
    u.deliveredInWft = startedEventId;
    messages.push({
      id: `${u.updateId}/request`,
      protocolInstanceId: u.updateId,
      eventId: startedEventId - 1,
      body: { type_url: `${TYPE_PREFIX}temporal.api.update.v1.Request`, value: Buffer.from(u.request, 'base64') },
    } as unknown as Loose<ProtocolMessage>);
  }
  return messages;
}

/** True when an update was admitted after the in-flight task was handed out (it must be delivered later). */
export function hasUndeliveredUpdates(exec: Execution, startedEventId: number): boolean {
  return Object.values(exec.rec.updates).some((u) => u.state === 'admitted' && u.deliveredInWft !== startedEventId);
}

export function hasAdmittedUpdates(exec: Execution): boolean {
  return Object.values(exec.rec.updates).some((u) => u.state === 'admitted');
}

function bodyOf(message: ProtocolMessage): { typeName: string; value: Uint8Array } {
  const body = message.body as { type_url?: string; value?: Uint8Array } | null | undefined;
  return { typeName: (body?.type_url ?? '').replace(TYPE_PREFIX, ''), value: body?.value ?? new Uint8Array() };
}

/** Applies one worker protocol message (an update acceptance, rejection or response). */
export function applyUpdateMessage(engine: Engine, exec: Execution, message: ProtocolMessage): void {
  const { typeName, value } = bodyOf(message);
  const upd = exec.rec.updates[message.protocolInstanceId ?? ''];
  if (!upd) return;
  engine.touch(exec);
  switch (typeName) {
    case 'temporal.api.update.v1.Acceptance': {
      if (upd.state !== 'admitted') return;
      const acc = updateNs.Acceptance.decode(value);
      const event = engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
        workflowExecutionUpdateAcceptedEventAttributes: {
          protocolInstanceId: upd.updateId,
          acceptedRequestMessageId: acc.acceptedRequestMessageId,
          acceptedRequestSequencingEventId: acc.acceptedRequestSequencingEventId,
          acceptedRequest: acc.acceptedRequest ?? fromB64(updateNs.Request, upd.request),
        },
      });
      upd.state = 'accepted';
      upd.acceptedEventId = event.eventId as number;
      return;
    }
    case 'temporal.api.update.v1.Rejection': {
      if (upd.state !== 'admitted') return;
      const rej = updateNs.Rejection.decode(value);
      upd.state = 'completed';
      upd.outcome = toB64(updateNs.Outcome, { failure: rej.failure ?? { message: 'update rejected' } });
      return;
    }
    case 'temporal.api.update.v1.Response': {
      if (upd.state === 'completed') return;
      const res = updateNs.Response.decode(value);
      engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
        workflowExecutionUpdateCompletedEventAttributes: {
          meta: res.meta ?? { updateId: upd.updateId },
          acceptedEventId: upd.acceptedEventId,
          outcome: res.outcome ?? undefined,
        },
      });
      upd.state = 'completed';
      upd.outcome = toB64(updateNs.Outcome, res.outcome ?? {});
      return;
    }
    default:
      return;
  }
}

/**
 * A run that closes aborts its accepted updates the way the real server's update registry does: they
 * complete with this failure (no history event; the outcome lives only in the update record), so
 * callers waiting on them, now or later, get WorkflowUpdateFailedError rather than NotFound.
 */
export function abortAcceptedUpdates(exec: Execution): void {
  for (const upd of Object.values(exec.rec.updates)) {
    if (upd.state !== 'accepted') continue;
    upd.state = 'completed';
    upd.outcome = toB64(updateNs.Outcome, {
      failure: {
        message: 'Workflow Update failed because the Workflow completed before the Update completed.',
        source: 'Server',
        applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow', nonRetryable: true },
      },
    });
  }
}

export function updateOutcome(upd: UpdateRecord): temporal.api.update.v1.IOutcome | undefined {
  return optionalFromB64(updateNs.Outcome, upd.outcome);
}
