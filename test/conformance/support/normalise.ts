/**
 * Turns what a server returned into plain values two servers can be compared on. Only what
 * legitimately differs is removed: run ids and other UUIDs (replaced by placeholders in order of
 * appearance, so links between runs stay checked), timestamps, identities, request ids and the names
 * of sticky task queues. Payloads are decoded so a diff shows values, not base64.
 */
import { temporal } from '@temporalio/proto';

type IHistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Obj = Record<string, unknown>;

const EVENT_TYPE_NAMES = temporal.api.enums.v1.EventType as unknown as Record<number, string>;

/** `EVENT_TYPE_WORKFLOW_TASK_STARTED` → `WorkflowTaskStarted`. */
export function eventTypeName(type: unknown): string {
  const raw = typeof type === 'string' ? type : (EVENT_TYPE_NAMES[Number(type)] ?? String(type));
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

/** Payload → its JSON value (json/plain), `<binary/null>` for null, `<encoding>` otherwise. */
export function decodePayload(p: temporal.api.common.v1.IPayload | null | undefined): unknown {
  if (!p) return undefined;
  const encoding = Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString('utf8');
  const data = Buffer.from(p.data ?? new Uint8Array()).toString('utf8');
  if (encoding === 'json/plain') return JSON.parse(data);
  if (encoding === 'binary/null') return null;
  return `<${encoding}:${data.length}>`;
}

export function decodePayloads(p: temporal.api.common.v1.IPayloads | null | undefined): unknown[] | undefined {
  if (!p?.payloads || p.payloads.length === 0) return undefined;
  return p.payloads.map(decodePayload);
}

function decodeFields(fields: Record<string, temporal.api.common.v1.IPayload> | null | undefined): Obj | undefined {
  if (!fields || Object.keys(fields).length === 0) return undefined;
  return Object.fromEntries(Object.keys(fields).sort().map((k) => [k, decodePayload(fields[k])]));
}

/** Duration → milliseconds; absent or zero → undefined. */
export function durationMs(d: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds ?? 0) * 1000 + Math.round(Number(d.nanos ?? 0) / 1e6);
  return ms === 0 ? undefined : ms;
}

function enumName(e: Record<number, string>, v: unknown, prefix: string): string | undefined {
  if (v === undefined || v === null || Number(v) === 0) return undefined;
  return (e[Number(v)] ?? String(v)).replace(prefix, '');
}

const enums = temporal.api.enums.v1;
const TIMEOUT = enums.TimeoutType as unknown as Record<number, string>;
const RETRY_STATE = enums.RetryState as unknown as Record<number, string>;
const TQ_KIND = enums.TaskQueueKind as unknown as Record<number, string>;
const PARENT_CLOSE = enums.ParentClosePolicy as unknown as Record<number, string>;
const WFT_CAUSE = enums.WorkflowTaskFailedCause as unknown as Record<number, string>;
const START_CHILD_CAUSE = enums.StartChildWorkflowExecutionFailedCause as unknown as Record<number, string>;
const EXTERNAL_CAUSE = enums.SignalExternalWorkflowExecutionFailedCause as unknown as Record<number, string>;
const CANCEL_EXTERNAL_CAUSE = enums.CancelExternalWorkflowExecutionFailedCause as unknown as Record<number, string>;
const INITIATOR = enums.ContinueAsNewInitiator as unknown as Record<number, string>;
const REUSE = enums.WorkflowIdReusePolicy as unknown as Record<number, string>;

export const timeoutTypeName = (v: unknown) => enumName(TIMEOUT, v, 'TIMEOUT_TYPE_');
export const retryStateName = (v: unknown) => enumName(RETRY_STATE, v, 'RETRY_STATE_');

/** A failure chain as a user sees it: message, kind, type, flags and the cause, recursively. */
export function normaliseFailure(f: temporal.api.failure.v1.IFailure | null | undefined): Obj | undefined {
  if (!f) return undefined;
  const out: Obj = { message: f.message ?? '' };
  if (f.source) out.source = f.source;
  if (f.applicationFailureInfo) {
    out.kind = 'application';
    out.type = f.applicationFailureInfo.type ?? '';
    if (f.applicationFailureInfo.nonRetryable) out.nonRetryable = true;
    const details = decodePayloads(f.applicationFailureInfo.details);
    if (details) out.details = details;
    const delay = durationMs(f.applicationFailureInfo.nextRetryDelay);
    if (delay) out.nextRetryDelayMs = delay;
  } else if (f.timeoutFailureInfo) {
    out.kind = 'timeout';
    out.timeoutType = timeoutTypeName(f.timeoutFailureInfo.timeoutType);
    const details = decodePayloads(f.timeoutFailureInfo.lastHeartbeatDetails);
    if (details) out.lastHeartbeatDetails = details;
  } else if (f.canceledFailureInfo) {
    out.kind = 'canceled';
    const details = decodePayloads(f.canceledFailureInfo.details);
    if (details) out.details = details;
  } else if (f.terminatedFailureInfo) {
    out.kind = 'terminated';
  } else if (f.serverFailureInfo) {
    out.kind = 'server';
    if (f.serverFailureInfo.nonRetryable) out.nonRetryable = true;
  } else if (f.resetWorkflowFailureInfo) {
    out.kind = 'reset';
  } else if (f.activityFailureInfo) {
    const a = f.activityFailureInfo;
    out.kind = 'activity';
    out.activityType = a.activityType?.name;
    out.activityId = a.activityId;
    out.scheduledEventId = Number(a.scheduledEventId ?? 0);
    out.startedEventId = Number(a.startedEventId ?? 0);
    out.retryState = retryStateName(a.retryState);
  } else if (f.childWorkflowExecutionFailureInfo) {
    const c = f.childWorkflowExecutionFailureInfo;
    out.kind = 'childWorkflow';
    out.workflowType = c.workflowType?.name;
    out.workflowId = c.workflowExecution?.workflowId;
    out.initiatedEventId = Number(c.initiatedEventId ?? 0);
    out.startedEventId = Number(c.startedEventId ?? 0);
    out.retryState = retryStateName(c.retryState);
  }
  const cause = normaliseFailure(f.cause);
  if (cause) out.cause = cause;
  return out;
}

function searchAttributes(sa: temporal.api.common.v1.ISearchAttributes | null | undefined): Obj | undefined {
  return decodeFields(sa?.indexedFields);
}

function taskQueue(tq: temporal.api.taskqueue.v1.ITaskQueue | null | undefined): string | undefined {
  if (!tq) return undefined;
  const kind = enumName(TQ_KIND, tq.kind, 'TASK_QUEUE_KIND_') ?? 'NORMAL';
  return kind === 'STICKY' ? 'STICKY:<sticky>' : `${kind}:${tq.name}`;
}

function ids(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== 0 && v !== '' && v !== false));
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const PICK: Record<string, (a: any) => Obj> = {
  WorkflowExecutionStarted: (a) => ({
    workflowType: a.workflowType?.name,
    taskQueue: taskQueue(a.taskQueue),
    input: decodePayloads(a.input),
    workflowExecutionTimeoutMs: durationMs(a.workflowExecutionTimeout),
    workflowRunTimeoutMs: durationMs(a.workflowRunTimeout),
    workflowTaskTimeoutMs: durationMs(a.workflowTaskTimeout),
    continuedExecutionRunId: a.continuedExecutionRunId,
    initiator: enumName(INITIATOR, a.initiator, 'CONTINUE_AS_NEW_INITIATOR_'),
    continuedFailure: normaliseFailure(a.continuedFailure),
    lastCompletionResult: decodePayloads(a.lastCompletionResult),
    originalExecutionRunId: a.originalExecutionRunId,
    firstExecutionRunId: a.firstExecutionRunId,
    retryPolicy: retryPolicy(a.retryPolicy),
    attempt: a.attempt,
    cronSchedule: a.cronSchedule,
    firstWorkflowTaskBackoffMs: durationMs(a.firstWorkflowTaskBackoff),
    memo: decodeFields(a.memo?.fields),
    searchAttributes: searchAttributes(a.searchAttributes),
    parentWorkflowNamespace: a.parentWorkflowNamespace,
    parentWorkflowId: a.parentWorkflowExecution?.workflowId,
    parentRunId: a.parentWorkflowExecution?.runId,
    parentInitiatedEventId: a.parentInitiatedEventId,
    rootWorkflowId: a.rootWorkflowExecution?.workflowId,
    rootRunId: a.rootWorkflowExecution?.runId,
    header: decodeFields(a.header?.fields),
  }),
  WorkflowExecutionCompleted: (a) => ({ result: decodePayloads(a.result), newExecutionRunId: a.newExecutionRunId }),
  WorkflowExecutionFailed: (a) => ({
    failure: normaliseFailure(a.failure),
    retryState: retryStateName(a.retryState),
    newExecutionRunId: a.newExecutionRunId,
  }),
  WorkflowExecutionTimedOut: (a) => ({ retryState: retryStateName(a.retryState), newExecutionRunId: a.newExecutionRunId }),
  WorkflowTaskScheduled: (a) => ({ taskQueue: taskQueue(a.taskQueue), startToCloseTimeoutMs: durationMs(a.startToCloseTimeout), attempt: a.attempt }),
  WorkflowTaskStarted: (a) => ({ scheduledEventId: a.scheduledEventId }),
  WorkflowTaskCompleted: (a) => ({ scheduledEventId: a.scheduledEventId, startedEventId: a.startedEventId, sdkMetadata: a.sdkMetadata ? 'present' : undefined }),
  WorkflowTaskTimedOut: (a) => ({ scheduledEventId: a.scheduledEventId, startedEventId: a.startedEventId, timeoutType: timeoutTypeName(a.timeoutType) }),
  WorkflowTaskFailed: (a) => ({
    scheduledEventId: a.scheduledEventId,
    startedEventId: a.startedEventId,
    cause: enumName(WFT_CAUSE, a.cause, 'WORKFLOW_TASK_FAILED_CAUSE_'),
    failureMessage: a.failure?.message,
  }),
  ActivityTaskScheduled: (a) => ({
    activityId: a.activityId,
    activityType: a.activityType?.name,
    taskQueue: taskQueue(a.taskQueue),
    input: decodePayloads(a.input),
    scheduleToCloseTimeoutMs: durationMs(a.scheduleToCloseTimeout),
    scheduleToStartTimeoutMs: durationMs(a.scheduleToStartTimeout),
    startToCloseTimeoutMs: durationMs(a.startToCloseTimeout),
    heartbeatTimeoutMs: durationMs(a.heartbeatTimeout),
    workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
    retryPolicy: retryPolicy(a.retryPolicy),
  }),
  ActivityTaskStarted: (a) => ({ scheduledEventId: a.scheduledEventId, attempt: a.attempt, lastFailure: normaliseFailure(a.lastFailure) }),
  ActivityTaskCompleted: (a) => ({ result: decodePayloads(a.result), scheduledEventId: a.scheduledEventId, startedEventId: a.startedEventId }),
  ActivityTaskFailed: (a) => ({
    failure: normaliseFailure(a.failure),
    scheduledEventId: a.scheduledEventId,
    startedEventId: a.startedEventId,
    retryState: retryStateName(a.retryState),
  }),
  ActivityTaskTimedOut: (a) => ({
    failure: normaliseFailure(a.failure),
    scheduledEventId: a.scheduledEventId,
    startedEventId: a.startedEventId,
    retryState: retryStateName(a.retryState),
  }),
  ActivityTaskCancelRequested: (a) => ({ scheduledEventId: a.scheduledEventId, workflowTaskCompletedEventId: a.workflowTaskCompletedEventId }),
  ActivityTaskCanceled: (a) => ({
    details: decodePayloads(a.details),
    latestCancelRequestedEventId: a.latestCancelRequestedEventId,
    scheduledEventId: a.scheduledEventId,
    startedEventId: a.startedEventId,
  }),
  TimerStarted: (a) => ({ timerId: a.timerId, startToFireTimeoutMs: durationMs(a.startToFireTimeout), workflowTaskCompletedEventId: a.workflowTaskCompletedEventId }),
  TimerFired: (a) => ({ timerId: a.timerId, startedEventId: a.startedEventId }),
  TimerCanceled: (a) => ({ timerId: a.timerId, startedEventId: a.startedEventId, workflowTaskCompletedEventId: a.workflowTaskCompletedEventId }),
  WorkflowExecutionCancelRequested: (a) => ({ cause: a.cause, externalInitiatedEventId: a.externalInitiatedEventId, externalWorkflowId: a.externalWorkflowExecution?.workflowId }),
  WorkflowExecutionCanceled: (a) => ({ details: decodePayloads(a.details), workflowTaskCompletedEventId: a.workflowTaskCompletedEventId }),
  MarkerRecorded: (a) => ({ markerName: a.markerName, details: markerDetails(a.details), failure: normaliseFailure(a.failure) }),
  WorkflowExecutionSignaled: (a) => ({ signalName: a.signalName, input: decodePayloads(a.input), header: decodeFields(a.header?.fields) }),
  WorkflowExecutionTerminated: (a) => ({ reason: a.reason, details: decodePayloads(a.details) }),
  WorkflowExecutionContinuedAsNew: (a) => ({
    newExecutionRunId: a.newExecutionRunId,
    workflowType: a.workflowType?.name,
    taskQueue: taskQueue(a.taskQueue),
    input: decodePayloads(a.input),
    workflowRunTimeoutMs: durationMs(a.workflowRunTimeout),
    workflowTaskTimeoutMs: durationMs(a.workflowTaskTimeout),
    backoffStartIntervalMs: durationMs(a.backoffStartInterval),
    initiator: enumName(INITIATOR, a.initiator, 'CONTINUE_AS_NEW_INITIATOR_'),
    failure: normaliseFailure(a.failure),
    lastCompletionResult: decodePayloads(a.lastCompletionResult),
    memo: decodeFields(a.memo?.fields),
    searchAttributes: searchAttributes(a.searchAttributes),
  }),
  RequestCancelExternalWorkflowExecutionInitiated: (a) => ({ workflowId: a.workflowExecution?.workflowId, runId: a.workflowExecution?.runId, childWorkflowOnly: a.childWorkflowOnly, reason: a.reason }),
  RequestCancelExternalWorkflowExecutionFailed: (a) => ({ cause: enumName(CANCEL_EXTERNAL_CAUSE, a.cause, 'CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_'), workflowId: a.workflowExecution?.workflowId, initiatedEventId: a.initiatedEventId }),
  ExternalWorkflowExecutionCancelRequested: (a) => ({ initiatedEventId: a.initiatedEventId, workflowId: a.workflowExecution?.workflowId }),
  StartChildWorkflowExecutionInitiated: (a) => ({
    workflowId: a.workflowId,
    workflowType: a.workflowType?.name,
    taskQueue: taskQueue(a.taskQueue),
    input: decodePayloads(a.input),
    workflowExecutionTimeoutMs: durationMs(a.workflowExecutionTimeout),
    workflowRunTimeoutMs: durationMs(a.workflowRunTimeout),
    workflowTaskTimeoutMs: durationMs(a.workflowTaskTimeout),
    parentClosePolicy: enumName(PARENT_CLOSE, a.parentClosePolicy, 'PARENT_CLOSE_POLICY_'),
    workflowIdReusePolicy: enumName(REUSE, a.workflowIdReusePolicy, 'WORKFLOW_ID_REUSE_POLICY_'),
    retryPolicy: retryPolicy(a.retryPolicy),
    memo: decodeFields(a.memo?.fields),
    searchAttributes: searchAttributes(a.searchAttributes),
  }),
  StartChildWorkflowExecutionFailed: (a) => ({ workflowId: a.workflowId, workflowType: a.workflowType?.name, cause: enumName(START_CHILD_CAUSE, a.cause, 'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_'), initiatedEventId: a.initiatedEventId }),
  ChildWorkflowExecutionStarted: (a) => ({ workflowId: a.workflowExecution?.workflowId, runId: a.workflowExecution?.runId, workflowType: a.workflowType?.name, initiatedEventId: a.initiatedEventId }),
  ChildWorkflowExecutionCompleted: (a) => ({ result: decodePayloads(a.result), initiatedEventId: a.initiatedEventId, startedEventId: a.startedEventId }),
  ChildWorkflowExecutionFailed: (a) => ({ failure: normaliseFailure(a.failure), retryState: retryStateName(a.retryState), initiatedEventId: a.initiatedEventId, startedEventId: a.startedEventId }),
  ChildWorkflowExecutionCanceled: (a) => ({ details: decodePayloads(a.details), initiatedEventId: a.initiatedEventId, startedEventId: a.startedEventId }),
  ChildWorkflowExecutionTimedOut: (a) => ({ retryState: retryStateName(a.retryState), initiatedEventId: a.initiatedEventId, startedEventId: a.startedEventId }),
  ChildWorkflowExecutionTerminated: (a) => ({ initiatedEventId: a.initiatedEventId, startedEventId: a.startedEventId }),
  SignalExternalWorkflowExecutionInitiated: (a) => ({ workflowId: a.workflowExecution?.workflowId, runId: a.workflowExecution?.runId, signalName: a.signalName, input: decodePayloads(a.input), childWorkflowOnly: a.childWorkflowOnly }),
  SignalExternalWorkflowExecutionFailed: (a) => ({ cause: enumName(EXTERNAL_CAUSE, a.cause, 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_'), workflowId: a.workflowExecution?.workflowId, initiatedEventId: a.initiatedEventId }),
  ExternalWorkflowExecutionSignaled: (a) => ({ initiatedEventId: a.initiatedEventId, workflowId: a.workflowExecution?.workflowId }),
  UpsertWorkflowSearchAttributes: (a) => ({ searchAttributes: searchAttributes(a.searchAttributes) }),
  WorkflowPropertiesModified: (a) => ({ upsertedMemo: decodeFields(a.upsertedMemo?.fields) }),
  WorkflowExecutionUpdateAccepted: (a) => ({
    protocolInstanceId: a.protocolInstanceId,
    acceptedRequestMessageId: a.acceptedRequestMessageId,
    acceptedRequestSequencingEventId: a.acceptedRequestSequencingEventId,
    updateId: a.acceptedRequest?.meta?.updateId,
    name: a.acceptedRequest?.input?.name,
    args: decodePayloads(a.acceptedRequest?.input?.args),
  }),
  WorkflowExecutionUpdateCompleted: (a) => ({
    updateId: a.meta?.updateId,
    acceptedEventId: a.acceptedEventId,
    success: decodePayloads(a.outcome?.success),
    failure: normaliseFailure(a.outcome?.failure),
  }),
  WorkflowExecutionUpdateAdmitted: (a) => ({ updateId: a.request?.meta?.updateId, name: a.request?.input?.name }),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Marker details with the local-activity timing fields (wall-clock times) left out. */
function markerDetails(details: Record<string, temporal.api.common.v1.IPayloads> | null | undefined): Obj | undefined {
  if (!details) return undefined;
  const out: Obj = {};
  for (const k of Object.keys(details).sort()) {
    const values = (decodePayloads(details[k]) ?? []).map((v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Obj).filter(([field]) => !/_time$|Time$/.test(field)))
        : v,
    );
    out[k] = values;
  }
  return out;
}

function retryPolicy(p: temporal.api.common.v1.IRetryPolicy | null | undefined): Obj | undefined {
  if (!p) return undefined;
  return ids({
    initialIntervalMs: durationMs(p.initialInterval),
    backoffCoefficient: p.backoffCoefficient,
    maximumIntervalMs: durationMs(p.maximumInterval),
    maximumAttempts: p.maximumAttempts,
    nonRetryableErrorTypes: p.nonRetryableErrorTypes && p.nonRetryableErrorTypes.length > 0 ? [...p.nonRetryableErrorTypes] : undefined,
  });
}

function attributesOf(e: IHistoryEvent): Obj | undefined {
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('EventAttributes') && v) return v as Obj;
  }
  return undefined;
}

function clean(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Obj).length === 0) continue;
    if (typeof v === 'number' && v === 0) continue;
    if (typeof v === 'object' && v !== null && 'low' in (v as Obj) && 'high' in (v as Obj)) {
      const n = Number(v);
      if (n !== 0) out[k] = n;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** One history event as compared: `<id> <Type>` and its attributes that matter. */
export interface ComparedEvent {
  event: string;
  [attribute: string]: unknown;
}

export function normaliseEvent(e: IHistoryEvent): ComparedEvent {
  const type = eventTypeName(e.eventType);
  const attrs = attributesOf(e) ?? {};
  const pick = PICK[type];
  return { event: `${Number(e.eventId)} ${type}`, ...(pick ? clean(pick(attrs)) : {}) };
}

export function normaliseHistory(events: IHistoryEvent[] | null | undefined): ComparedEvent[] {
  return (events ?? []).map(normaliseEvent);
}

/** Just the event types, in order. */
export function eventTypes(events: IHistoryEvent[] | null | undefined): string[] {
  return (events ?? []).map((e) => eventTypeName(e.eventType));
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Replaces every UUID in `value` with `<uuid:N>`, numbered by first appearance across the calls made
 * with the same `seen` map, so "this run continued from that run" stays visible after normalisation.
 */
export function replaceUuids(value: unknown, seen: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(UUID, (u) => {
      const key = u.toLowerCase();
      let name = seen.get(key);
      if (!name) {
        name = `<uuid:${seen.size + 1}>`;
        seen.set(key, name);
      }
      return name;
    });
  }
  if (Array.isArray(value)) return value.map((v) => replaceUuids(v, seen));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, replaceUuids(v, seen)]));
  }
  return value;
}

/**
 * A history with its workflow-task events left out, for histories where another workflow's events
 * (a child closing) race with this workflow's tasks on both servers: the remaining events keep their
 * order and attributes but lose their ids and event-id links, which depend on where the tasks fell.
 */
export function tasksAside(history: ComparedEvent[]): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  for (const e of history) {
    const type = e.event.split(' ')[1];
    if (type.startsWith('WorkflowTask')) continue;
    const { event: _event, ...attrs } = e;
    events.push({ type, ...Object.fromEntries(Object.entries(attrs).filter(([k]) => !k.endsWith('EventId'))) });
  }
  return events;
}
