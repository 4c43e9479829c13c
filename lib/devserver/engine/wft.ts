/**
 * The workflow-task state machine (spec §3): dispatch (WorkflowTaskStarted, full or sticky-partial
 * history, attached queries and update messages), completion (commands and protocol messages in
 * order, buffered events flushed, next task scheduled, UnhandledCommand), failure, timeouts with
 * attempts, and the sticky-queue fallback.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Loose } from '../proto';
import { durationToMs, fromB64, msToTimestamp, toB64 } from '../codec';
import { invalidArgument, notFound } from '../errors';
import { queueKey, type TaskRef } from '../matching';
import { decodeToken, encodeToken } from '../tokens';
import { EventType, WftFailedCause, CommandType, history, type HistoryEvent, type ProtocolMessage } from '../proto';
import { applyCommand, isClosingCommand } from '../commands';
import { BadCommandError, type CommandContext } from '../commands/context';
import type { Engine } from './engine';
import type { Execution } from './execution';
import { attachQueries, dispatchQueryTask, resolveQueryResults, routeQueriesAfterTask } from './queries';
import { recordWorkerBuildId } from './search-attributes';
import { applyUpdateMessage, hasAdmittedUpdates, hasUndeliveredUpdates, updateMessages } from './updates';

type PollRequest = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueRequest;
type PollResponse = Loose<temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse>;
type CompleteRequest = temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest;
type FailRequest = temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest;

const DEFAULT_STICKY_SCHEDULE_TO_START_MS = 10_000;

/** Starts a scheduled workflow task for a poller, or returns null when the task reference is stale. */
export function dispatchWorkflowTask(engine: Engine, task: TaskRef, poll: PollRequest): PollResponse | null {
  if (task.kind === 'queryTask') return dispatchQueryTask(engine, task);
  if (task.kind !== 'workflowTask') return null;
  const exec = engine.lookupRun(task.runKey);
  if (!exec || !exec.isOpen) return null;
  const wft = exec.rec.wft;
  if (!wft || wft.startedEventId > 0 || wft.scheduledEventId !== task.scheduledEventId || wft.attempt !== task.attempt) return null;
  if ((poll.taskQueue?.name ?? '') !== wft.queue) return null;
  return engine.transact(() => {
    const now = engine.clock.now();
    const startedAttributes = {
      workflowTaskStartedEventAttributes: {
        scheduledEventId: wft.scheduledEventId,
        identity: poll.identity ?? '',
        requestId: randomUUID(),
      },
    };
    engine.touch(exec);
    const w = exec.rec.wft!;
    let virtualEvents: HistoryEvent[] = [];
    if (w.virtual) {
      // A transient or speculative task: the worker gets its Scheduled and Started events at the end
      // of the history, but they are written only if the task completes (or anything else happens).
      const started: HistoryEvent = {
        eventId: w.scheduledEventId + 1,
        eventTime: msToTimestamp(now),
        eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        ...startedAttributes,
      };
      w.virtualStarted = toB64(history.HistoryEvent, started);
      w.startedEventId = started.eventId as number;
      virtualEvents = [fromB64(history.HistoryEvent, w.virtualScheduled as string) as HistoryEvent, started];
    } else {
      w.startedEventId = engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, startedAttributes).eventId as number;
    }
    w.startedTime = now;
    w.scheduleToStartDeadline = 0;
    w.startToCloseDeadline = now + exec.rec.workflowTaskTimeoutMs;
    w.identity = poll.identity ?? '';
    const rec = exec.rec;
    const from = w.sticky ? rec.lastCompletedWftStartedId : 0;
    const messages = updateMessages(exec, w.startedEventId);
    return {
      taskToken: encodeToken({ v: 1, k: 'wft', ns: rec.namespace, wf: rec.workflowId, run: rec.runId, sched: w.scheduledEventId, attempt: w.attempt }),
      workflowExecution: { workflowId: rec.workflowId, runId: rec.runId },
      workflowType: { name: rec.workflowType },
      previousStartedEventId: rec.lastCompletedWftStartedId,
      startedEventId: w.startedEventId,
      attempt: w.attempt,
      backlogCountHint: 0,
      history: { events: virtualEvents.length > 0 ? [...exec.events.slice(from), ...virtualEvents] : exec.events.slice(from) },
      workflowExecutionTaskQueue: { name: rec.taskQueue, kind: 1 },
      scheduledTime: msToTimestamp(w.scheduledTime),
      startedTime: msToTimestamp(now),
      queries: attachQueries(exec),
      messages: messages.length > 0 ? messages : undefined,
    };
  });
}

/**
 * Eager workflow start: hands a newly started run's first workflow task to the starter (whose
 * worker, on the same connection, runs it) instead of leaving it for a poller, as the real server
 * does for `request_eager_execution`. Nothing when there is no first task to give yet (a start
 * delay or cron backoff) or it was taken already.
 */
export function dispatchEagerWorkflowTask(engine: Engine, exec: Execution, identity: string): PollResponse | undefined {
  const wft = exec.rec.wft;
  // dispatchWorkflowTask checks the rest (an open run, a task not started yet).
  if (!wft || wft.attempt !== 1 || wft.sticky) return undefined;
  const task: TaskRef = { kind: 'workflowTask', runKey: exec.key, scheduledEventId: wft.scheduledEventId, attempt: wft.attempt };
  // Called inside the start's transaction: the task is queued for pollers only at commit, and only
  // if it is still unstarted then (Engine.queueWorkflowTask), so no poller gets it as well.
  return dispatchWorkflowTask(engine, task, { taskQueue: { name: wft.queue }, identity }) ?? undefined;
}

/** Resolves the run and the in-flight task a workflow task token names; stale → NOT_FOUND. */
function runOfToken(engine: Engine, bytes: Uint8Array | null | undefined, closedMessage = 'Workflow task not found.'): Execution {
  const token = decodeToken(bytes, 'wft');
  engine.requireNamespace(token.ns);
  const exec = engine.lookupRun(`${encodeURIComponent(token.ns)}/${encodeURIComponent(token.wf)}/${encodeURIComponent(token.run)}`);
  // The real server's wording: a completion for a closed run is "not found", a failure "already completed".
  if (!exec || !exec.isOpen) throw notFound(closedMessage);
  const wft = exec.rec.wft;
  if (!wft || wft.startedEventId === 0 || wft.scheduledEventId !== token.sched || wft.attempt !== token.attempt) {
    throw notFound('Workflow task not found.');
  }
  return exec;
}

/** Closes the in-flight task as failed/timed out and schedules the retry (attempt + 1) on the normal queue. */
function retryWorkflowTask(engine: Engine, exec: Execution, nextAttempt: number): void {
  exec.rec.wft = null;
  exec.rec.stickyQueue = '';
  engine.flushBuffered(exec);
  engine.scheduleWorkflowTask(exec, nextAttempt);
  routeQueriesAfterTask(engine, exec);
}

function withCausePrefix(cause: number, message: string): string {
  const name = ((WftFailedCause as unknown as Record<number, string>)[cause] ?? '')
    .replace('WORKFLOW_TASK_FAILED_CAUSE_', '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
  return name && !message.startsWith(`${name}: `) ? `${name}: ${message}` : message;
}

export type CompletionResult =
  | { kind: 'ok' }
  | { kind: 'discarded'; resetHistoryEventId: number }
  | { kind: 'unhandledCommand' }
  | { kind: 'badCommand'; message: string };

/**
 * Applies a RespondWorkflowTaskCompleted. Returns the response: `resetHistoryEventId` is set when the
 * server discarded the (speculative) task, so the worker rolls its state back to that started event.
 */
export function completeWorkflowTask(engine: Engine, req: CompleteRequest): { resetHistoryEventId?: number } {
  const exec = runOfToken(engine, req.taskToken);
  const commands = req.commands ?? [];
  for (const [i, c] of commands.entries()) {
    if (!c.commandType) throw invalidArgument(`commands[${i}].command_type is not set`);
  }
  let result: CompletionResult;
  try {
    result = engine.transact(() => applyCompletion(engine, exec, req));
  } catch (err) {
    if (!(err instanceof BadCommandError)) throw err;
    // Like the real server, the message starts with the cause, e.g. "BadScheduleActivityAttributes: ...".
    const message = withCausePrefix(err.failureCause, err.message);
    engine.transact(() => failWorkflowTaskWith(engine, exec, err.failureCause, { message }, req.identity ?? ''));
    throw invalidArgument(message);
  }
  if (result.kind === 'unhandledCommand') throw invalidArgument('UnhandledCommand');
  return result.kind === 'discarded' ? { resetHistoryEventId: result.resetHistoryEventId } : {};
}

/** True for a completion that only rejects updates (no commands, nothing else to record). */
function onlyRejectsUpdates(req: CompleteRequest): boolean {
  const messages = req.messages ?? [];
  if ((req.commands ?? []).length > 0 || req.forceCreateNewWorkflowTask || messages.length === 0) return false;
  return messages.every((m) => String((m.body as { type_url?: string } | null | undefined)?.type_url ?? '').endsWith('/temporal.api.update.v1.Rejection'));
}

/** Records the sticky queue a completion asks for (or clears stickiness). */
function applyStickyAttributes(exec: Execution, req: CompleteRequest): void {
  const sticky = req.stickyAttributes?.workerTaskQueue?.name;
  if (sticky) {
    exec.rec.stickyQueue = sticky;
    exec.rec.stickyScheduleToStartMs =
      durationToMs(req.stickyAttributes?.scheduleToStartTimeout, 'sticky_attributes.schedule_to_start_timeout') ||
      DEFAULT_STICKY_SCHEDULE_TO_START_MS;
  } else {
    exec.rec.stickyQueue = '';
  }
}

function applyCompletion(engine: Engine, exec: Execution, req: CompleteRequest): CompletionResult {
  const wft = exec.rec.wft!;
  const commands = req.commands ?? [];
  if (wft.virtual === 'speculative' && exec.rec.buffered.length === 0 && onlyRejectsUpdates(req)) {
    // Like the real server: a speculative task whose updates were all rejected leaves no events.
    for (const m of req.messages ?? []) applyUpdateMessage(engine, exec, m);
    resolveQueryResults(exec, req.queryResults);
    applyStickyAttributes(exec, req);
    exec.rec.wft = null;
    if (hasAdmittedUpdates(exec)) engine.ensureWorkflowTask(exec, true);
    routeQueriesAfterTask(engine, exec);
    return { kind: 'discarded', resetHistoryEventId: exec.rec.lastCompletedWftStartedId };
  }
  engine.materializeWorkflowTask(exec);
  const closing = commands.some((c) => isClosingCommand(c.commandType ?? 0));
  if (closing && (exec.rec.buffered.length > 0 || hasUndeliveredUpdates(exec, wft.startedEventId))) {
    engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
      workflowTaskFailedEventAttributes: {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        cause: WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
        identity: req.identity ?? '',
        failure: { message: 'UnhandledCommand' },
      },
    });
    exec.rec.wft = null;
    exec.rec.stickyQueue = '';
    engine.flushBuffered(exec);
    engine.scheduleWorkflowTask(exec, 1);
    routeQueriesAfterTask(engine, exec);
    return { kind: 'unhandledCommand' };
  }
  const completed = engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, {
    workflowTaskCompletedEventAttributes: {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      identity: req.identity ?? '',
      binaryChecksum: req.binaryChecksum ?? '',
      sdkMetadata: req.sdkMetadata ?? undefined,
      meteringMetadata: req.meteringMetadata ?? undefined,
      workerVersion: req.workerVersionStamp ?? undefined,
    },
  });
  const rec = exec.rec;
  rec.lastCompletedWftStartedId = wft.startedEventId;
  // A worker told that build-id versioning is off sends its build id as the binary checksum; it is
  // the same build id the real server (which advertises versioning) receives in the version stamp.
  recordWorkerBuildId(engine, exec, req.workerVersionStamp ?? (req.binaryChecksum ? { buildId: req.binaryChecksum, useVersioning: false } : undefined));
  applyStickyAttributes(exec, req);
  const ctx: CommandContext = {
    engine,
    exec,
    wftCompletedEventId: completed.eventId as number,
    identity: req.identity ?? '',
    now: engine.clock.now(),
    deferred: [],
    closed: false,
  };
  const messages = new Map<string, ProtocolMessage>();
  for (const m of req.messages ?? []) messages.set(m.id ?? '', m);
  for (const command of req.commands ?? []) {
    if (ctx.closed) break;
    if (command.commandType === CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE) {
      const id = command.protocolMessageCommandAttributes?.messageId ?? '';
      const m = messages.get(id);
      if (m) {
        messages.delete(id);
        applyUpdateMessage(engine, exec, m);
      }
      continue;
    }
    applyCommand(ctx, command);
  }
  if (!ctx.closed) for (const m of messages.values()) applyUpdateMessage(engine, exec, m);
  resolveQueryResults(exec, req.queryResults);
  if (ctx.closed) {
    // Events this completion buffered for the workflow (an unstarted activity's cancellation) are
    // dropped with the run, as on the real server: nothing may follow the close event.
    rec.buffered = [];
    routeQueriesAfterTask(engine, exec);
    return { kind: 'ok' };
  }
  rec.wft = null;
  const flushed = engine.flushBuffered(exec);
  if (flushed > 0 || req.forceCreateNewWorkflowTask || ctx.activityNotStartedCancelled || hasAdmittedUpdates(exec)) {
    engine.ensureWorkflowTask(exec);
  }
  for (const action of ctx.deferred) action();
  routeQueriesAfterTask(engine, exec);
  return { kind: 'ok' };
}

function failWorkflowTaskWith(engine: Engine, exec: Execution, cause: number, failure: temporal.api.failure.v1.IFailure | null | undefined, identity: string): void {
  const wft = exec.rec.wft!;
  // A transient retry that fails again leaves no events (the real server keeps only the first failure).
  if (wft.virtual !== 'transient') {
    engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
      workflowTaskFailedEventAttributes: {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        cause,
        failure: failure ?? undefined,
        identity,
      },
    });
  }
  retryWorkflowTask(engine, exec, wft.attempt + 1);
}

export function failWorkflowTask(engine: Engine, req: FailRequest): void {
  const exec = runOfToken(engine, req.taskToken, 'workflow execution already completed');
  engine.transact(() => {
    failWorkflowTaskWith(
      engine,
      exec,
      req.cause || WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
      req.failure,
      req.identity ?? '',
    );
  });
}

/** Start-to-close expiry of a running workflow task: WorkflowTaskTimedOut and a retry. */
export function onWorkflowTaskStartToClose(engine: Engine, exec: Execution, at: number): void {
  const wft = exec.rec.wft;
  if (!exec.isOpen || !wft || wft.startedEventId === 0 || wft.startToCloseDeadline !== at) return;
  engine.touch(exec);
  if (wft.virtual !== 'transient') {
    engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
      workflowTaskTimedOutEventAttributes: {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        timeoutType: 1,
      },
    });
  }
  retryWorkflowTask(engine, exec, wft.attempt + 1);
}

/**
 * A sticky task nobody picked up in time (or whose sticky worker shut down) moves to the normal queue.
 * Nothing is written: the scheduled event stays valid and the normal-queue poller gets full history.
 */
export function moveToNormalQueue(engine: Engine, exec: Execution): void {
  const wft = exec.rec.wft;
  engine.touch(exec);
  exec.rec.stickyQueue = '';
  if (!wft || wft.startedEventId > 0 || !wft.sticky) return;
  wft.sticky = false;
  wft.queue = exec.rec.taskQueue;
  wft.scheduleToStartDeadline = 0;
  engine.queueWorkflowTask(exec);
}

export function onWorkflowTaskScheduleToStart(engine: Engine, exec: Execution, at: number): void {
  const wft = exec.rec.wft;
  if (!exec.isOpen || !wft || wft.startedEventId > 0 || wft.scheduleToStartDeadline !== at) return;
  moveToNormalQueue(engine, exec);
}

/**
 * ShutdownWorker: retire the sticky queue. Its pending tasks move to the normal queue; runs that are
 * merely sticky to it keep the name, and their next task is recorded as sticky but dispatched on the
 * normal queue (see Engine.scheduleWorkflowTask), as on the real server.
 */
export function retireStickyQueue(engine: Engine, namespace: string, stickyQueue: string): void {
  if (!stickyQueue) return;
  const key = queueKey(namespace, 'workflow', stickyQueue);
  engine.retiredStickyQueues.add(key);
  engine.transact(() => {
    for (const exec of engine.executions.values()) {
      if (exec.rec.namespace !== namespace || exec.rec.stickyQueue !== stickyQueue || !exec.isOpen) continue;
      const wft = exec.rec.wft;
      if (wft && wft.startedEventId === 0 && wft.sticky) moveToNormalQueue(engine, exec);
    }
  });
  engine.workflowQueues.take(key, () => true);
}
