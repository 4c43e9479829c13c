/**
 * The per-execution state, as plain JSON-serializable records. Numbers are numbers (ms since epoch for
 * instants, ms for durations), protobuf payloads are base64 of their encoded message. Keeping state in
 * this shape is what lets persistence be "write the record" and recovery be "read it back and re-arm".
 */

export interface WorkflowTaskRecord {
  scheduledEventId: number;
  /** 0 until a poller picked the task up. */
  startedEventId: number;
  attempt: number;
  /** Queue the task was put on (the sticky queue or the normal one). */
  queue: string;
  sticky: boolean;
  scheduledTime: number;
  startedTime: number;
  /** Only for sticky dispatch: when the sticky worker must have picked it up. */
  scheduleToStartDeadline: number;
  startToCloseDeadline: number;
  identity: string;
  /**
   * Set while the task's WorkflowTaskScheduled (and, once handed out, WorkflowTaskStarted) events are
   * not in history yet, as on the real server: a 'transient' retry (attempt 2 and later) or a
   * 'speculative' task that only delivers an update. The events are written when the task completes
   * or anything else is added to history; a failed transient task or a speculative task whose
   * updates were all rejected leaves no events.
   */
  virtual?: 'transient' | 'speculative';
  /** Base64 of the unwritten WorkflowTaskScheduled event (its id is the next event id). */
  virtualScheduled?: string;
  /** Base64 of the unwritten WorkflowTaskStarted event, once the task was handed out. */
  virtualStarted?: string;
}

export interface RetryPolicyRecord {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export type ActivityState = 'queued' | 'backoff' | 'started';

export interface ActivityRecord {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  state: ActivityState;
  attempt: number;
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime: number;
  startedIdentity: string;
  scheduleToStartMs: number;
  startToCloseMs: number;
  scheduleToCloseMs: number;
  heartbeatMs: number;
  /** 0 = no deadline. */
  scheduleToStartDeadline: number;
  startToCloseDeadline: number;
  scheduleToCloseDeadline: number;
  heartbeatDeadline: number;
  backoffUntil: number;
  heartbeatDetails?: string;
  lastHeartbeatTime: number;
  lastFailure?: string;
  retryPolicy: RetryPolicyRecord;
  cancelRequested: boolean;
  cancelRequestedEventId: number;
}

export interface TimerRecord {
  timerId: string;
  startedEventId: number;
  fireAt: number;
}

export interface ChildRecord {
  initiatedEventId: number;
  startedEventId: number;
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  parentClosePolicy: number;
}

export type UpdateState = 'admitted' | 'accepted' | 'completed';

export interface UpdateRecord {
  updateId: string;
  state: UpdateState;
  /** Base64 of temporal.api.update.v1.Request. */
  request: string;
  acceptedEventId: number;
  /** Started event id of the workflow task that carried the request to a worker (0 = not yet). */
  deliveredInWft: number;
  /** Base64 of temporal.api.update.v1.Outcome once completed (or rejected). */
  outcome?: string;
}

/** An event waiting for the in-flight workflow task to finish (base64 HistoryEvent, id assigned at flush). */
export interface BufferedEvent {
  event: string;
}

export interface ParentRecord {
  namespace: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

export interface ExecutionRecord {
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId: string;
  workflowType: string;
  taskQueue: string;
  status: number;
  startTime: number;
  executionTime: number;
  closeTime: number;
  nextEventId: number;
  requestId: string;
  workflowTaskTimeoutMs: number;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  /** 0 = none. */
  runDeadline: number;
  executionDeadline: number;
  /** The first workflow task is held back until this instant (start delay, cron, retry backoff). */
  firstTaskAt: number;
  wft: WorkflowTaskRecord | null;
  lastCompletedWftStartedId: number;
  stickyQueue: string;
  stickyScheduleToStartMs: number;
  buffered: BufferedEvent[];
  activities: Record<string, ActivityRecord>;
  timers: Record<string, TimerRecord>;
  children: Record<string, ChildRecord>;
  updates: Record<string, UpdateRecord>;
  cancelRequested: boolean;
  parent?: ParentRecord;
  /** The top of the parent chain (absent for a run without a parent). */
  root?: { workflowId: string; runId: string };
  /** Base64 temporal.api.common.v1.Memo / SearchAttributes (current values, upserts applied). */
  memo?: string;
  searchAttributes?: string;
  /** Ids of recent signal requests, for request-id idempotency. */
  signalRequestIds: string[];
  /** Set when this run was closed with a follow-up run (continue-as-new, retry, cron). */
  newRunId: string;
  /** Event id of the close event once closed. */
  closeEventId: number;
  attempt: number;
  cronSchedule: string;
}

/** Maps a workflow id in a namespace to its current run. */
export interface CurrentRunRecord {
  namespace: string;
  workflowId: string;
  runId: string;
}

/** Keys are also storage keys, so they are made of URI-encoded parts joined by '/'. */
export function runKey(namespace: string, workflowId: string, runId: string): string {
  return `${encodeURIComponent(namespace)}/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}`;
}

export function workflowKey(namespace: string, workflowId: string): string {
  return `${encodeURIComponent(namespace)}/${encodeURIComponent(workflowId)}`;
}
