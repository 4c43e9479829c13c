/**
 * Run lifecycle: starting a run (first events, first workflow task or its backoff) and closing one
 * (close event, follow-up run for continue-as-new / retry / cron, parent notification, parent close
 * policy on children, forced closes while a worker holds the workflow task).
 */
import { randomUUID } from 'node:crypto';
import { durationToMs, msToDuration, msToTimestamp, toB64 } from '../codec';
import {
  EventType,
  RetryState,
  WorkflowStatus,
  WftFailedCause,
  common,
  enums,
  type Failure,
  type Header,
  type Memo,
  type Payloads,
  type RetryPolicy,
  type SearchAttributes,
  type temporal,
} from '../proto';
import type { Engine } from './engine';
import { Execution } from './execution';
import { runKey, type ExecutionRecord, type ParentRecord } from './records';
import { abortAcceptedUpdates } from './updates';
import { decideRetry, normaliseRetryPolicy, retryPolicyToProto } from './retry';
import { cronBackoffMs } from '../policy';

export const DEFAULT_WORKFLOW_TASK_TIMEOUT_MS = 10_000;
export const MAX_WORKFLOW_TASK_TIMEOUT_MS = 120_000;

export interface SignalOnStart {
  signalName: string;
  input?: Payloads | null;
  header?: Header | null;
  identity: string;
}

export interface NewRunParams {
  namespace: string;
  workflowId: string;
  runId?: string;
  workflowType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Header | null;
  memo?: Memo | null;
  searchAttributes?: SearchAttributes | null;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  taskTimeoutMs: number;
  retryPolicy?: RetryPolicy | null;
  cronSchedule: string;
  identity: string;
  requestId: string;
  attempt: number;
  firstRunId?: string;
  continuedRunId?: string;
  initiator?: number;
  continuedFailure?: Failure | null;
  lastCompletionResult?: Payloads | null;
  firstTaskBackoffMs: number;
  parent?: ParentRecord;
  root?: { workflowId: string; runId: string };
  executionDeadline?: number;
  signal?: SignalOnStart;
  /** Task priority (priority key and fairness), recorded on the started event as the real server does. */
  priority?: temporal.api.common.v1.IPriority | null;
  /** The UI's summary and details, kept on the started event (not on its attributes). */
  userMetadata?: temporal.api.sdk.v1.IUserMetadata | null;
}

/** Creates a run, writes its first events and schedules (or holds back) its first workflow task. */
export function startRun(engine: Engine, p: NewRunParams): Execution {
  const now = engine.clock.now();
  const runId = p.runId ?? randomUUID();
  const executionDeadline = p.executionDeadline ?? (p.executionTimeoutMs > 0 ? now + p.executionTimeoutMs : 0);
  let runTimeout = p.runTimeoutMs;
  if (p.executionTimeoutMs > 0 && (runTimeout === 0 || runTimeout > p.executionTimeoutMs)) runTimeout = p.executionTimeoutMs;
  // Like the real server: default 10 s, at most 120 s, and never longer than the run timeout.
  let taskTimeout = Math.min(p.taskTimeoutMs || DEFAULT_WORKFLOW_TASK_TIMEOUT_MS, MAX_WORKFLOW_TASK_TIMEOUT_MS);
  if (runTimeout > 0) taskTimeout = Math.min(taskTimeout, runTimeout);
  const rec: ExecutionRecord = {
    namespace: p.namespace,
    workflowId: p.workflowId,
    runId,
    firstRunId: p.firstRunId ?? runId,
    workflowType: p.workflowType,
    taskQueue: p.taskQueue,
    status: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTime: now,
    executionTime: now + p.firstTaskBackoffMs,
    closeTime: 0,
    nextEventId: 1,
    requestId: p.requestId,
    workflowTaskTimeoutMs: taskTimeout,
    runTimeoutMs: runTimeout,
    executionTimeoutMs: p.executionTimeoutMs,
    runDeadline: runTimeout > 0 ? now + p.firstTaskBackoffMs + runTimeout : 0,
    executionDeadline,
    firstTaskAt: p.firstTaskBackoffMs > 0 ? now + p.firstTaskBackoffMs : 0,
    wft: null,
    lastCompletedWftStartedId: 0,
    stickyQueue: '',
    stickyScheduleToStartMs: 0,
    buffered: [],
    activities: {},
    timers: {},
    children: {},
    updates: {},
    cancelRequested: false,
    parent: p.parent,
    root: p.root,
    memo: p.memo ? toB64(common.Memo, p.memo) : undefined,
    searchAttributes: p.searchAttributes ? toB64(common.SearchAttributes, p.searchAttributes) : undefined,
    signalRequestIds: [],
    newRunId: '',
    closeEventId: 0,
    attempt: p.attempt,
    cronSchedule: p.cronSchedule,
  };
  const exec = new Execution(rec, []);
  engine.register(exec);
  engine.setCurrentRun(p.namespace, p.workflowId, runId);
  const parent = p.parent;
  engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
    workflowExecutionStartedEventAttributes: {
      workflowId: p.workflowId,
      workflowType: { name: p.workflowType },
      taskQueue: { name: p.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: p.input ?? undefined,
      header: p.header ?? undefined,
      memo: p.memo ?? undefined,
      searchAttributes: p.searchAttributes ?? undefined,
      workflowExecutionTimeout: msToDuration(p.executionTimeoutMs),
      workflowRunTimeout: msToDuration(runTimeout),
      workflowTaskTimeout: msToDuration(taskTimeout),
      continuedExecutionRunId: p.continuedRunId ?? '',
      initiator: p.initiator ?? 0,
      continuedFailure: p.continuedFailure ?? undefined,
      lastCompletionResult: p.lastCompletionResult ?? undefined,
      originalExecutionRunId: runId,
      identity: p.identity,
      firstExecutionRunId: rec.firstRunId,
      // Like the real server, the recorded policy has the defaults filled in.
      retryPolicy: p.retryPolicy ? retryPolicyToProto(normaliseRetryPolicy(p.retryPolicy, 'retry_policy')) : undefined,
      attempt: p.attempt,
      workflowExecutionExpirationTime: executionDeadline > 0 ? msToTimestamp(executionDeadline) : undefined,
      cronSchedule: p.cronSchedule,
      firstWorkflowTaskBackoff: p.firstTaskBackoffMs > 0 ? msToDuration(p.firstTaskBackoffMs) : undefined,
      parentWorkflowNamespace: parent?.namespace ?? '',
      parentWorkflowExecution: parent ? { workflowId: parent.workflowId, runId: parent.runId } : undefined,
      parentInitiatedEventId: parent?.initiatedEventId ?? 0,
      rootWorkflowExecution: p.root,
      priority: p.priority ?? undefined,
    },
    userMetadata: p.userMetadata ?? undefined,
  });
  if (p.signal) {
    engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
      workflowExecutionSignaledEventAttributes: {
        signalName: p.signal.signalName,
        input: p.signal.input ?? undefined,
        header: p.signal.header ?? undefined,
        identity: p.signal.identity,
      },
    });
  }
  engine.ensureWorkflowTask(exec);
  return exec;
}

export type CloseOutcome =
  | { kind: 'completed'; result?: Payloads | null; wftCompletedEventId: number }
  | { kind: 'failed'; failure: Failure; wftCompletedEventId: number }
  | { kind: 'canceled'; details?: Payloads | null; wftCompletedEventId: number }
  | { kind: 'terminated'; reason: string; details?: Payloads | null; identity: string }
  | { kind: 'timedOut' }
  | {
      kind: 'continuedAsNew';
      attrs: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes;
      wftCompletedEventId: number;
    };

const STATUS_OF: Record<CloseOutcome['kind'], number> = {
  completed: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  failed: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
  canceled: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
  terminated: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
  timedOut: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
  continuedAsNew: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
};

interface FollowUp {
  params: NewRunParams;
}

/** Parameters of a follow-up run that inherits everything from `exec` unless overridden. */
function inherit(exec: Execution, overrides: Partial<NewRunParams>): NewRunParams {
  const s = exec.startedAttributes;
  const rec = exec.rec;
  return {
    namespace: rec.namespace,
    workflowId: rec.workflowId,
    runId: randomUUID(),
    workflowType: rec.workflowType,
    taskQueue: rec.taskQueue,
    input: s.input,
    header: s.header,
    memo: s.memo,
    searchAttributes: s.searchAttributes,
    executionTimeoutMs: rec.executionTimeoutMs,
    runTimeoutMs: durationToMs(s.workflowRunTimeout, 'workflow_run_timeout'),
    taskTimeoutMs: rec.workflowTaskTimeoutMs,
    retryPolicy: s.retryPolicy,
    cronSchedule: rec.cronSchedule,
    identity: s.identity ?? '',
    requestId: randomUUID(),
    attempt: 1,
    firstRunId: rec.firstRunId,
    continuedRunId: rec.runId,
    firstTaskBackoffMs: 0,
    parent: rec.parent,
    root: rec.root,
    // Retries, cron runs and continue-as-new keep the priority, as on the real server.
    priority: s.priority,
    executionDeadline: rec.executionDeadline,
    ...overrides,
  };
}

function cronFollowUp(exec: Execution, now: number, overrides: Partial<NewRunParams>): FollowUp | undefined {
  if (!exec.rec.cronSchedule) return undefined;
  const delay = cronBackoffMs(exec.rec.cronSchedule, now, exec.rec.startTime);
  if (!Number.isFinite(delay)) return undefined;
  if (exec.rec.executionDeadline > 0 && now + delay >= exec.rec.executionDeadline) return undefined;
  return {
    params: inherit(exec, {
      initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE,
      firstTaskBackoffMs: delay,
      ...overrides,
    }),
  };
}

function retryFollowUp(exec: Execution, now: number, failure: Failure): { followUp?: FollowUp; retryState: number } {
  const policyMsg = exec.startedAttributes.retryPolicy;
  if (!policyMsg) return { retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET };
  const policy = normaliseRetryPolicy(policyMsg, 'retry_policy');
  const decision = decideRetry(policy, exec.rec.attempt, failure, exec.rec.executionDeadline, now);
  if (!decision.retry) return { retryState: decision.retryState };
  return {
    retryState: RetryState.RETRY_STATE_IN_PROGRESS,
    followUp: {
      params: inherit(exec, {
        attempt: exec.rec.attempt + 1,
        initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY,
        continuedFailure: failure,
        firstTaskBackoffMs: decision.delayMs,
        lastCompletionResult: exec.startedAttributes.lastCompletionResult,
      }),
    },
  };
}

function timeoutFailure(): Failure {
  return {
    message: 'workflow timed out',
    timeoutFailureInfo: { timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE },
  };
}

/** Writes the close event, starts any follow-up run and settles parent, children and waiters. */
export function closeRun(engine: Engine, exec: Execution, outcome: CloseOutcome): void {
  engine.touch(exec);
  const rec = exec.rec;
  let followUp: FollowUp | undefined;
  switch (outcome.kind) {
    case 'completed': {
      followUp = cronFollowUp(exec, engine.clock.now(), { lastCompletionResult: outcome.result });
      engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, {
        workflowExecutionCompletedEventAttributes: {
          result: outcome.result ?? undefined,
          workflowTaskCompletedEventId: outcome.wftCompletedEventId,
          newExecutionRunId: followUp?.params.runId ?? '',
        },
      });
      break;
    }
    case 'failed': {
      const retry = retryFollowUp(exec, engine.clock.now(), outcome.failure);
      followUp = retry.followUp ?? cronFollowUp(exec, engine.clock.now(), { continuedFailure: outcome.failure });
      engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, {
        workflowExecutionFailedEventAttributes: {
          failure: outcome.failure,
          retryState: retry.retryState,
          workflowTaskCompletedEventId: outcome.wftCompletedEventId,
          newExecutionRunId: followUp?.params.runId ?? '',
        },
      });
      break;
    }
    case 'timedOut': {
      // Like the real server: once the execution timeout has passed there is no retry and no next
      // cron run, and the retry state says TIMEOUT; a run timeout alone is retried per policy.
      const expired = rec.executionDeadline > 0 && engine.clock.now() >= rec.executionDeadline;
      const retry = expired ? { retryState: RetryState.RETRY_STATE_TIMEOUT, followUp: undefined } : retryFollowUp(exec, engine.clock.now(), timeoutFailure());
      followUp = retry.followUp ?? (expired ? undefined : cronFollowUp(exec, engine.clock.now(), { continuedFailure: timeoutFailure() }));
      engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, {
        workflowExecutionTimedOutEventAttributes: {
          retryState: retry.retryState,
          newExecutionRunId: followUp?.params.runId ?? '',
        },
      });
      break;
    }
    case 'canceled':
      engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, {
        workflowExecutionCanceledEventAttributes: {
          details: outcome.details ?? undefined,
          workflowTaskCompletedEventId: outcome.wftCompletedEventId,
        },
      });
      break;
    case 'terminated':
      engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, {
        workflowExecutionTerminatedEventAttributes: {
          reason: outcome.reason,
          details: outcome.details ?? undefined,
          identity: outcome.identity,
        },
      });
      break;
    case 'continuedAsNew': {
      const a = outcome.attrs;
      const s = exec.startedAttributes;
      followUp = {
        params: inherit(exec, {
          workflowType: a.workflowType?.name || rec.workflowType,
          taskQueue: a.taskQueue?.name || rec.taskQueue,
          input: a.input,
          header: a.header ?? s.header,
          memo: a.memo ?? s.memo,
          searchAttributes: a.searchAttributes ?? s.searchAttributes,
          runTimeoutMs: a.workflowRunTimeout
            ? durationToMs(a.workflowRunTimeout, 'workflow_run_timeout')
            : durationToMs(s.workflowRunTimeout, 'workflow_run_timeout'),
          taskTimeoutMs: a.workflowTaskTimeout
            ? durationToMs(a.workflowTaskTimeout, 'workflow_task_timeout')
            : rec.workflowTaskTimeoutMs,
          retryPolicy: a.retryPolicy ?? s.retryPolicy,
          firstTaskBackoffMs: durationToMs(a.backoffStartInterval, 'backoff_start_interval'),
          initiator: a.initiator || enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
          continuedFailure: a.failure,
          lastCompletionResult: a.lastCompletionResult,
        }),
      };
      engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
        workflowExecutionContinuedAsNewEventAttributes: {
          newExecutionRunId: followUp.params.runId,
          workflowType: { name: followUp.params.workflowType },
          taskQueue: { name: followUp.params.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          input: a.input ?? undefined,
          workflowRunTimeout: msToDuration(followUp.params.runTimeoutMs),
          workflowTaskTimeout: msToDuration(followUp.params.taskTimeoutMs),
          workflowTaskCompletedEventId: outcome.wftCompletedEventId,
          backoffStartInterval: a.backoffStartInterval ?? undefined,
          // The real server copies the command's initiator (usually unset); the new run's started
          // event is the one that says WORKFLOW.
          initiator: a.initiator ?? 0,
          failure: a.failure ?? undefined,
          lastCompletionResult: a.lastCompletionResult ?? undefined,
          header: followUp.params.header ?? undefined,
          memo: followUp.params.memo ?? undefined,
          searchAttributes: followUp.params.searchAttributes ?? undefined,
        },
      });
      break;
    }
  }
  const closeEvent = exec.events[exec.events.length - 1];
  rec.status = STATUS_OF[outcome.kind];
  rec.closeTime = engine.clock.now();
  rec.closeEventId = closeEvent.eventId as number;
  rec.wft = null;
  rec.activities = {};
  rec.timers = {};
  rec.firstTaskAt = 0;
  rec.stickyQueue = '';
  abortAcceptedUpdates(exec);
  const children = Object.values(rec.children);
  rec.children = {};
  if (followUp) {
    rec.newRunId = followUp.params.runId as string;
    startRun(engine, followUp.params);
  } else {
    notifyParent(engine, exec, outcome);
  }
  applyParentClosePolicy(engine, exec, children);
  engine.afterCommit(() => {
    for (const q of exec.queries) if (q.state !== 'legacy') q.state = 'waiting';
  });
}

/** Delivers the child's close event to its parent (only the last run of a chain reports). */
function notifyParent(engine: Engine, child: Execution, outcome: CloseOutcome): void {
  const parentRef = child.rec.parent;
  if (!parentRef) return;
  const parent = engine.lookupRun(runKey(parentRef.namespace, parentRef.workflowId, parentRef.runId));
  if (!parent || !parent.isOpen) return;
  const childRec = parent.rec.children[String(parentRef.initiatedEventId)];
  if (!childRec) return;
  engine.touch(parent);
  delete parent.rec.children[String(parentRef.initiatedEventId)];
  const base = {
    namespace: child.rec.namespace,
    workflowExecution: { workflowId: child.rec.workflowId, runId: child.rec.runId },
    workflowType: { name: child.rec.workflowType },
    initiatedEventId: childRec.initiatedEventId,
    startedEventId: childRec.startedEventId,
  };
  const close = child.events[child.events.length - 1];
  switch (outcome.kind) {
    case 'completed':
      engine.deliver(parent, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, {
        childWorkflowExecutionCompletedEventAttributes: { ...base, result: outcome.result ?? undefined },
      });
      break;
    case 'failed':
      engine.deliver(parent, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, {
        childWorkflowExecutionFailedEventAttributes: {
          ...base,
          failure: outcome.failure,
          retryState: close.workflowExecutionFailedEventAttributes?.retryState ?? 0,
        },
      });
      break;
    case 'canceled':
      engine.deliver(parent, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, {
        childWorkflowExecutionCanceledEventAttributes: { ...base, details: outcome.details ?? undefined },
      });
      break;
    case 'terminated':
      engine.deliver(parent, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED, {
        childWorkflowExecutionTerminatedEventAttributes: base,
      });
      break;
    case 'timedOut':
      engine.deliver(parent, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, {
        childWorkflowExecutionTimedOutEventAttributes: {
          ...base,
          retryState: close.workflowExecutionTimedOutEventAttributes?.retryState ?? 0,
        },
      });
      break;
    case 'continuedAsNew':
      break;
  }
}

function applyParentClosePolicy(engine: Engine, parent: Execution, children: ExecutionRecord['children'][string][]): void {
  for (const child of children) {
    const policy = child.parentClosePolicy || enums.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE;
    if (policy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON) continue;
    const runId = engine.currentRunId(child.namespace, child.workflowId);
    const target = runId ? engine.lookupRun(runKey(child.namespace, child.workflowId, runId)) : undefined;
    if (!target || !target.isOpen || target.rec.firstRunId !== firstRunOf(engine, child)) continue;
    if (policy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE) {
      terminateRun(engine, target, 'by parent close policy', null, `parent ${parent.rec.workflowId}`);
    } else {
      // Like the real server: no reason, and the parent named as the requester.
      requestCancelRun(engine, target, '', `parent ${parent.rec.workflowId}`, {
        workflowId: parent.rec.workflowId,
        runId: parent.rec.runId,
        initiatedEventId: 0,
      });
    }
  }
}

function firstRunOf(engine: Engine, child: { namespace: string; workflowId: string; runId: string }): string {
  return engine.lookupRun(runKey(child.namespace, child.workflowId, child.runId))?.rec.firstRunId ?? child.runId;
}

/** Fails the in-flight workflow task (if a worker holds it) so no event follows the close event. */
function forceCloseWorkflowTask(engine: Engine, exec: Execution): void {
  const wft = exec.rec.wft;
  // A transient or speculative task's events were never written: it just goes away.
  if (wft?.virtual) {
    exec.rec.wft = null;
    engine.flushBuffered(exec);
    return;
  }
  if (wft && wft.startedEventId > 0) {
    engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
      workflowTaskFailedEventAttributes: {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        cause: WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
        identity: 'dev-server',
      },
    });
  }
  exec.rec.wft = null;
  engine.flushBuffered(exec);
}

export function terminateRun(
  engine: Engine,
  exec: Execution,
  reason: string,
  details: Payloads | null | undefined,
  identity: string,
): void {
  engine.touch(exec);
  forceCloseWorkflowTask(engine, exec);
  closeRun(engine, exec, { kind: 'terminated', reason, details, identity });
}

export function timeOutRun(engine: Engine, exec: Execution): void {
  engine.touch(exec);
  forceCloseWorkflowTask(engine, exec);
  closeRun(engine, exec, { kind: 'timedOut' });
}

/** Which workflow asked for a cancellation, when another workflow did (external cancel, parent close policy). */
export interface CancelRequester {
  workflowId: string;
  runId: string;
  /** The requester's RequestCancelExternalWorkflowExecutionInitiated event; 0 for a parent close policy. */
  initiatedEventId: number;
}

/** Records a cancellation request (once) and wakes the workflow to handle it. */
export function requestCancelRun(engine: Engine, exec: Execution, reason: string, identity: string, requester?: CancelRequester): void {
  if (exec.rec.cancelRequested) return;
  engine.touch(exec);
  exec.rec.cancelRequested = true;
  engine.deliver(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
    workflowExecutionCancelRequestedEventAttributes: {
      cause: reason,
      identity,
      externalInitiatedEventId: requester?.initiatedEventId ?? 0,
      externalWorkflowExecution: requester ? { workflowId: requester.workflowId, runId: requester.runId } : undefined,
    },
  });
}
