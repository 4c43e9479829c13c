/**
 * Activity state machine (spec §4): scheduling with normalised timeouts, dispatch to pollers, lazy
 * ActivityTaskStarted, completion/failure/cancellation (by token and by id), heartbeats, every
 * timeout, and silent retries with backoff that keep the last failure and heartbeat details.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Loose } from '../proto';
import { durationToMs, msToDuration, msToTimestamp, toB64, fromB64, optionalFromB64 } from '../codec';
import { invalidArgument, notFound } from '../errors';
import { queueKey, type TaskRef } from '../matching';
import { decodeToken, encodeToken } from '../tokens';
import { EventType, RetryState, TimeoutType, WftFailedCause, common, failure as failureNs, type Failure, type Payloads } from '../proto';
import { BadCommandError, type CommandContext } from '../commands/context';
import type { Engine } from './engine';
import type { Execution } from './execution';
import type { ActivityRecord } from './records';
import { decideRetry, normaliseRetryPolicy, retryPolicyToProto } from './retry';
import { normalizeActivityTimeouts, type ActivityTimeouts } from '../policy';

type ScheduleAttrs = temporal.api.command.v1.IScheduleActivityTaskCommandAttributes;
type PollRequest = temporal.api.workflowservice.v1.IPollActivityTaskQueueRequest;
type PollResponse = Loose<temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse>;

/** Real-server timeout normalisation (spec §4, shared policy); 0 means unlimited. */
export function normaliseActivityTimeouts(attrs: ScheduleAttrs, runTimeoutMs: number): ActivityTimeouts {
  const bad = (message: string) => new BadCommandError(WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, message);
  let input: ActivityTimeouts;
  try {
    input = {
      scheduleToCloseMs: durationToMs(attrs.scheduleToCloseTimeout, 'schedule_to_close_timeout'),
      scheduleToStartMs: durationToMs(attrs.scheduleToStartTimeout, 'schedule_to_start_timeout'),
      startToCloseMs: durationToMs(attrs.startToCloseTimeout, 'start_to_close_timeout'),
      heartbeatMs: durationToMs(attrs.heartbeatTimeout, 'heartbeat_timeout'),
    };
  } catch (err) {
    throw bad(`ScheduleActivityTask: ${err instanceof Error ? err.message : String(err)}`);
  }
  const out = normalizeActivityTimeouts(input, runTimeoutMs);
  if ('error' in out) throw bad(`${out.error} ActivityId=${attrs.activityId ?? ''} ActivityType=${attrs.activityType?.name ?? ''}`);
  return out;
}

/** Applies a ScheduleActivityTask command. */
export function scheduleActivity(ctx: CommandContext, attrs: ScheduleAttrs): void {
  const { engine, exec } = ctx;
  const badAttrs = WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES;
  if (!attrs.activityId) throw new BadCommandError(badAttrs, 'ScheduleActivityTask: activity_id is not set');
  if (!attrs.activityType?.name) throw new BadCommandError(badAttrs, 'ScheduleActivityTask: activity_type is not set');
  if (Object.values(exec.rec.activities).some((a) => a.activityId === attrs.activityId)) {
    throw new BadCommandError(badAttrs, `ScheduleActivityTask: activity_id ${attrs.activityId} is already in use`);
  }
  const t = normaliseActivityTimeouts(attrs, exec.rec.runTimeoutMs);
  let retryPolicy;
  try {
    retryPolicy = normaliseRetryPolicy(attrs.retryPolicy, 'retry_policy');
  } catch (err) {
    throw new BadCommandError(badAttrs, `ScheduleActivityTask: ${err instanceof Error ? err.message : String(err)}`);
  }
  const taskQueue = attrs.taskQueue?.name || exec.rec.taskQueue;
  const event = engine.append(exec, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
    activityTaskScheduledEventAttributes: {
      activityId: attrs.activityId,
      activityType: { name: attrs.activityType.name },
      taskQueue: { name: taskQueue, kind: 1 },
      header: attrs.header ?? undefined,
      input: attrs.input ?? undefined,
      scheduleToCloseTimeout: msToDuration(t.scheduleToCloseMs),
      scheduleToStartTimeout: msToDuration(t.scheduleToStartMs),
      startToCloseTimeout: msToDuration(t.startToCloseMs),
      heartbeatTimeout: msToDuration(t.heartbeatMs),
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
      retryPolicy: retryPolicyToProto(retryPolicy),
      priority: attrs.priority ?? undefined,
    },
  });
  const now = engine.clock.now();
  const act: ActivityRecord = {
    scheduledEventId: event.eventId as number,
    activityId: attrs.activityId,
    activityType: attrs.activityType.name,
    taskQueue,
    state: 'queued',
    attempt: 1,
    scheduledTime: now,
    currentAttemptScheduledTime: now,
    startedTime: 0,
    startedIdentity: '',
    ...t,
    scheduleToStartDeadline: t.scheduleToStartMs > 0 ? now + t.scheduleToStartMs : 0,
    startToCloseDeadline: 0,
    scheduleToCloseDeadline: t.scheduleToCloseMs > 0 ? now + t.scheduleToCloseMs : 0,
    heartbeatDeadline: 0,
    backoffUntil: 0,
    lastHeartbeatTime: 0,
    retryPolicy,
    cancelRequested: false,
    cancelRequestedEventId: 0,
  };
  exec.rec.activities[String(act.scheduledEventId)] = act;
  queueActivity(engine, exec, act);
}

function queueActivity(engine: Engine, exec: Execution, act: ActivityRecord): void {
  const task: TaskRef = { kind: 'activityTask', runKey: exec.key, scheduledEventId: act.scheduledEventId, attempt: act.attempt };
  const key = queueKey(exec.rec.namespace, 'activity', act.taskQueue);
  engine.afterCommit(() => engine.activityQueues.enqueue(key, task));
}

/** Re-queues every queued activity of a recovered run. */
export function requeueActivities(engine: Engine, exec: Execution): void {
  for (const act of Object.values(exec.rec.activities)) {
    if (act.state !== 'queued') continue;
    const key = queueKey(exec.rec.namespace, 'activity', act.taskQueue);
    engine.activityQueues.enqueue(key, { kind: 'activityTask', runKey: exec.key, scheduledEventId: act.scheduledEventId, attempt: act.attempt });
  }
}

/** Hands a queued activity to a poller (nothing is written to history until the activity closes). */
export function dispatchActivityTask(engine: Engine, task: TaskRef, poll: PollRequest): PollResponse | null {
  if (task.kind !== 'activityTask') return null;
  const exec = engine.lookupRun(task.runKey);
  if (!exec || !exec.isOpen) return null;
  const act = exec.rec.activities[String(task.scheduledEventId)];
  if (!act || act.state !== 'queued' || act.attempt !== task.attempt) return null;
  return engine.transact(() => {
    engine.touch(exec);
    const now = engine.clock.now();
    act.state = 'started';
    act.startedTime = now;
    act.startedIdentity = poll.identity ?? '';
    act.scheduleToStartDeadline = 0;
    act.startToCloseDeadline = act.startToCloseMs > 0 ? now + act.startToCloseMs : 0;
    act.heartbeatDeadline = act.heartbeatMs > 0 ? now + act.heartbeatMs : 0;
    const scheduled = exec.event(act.scheduledEventId)?.activityTaskScheduledEventAttributes;
    const rec = exec.rec;
    return {
      taskToken: encodeToken({ v: 1, k: 'act', ns: rec.namespace, wf: rec.workflowId, run: rec.runId, sched: act.scheduledEventId, attempt: act.attempt }),
      workflowNamespace: rec.namespace,
      workflowType: { name: rec.workflowType },
      workflowExecution: { workflowId: rec.workflowId, runId: rec.runId },
      activityType: { name: act.activityType },
      activityId: act.activityId,
      header: scheduled?.header ?? undefined,
      input: scheduled?.input ?? undefined,
      heartbeatDetails: optionalFromB64(common.Payloads, act.heartbeatDetails),
      scheduledTime: msToTimestamp(act.scheduledTime),
      currentAttemptScheduledTime: msToTimestamp(act.currentAttemptScheduledTime),
      startedTime: msToTimestamp(now),
      attempt: act.attempt,
      scheduleToCloseTimeout: msToDuration(act.scheduleToCloseMs),
      startToCloseTimeout: msToDuration(act.startToCloseMs),
      heartbeatTimeout: msToDuration(act.heartbeatMs),
      retryPolicy: retryPolicyToProto(act.retryPolicy),
      priority: scheduled?.priority ?? undefined,
    };
  });
}

/** Writes ActivityTaskStarted (lazily, with the final attempt) followed by the close event. */
function closeActivity(engine: Engine, exec: Execution, act: ActivityRecord, eventType: number, attrs: Record<string, unknown>, key: string): void {
  engine.touch(exec);
  delete exec.rec.activities[String(act.scheduledEventId)];
  let startedEventId = 0;
  const started = act.state === 'started';
  const startedAttrs = {
    activityTaskStartedEventAttributes: {
      scheduledEventId: act.scheduledEventId,
      identity: act.startedIdentity,
      requestId: randomUUID(),
      attempt: act.attempt,
      lastFailure: optionalFromB64(failureNs.Failure, act.lastFailure),
    },
  };
  if (started) {
    if (exec.wftStarted) {
      engine.deliver(exec, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, startedAttrs);
      startedEventId = -1;
    } else {
      startedEventId = engine.append(exec, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, startedAttrs).eventId as number;
    }
  }
  engine.deliver(exec, eventType, { [key]: { ...attrs, scheduledEventId: act.scheduledEventId, startedEventId } });
}

/** Resolves an activity from a task token; stale attempts, closed runs and unknown ids are NOT_FOUND. */
export function activityByToken(engine: Engine, tokenBytes: Uint8Array | null | undefined): { exec: Execution; act: ActivityRecord } {
  const token = decodeToken(tokenBytes, 'act');
  engine.requireNamespace(token.ns);
  const exec = engine.lookupRun(`${encodeURIComponent(token.ns)}/${encodeURIComponent(token.wf)}/${encodeURIComponent(token.run)}`);
  if (!exec || !exec.isOpen) throw notFound('workflow execution already completed');
  const act = exec.rec.activities[String(token.sched)];
  if (!act || act.attempt !== token.attempt || act.state !== 'started') throw notFound('activity task not found');
  return { exec, act };
}

/** Resolves an activity by workflow id / run id / activity id (async completion by id). */
export function activityById(
  engine: Engine,
  namespace: string,
  workflowId: string | null | undefined,
  runId: string | null | undefined,
  activityId: string | null | undefined,
): { exec: Execution; act: ActivityRecord } {
  if (!activityId) throw invalidArgument('activity_id is not set');
  const exec = engine.findRun(namespace, workflowId, runId);
  if (!exec.isOpen) throw notFound('workflow execution already completed');
  const act = Object.values(exec.rec.activities).find((a) => a.activityId === activityId);
  if (!act) throw notFound(`cannot find pending activity with ActivityID ${activityId}, check workflow execution history for more details`);
  return { exec, act };
}

export function completeActivity(engine: Engine, exec: Execution, act: ActivityRecord, result: Payloads | null | undefined, identity: string): void {
  if (act.state !== 'started') act.startedIdentity = identity;
  if (act.state !== 'started') act.state = 'started';
  closeActivity(engine, exec, act, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, { result: result ?? undefined, identity }, 'activityTaskCompletedEventAttributes');
}

export function cancelActivityDone(engine: Engine, exec: Execution, act: ActivityRecord, details: Payloads | null | undefined, identity: string): void {
  if (act.state !== 'started') {
    act.state = 'started';
    act.startedIdentity = identity;
  }
  closeActivity(
    engine,
    exec,
    act,
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
    { details: details ?? undefined, latestCancelRequestedEventId: act.cancelRequestedEventId, identity },
    'activityTaskCanceledEventAttributes',
  );
}

/**
 * An attempt failed (worker failure or start-to-close / heartbeat timeout): retry silently after the
 * backoff, or write the terminal Failed / TimedOut event.
 */
export function failActivityAttempt(
  engine: Engine,
  exec: Execution,
  act: ActivityRecord,
  failure: Failure,
  heartbeatDetails: Payloads | null | undefined,
  identity: string,
): void {
  engine.touch(exec);
  if (heartbeatDetails && (heartbeatDetails.payloads?.length ?? 0) > 0) act.heartbeatDetails = toB64(common.Payloads, heartbeatDetails);
  const now = engine.clock.now();
  const decision = decideRetry(act.retryPolicy, act.attempt, failure, act.scheduleToCloseDeadline, now);
  if (decision.retry) {
    act.state = 'backoff';
    act.attempt += 1;
    // The failure the next attempt sees as its last failure; like the real server, a timeout's copy
    // does not repeat the heartbeat details (the next attempt gets those on their own).
    const last = failure.timeoutFailureInfo?.lastHeartbeatDetails
      ? { ...failure, timeoutFailureInfo: { ...failure.timeoutFailureInfo, lastHeartbeatDetails: undefined } }
      : failure;
    act.lastFailure = toB64(failureNs.Failure, last);
    act.backoffUntil = now + decision.delayMs;
    act.startToCloseDeadline = 0;
    act.heartbeatDeadline = 0;
    act.startedTime = 0;
    return;
  }
  if (failure.timeoutFailureInfo) {
    closeActivity(engine, exec, act, EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, { failure, retryState: decision.retryState }, 'activityTaskTimedOutEventAttributes');
  } else {
    closeActivity(
      engine,
      exec,
      act,
      EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
      { failure, retryState: decision.retryState, identity },
      'activityTaskFailedEventAttributes',
    );
  }
}

export function recordHeartbeat(engine: Engine, exec: Execution, act: ActivityRecord, details: Payloads | null | undefined): boolean {
  engine.touch(exec);
  const now = engine.clock.now();
  if (details) act.heartbeatDetails = toB64(common.Payloads, details);
  act.lastHeartbeatTime = now;
  if (act.heartbeatMs > 0 && act.state === 'started') act.heartbeatDeadline = now + act.heartbeatMs;
  return act.cancelRequested;
}

function timeoutFailure(act: ActivityRecord, timeoutType: number): Failure {
  const names: Record<number, string> = {
    [TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE]: 'StartToClose',
    [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START]: 'ScheduleToStart',
    [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE]: 'ScheduleToClose',
    [TimeoutType.TIMEOUT_TYPE_HEARTBEAT]: 'Heartbeat',
  };
  return {
    message: `activity ${names[timeoutType]} timeout`,
    source: 'Server',
    timeoutFailureInfo: {
      timeoutType,
      lastHeartbeatDetails: act.heartbeatDetails ? fromB64(common.Payloads, act.heartbeatDetails) : undefined,
    },
  };
}

/** The details the real server gives the ActivityTaskCanceled of an activity that never started. */
const ACTIVITY_NOT_STARTED = 'ACTIVITY_ID_NOT_STARTED';

function jsonPayload(value: unknown): temporal.api.common.v1.IPayload {
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) };
}

/** Applies a RequestCancelActivityTask command. */
export function requestCancelActivity(ctx: CommandContext, scheduledEventId: number): void {
  const { engine, exec } = ctx;
  const event = engine.append(exec, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, {
    activityTaskCancelRequestedEventAttributes: { scheduledEventId, workflowTaskCompletedEventId: ctx.wftCompletedEventId },
  });
  const act = exec.rec.activities[String(scheduledEventId)];
  if (!act) return;
  act.cancelRequested = true;
  act.cancelRequestedEventId = event.eventId as number;
  if (act.state !== 'started') {
    // Like the real server (1.29): a queued or backing-off activity is cancelled at once, but its
    // ActivityTaskCanceled is an event the workflow reacts to, so it is buffered behind the
    // completion's command events. A completion that also closes the run drops it with the rest of
    // the buffer; otherwise it is flushed after the commands and wakes the workflow.
    delete exec.rec.activities[String(scheduledEventId)];
    engine.deliver(exec, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED, {
      activityTaskCanceledEventAttributes: {
        scheduledEventId,
        startedEventId: 0,
        latestCancelRequestedEventId: act.cancelRequestedEventId,
        details: { payloads: [jsonPayload(ACTIVITY_NOT_STARTED)] },
        identity: ctx.identity,
      },
    });
    ctx.activityNotStartedCancelled = true;
  }
}

/** When several deadlines expire together, the schedule-to-close one (the overall bound) is the one reported. */
function scheduleToCloseReached(engine: Engine, act: ActivityRecord): boolean {
  return act.scheduleToCloseDeadline > 0 && engine.clock.now() >= act.scheduleToCloseDeadline;
}

type ActivityDeadline = 'scheduleToStart' | 'startToClose' | 'heartbeat' | 'scheduleToClose' | 'retry';

/** Fires one activity deadline, re-checking that it still applies. */
export function onActivityDeadline(engine: Engine, exec: Execution, scheduledEventId: number, which: ActivityDeadline, at: number): void {
  const act = exec.rec.activities[String(scheduledEventId)];
  if (!exec.isOpen || !act) return;
  engine.touch(exec);
  switch (which) {
    case 'retry':
      if (act.state !== 'backoff' || act.backoffUntil !== at) return;
      act.state = 'queued';
      act.backoffUntil = 0;
      act.currentAttemptScheduledTime = engine.clock.now();
      act.scheduleToStartDeadline = act.scheduleToStartMs > 0 ? engine.clock.now() + act.scheduleToStartMs : 0;
      queueActivity(engine, exec, act);
      return;
    // Schedule-to-start and schedule-to-close timeouts are never retried; like the real server, the
    // timed-out event says NON_RETRYABLE_FAILURE (retry state TIMEOUT is for a retry past the deadline).
    case 'scheduleToStart':
      if (act.state !== 'queued' || act.scheduleToStartDeadline !== at) return;
      closeActivity(
        engine,
        exec,
        act,
        EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
        { failure: timeoutFailure(act, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START), retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE },
        'activityTaskTimedOutEventAttributes',
      );
      return;
    case 'scheduleToClose':
      if (act.scheduleToCloseDeadline !== at) return;
      closeActivity(
        engine,
        exec,
        act,
        EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
        { failure: timeoutFailure(act, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE), retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE },
        'activityTaskTimedOutEventAttributes',
      );
      return;
    case 'startToClose':
      if (act.state !== 'started' || act.startToCloseDeadline !== at) return;
      if (scheduleToCloseReached(engine, act)) return onActivityDeadline(engine, exec, scheduledEventId, 'scheduleToClose', act.scheduleToCloseDeadline);
      failActivityAttempt(engine, exec, act, timeoutFailure(act, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE), null, act.startedIdentity);
      return;
    case 'heartbeat':
      if (act.state !== 'started' || act.heartbeatDeadline !== at) return;
      if (scheduleToCloseReached(engine, act)) return onActivityDeadline(engine, exec, scheduledEventId, 'scheduleToClose', act.scheduleToCloseDeadline);
      failActivityAttempt(engine, exec, act, timeoutFailure(act, TimeoutType.TIMEOUT_TYPE_HEARTBEAT), null, act.startedIdentity);
      return;
  }
}

/** The deadlines an activity record asks for, by name. */
export function activityDeadlines(act: ActivityRecord): Array<[ActivityDeadline, number]> {
  const out: Array<[ActivityDeadline, number]> = [];
  if (act.state === 'backoff' && act.backoffUntil > 0) out.push(['retry', act.backoffUntil]);
  if (act.state === 'queued' && act.scheduleToStartDeadline > 0) out.push(['scheduleToStart', act.scheduleToStartDeadline]);
  if (act.state === 'started' && act.startToCloseDeadline > 0) out.push(['startToClose', act.startToCloseDeadline]);
  if (act.state === 'started' && act.heartbeatDeadline > 0) out.push(['heartbeat', act.heartbeatDeadline]);
  if (act.scheduleToCloseDeadline > 0) out.push(['scheduleToClose', act.scheduleToCloseDeadline]);
  return out;
}
