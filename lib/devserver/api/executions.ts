/**
 * WorkflowService handlers that act on executions from the client side: start, signal,
 * signal-with-start, cancel, terminate, describe and history (paged, long-polled, CLOSE_EVENT filter).
 */
import type { temporal } from '@temporalio/proto';
import { fromB64, msToDuration, msToTimestamp, optionalFromB64 } from '../codec';
import { alreadyCompleted, invalidArgument, notFound, requireString } from '../errors';
import { common, failure as failureNs, enums } from '../proto';
import type { Engine } from '../engine/engine';
import type { Execution } from '../engine/execution';
import { requestCancelRun, terminateRun } from '../engine/lifecycle';
import { startWorkflow } from '../engine/start';
import { dispatchEagerWorkflowTask } from '../engine/wft';
import { displaySearchAttributes } from '../engine/search-attributes';
import { EventType } from '../proto';
import type { CallContext, WorkflowServiceHandlers } from '../transport';


/** History long polls are held at most this long, like the real server (~20 s). */
const HISTORY_LONG_POLL_MS = 20_000;

function remaining(ctx: CallContext, cap: number): number {
  return Math.min(cap, ctx.deadline - Date.now() - 1_000);
}

function checkFirstRun(exec: Execution, firstRunId: string | null | undefined): void {
  if (firstRunId && exec.rec.firstRunId !== firstRunId) throw notFound('workflow execution not found');
}

function encodePageToken(next: number): Uint8Array {
  return Buffer.from(JSON.stringify({ next }), 'utf8');
}

function decodePageToken(bytes: Uint8Array | null | undefined): number {
  if (!bytes || bytes.length === 0) return 1;
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { next?: unknown };
    if (typeof parsed.next === 'number' && Number.isInteger(parsed.next) && parsed.next >= 1) return parsed.next;
  } catch {
    // fall through to the error below
  }
  throw invalidArgument('next_page_token is malformed');
}

export function executionHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async startWorkflowExecution(req) {
      const ns = engine.requireNamespace(req.namespace);
      const out = engine.transact(() => {
        const start = startWorkflow(engine, ns.name, req);
        // Same transaction: the first task must not reach a poller as well.
        const eager = req.requestEagerExecution && start.started ? dispatchEagerWorkflowTask(engine, start.exec, req.identity ?? '') : undefined;
        return { ...start, eager };
      });
      return { runId: out.exec.rec.runId, started: out.started, status: out.exec.rec.status, eagerWorkflowTask: out.eager };
    },

    async signalWorkflowExecution(req) {
      const ns = engine.requireNamespace(req.namespace);
      requireString(req.signalName, 'signal_name');
      const exec = engine.findRun(ns.name, req.workflowExecution?.workflowId, req.workflowExecution?.runId);
      if (!exec.isOpen) throw alreadyCompleted();
      engine.transact(() => {
        if (req.requestId && exec.rec.signalRequestIds.includes(req.requestId)) return;
        engine.touch(exec);
        if (req.requestId) exec.rec.signalRequestIds = [...exec.rec.signalRequestIds.slice(-99), req.requestId];
        engine.deliver(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
          workflowExecutionSignaledEventAttributes: {
            signalName: req.signalName,
            input: req.input ?? undefined,
            identity: req.identity ?? '',
            header: req.header ?? undefined,
          },
        });
      });
      return {};
    },

    async signalWithStartWorkflowExecution(req) {
      const ns = engine.requireNamespace(req.namespace);
      requireString(req.signalName, 'signal_name');
      const signal = { signalName: req.signalName as string, input: req.signalInput, header: req.header, identity: req.identity ?? '' };
      const out = engine.transact(() => {
        const currentId = engine.currentRunId(ns.name, requireString(req.workflowId, 'workflow_id'));
        const current = currentId ? engine.findRun(ns.name, req.workflowId, currentId) : undefined;
        if (current?.isOpen) {
          if (!current.rec.wft && current.rec.firstTaskAt > engine.clock.now()) {
            // The real server skips a pending start delay for SignalWithStart (not for a plain signal):
            // the first workflow task becomes available now. The backoff deadline then finds nothing to do.
            engine.touch(current);
            current.rec.firstTaskAt = 0;
          }
          engine.deliver(current, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
            workflowExecutionSignaledEventAttributes: {
              signalName: signal.signalName,
              input: signal.input ?? undefined,
              identity: signal.identity,
              header: signal.header ?? undefined,
            },
          });
          return { exec: current, started: false };
        }
        return startWorkflow(engine, ns.name, { ...req, requestId: req.requestId }, signal);
      });
      return { runId: out.exec.rec.runId, started: out.started };
    },

    async requestCancelWorkflowExecution(req) {
      const ns = engine.requireNamespace(req.namespace);
      const exec = engine.findRun(ns.name, req.workflowExecution?.workflowId, req.workflowExecution?.runId);
      checkFirstRun(exec, req.firstExecutionRunId);
      // Like the real server: asking to cancel a run that already closed succeeds and does nothing.
      if (!exec.isOpen) return {};
      engine.transact(() => requestCancelRun(engine, exec, req.reason ?? '', req.identity ?? ''));
      return {};
    },

    async terminateWorkflowExecution(req) {
      const ns = engine.requireNamespace(req.namespace);
      const exec = engine.findRun(ns.name, req.workflowExecution?.workflowId, req.workflowExecution?.runId);
      checkFirstRun(exec, req.firstExecutionRunId);
      if (!exec.isOpen) throw alreadyCompleted();
      engine.transact(() => terminateRun(engine, exec, req.reason ?? '', req.details, req.identity ?? ''));
      return {};
    },

    async describeWorkflowExecution(req) {
      const ns = engine.requireNamespace(req.namespace);
      const exec = engine.findRun(ns.name, req.execution?.workflowId, req.execution?.runId);
      return describe(engine, exec);
    },

    async getWorkflowExecutionHistory(req, ctx) {
      const ns = engine.requireNamespace(req.namespace);
      const exec = engine.findRun(ns.name, req.execution?.workflowId, req.execution?.runId);
      const closeOnly = req.historyEventFilterType === enums.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
      const from = decodePageToken(req.nextPageToken);
      const budgetEnd = Date.now() + remaining(ctx, HISTORY_LONG_POLL_MS);
      for (;;) {
        if (closeOnly) {
          if (!exec.isOpen) return { history: { events: [exec.events[exec.rec.closeEventId - 1]] } };
        } else if (!req.waitNewEvent || !exec.isOpen || exec.events.length >= from) {
          const pageSize = req.maximumPageSize && req.maximumPageSize > 0 ? req.maximumPageSize : Number.MAX_SAFE_INTEGER;
          const events = exec.events.slice(from - 1, from - 1 + pageSize);
          const next = from + events.length;
          const more = next <= exec.events.length || (req.waitNewEvent && exec.isOpen);
          return { history: { events }, nextPageToken: more ? encodePageToken(next) : undefined };
        }
        if (!req.waitNewEvent) return { history: { events: [] } };
        const wait = budgetEnd - Date.now();
        if (wait <= 0 || ctx.cancelled || engine.isStopped) {
          return { history: { events: [] }, nextPageToken: encodePageToken(from) };
        }
        await engine.waitForChange(exec.key, ctx, wait);
      }
    },

    async getWorkflowExecutionHistoryReverse(req) {
      const ns = engine.requireNamespace(req.namespace);
      const exec = engine.findRun(ns.name, req.execution?.workflowId, req.execution?.runId);
      return { history: { events: [...exec.events].reverse() } };
    },
  };
}

/** DescribeWorkflowExecution response for a run. */
export function describe(engine: Engine, exec: Execution): object {
  const rec = exec.rec;
  const pendingActivities = Object.values(rec.activities).map((a) => ({
    activityId: a.activityId,
    activityType: { name: a.activityType },
    state:
      a.cancelRequested
        ? enums.PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
        : a.state === 'started'
          ? enums.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
          : enums.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
    heartbeatDetails: optionalFromB64(common.Payloads, a.heartbeatDetails),
    lastHeartbeatTime: a.lastHeartbeatTime ? msToTimestamp(a.lastHeartbeatTime) : undefined,
    lastStartedTime: a.startedTime ? msToTimestamp(a.startedTime) : undefined,
    attempt: a.attempt,
    maximumAttempts: a.retryPolicy.maximumAttempts,
    scheduledTime: msToTimestamp(a.currentAttemptScheduledTime),
    expirationTime: a.scheduleToCloseDeadline ? msToTimestamp(a.scheduleToCloseDeadline) : undefined,
    lastFailure: optionalFromB64(failureNs.Failure, a.lastFailure),
    lastWorkerIdentity: a.startedIdentity,
  }));
  const pendingChildren = Object.values(rec.children).map((c) => ({
    workflowId: c.workflowId,
    runId: c.runId,
    workflowTypeName: c.workflowType,
    initiatedId: c.initiatedEventId,
    parentClosePolicy: c.parentClosePolicy,
  }));
  const wft = rec.wft;
  return {
    executionConfig: {
      taskQueue: { name: rec.taskQueue, kind: 1 },
      workflowExecutionTimeout: msToDuration(rec.executionTimeoutMs),
      workflowRunTimeout: msToDuration(rec.runTimeoutMs),
      defaultWorkflowTaskTimeout: msToDuration(rec.workflowTaskTimeoutMs),
      userMetadata: exec.event(1)?.userMetadata ?? undefined,
    },
    workflowExecutionInfo: {
      execution: { workflowId: rec.workflowId, runId: rec.runId },
      type: { name: rec.workflowType },
      startTime: msToTimestamp(rec.startTime),
      closeTime: rec.closeTime ? msToTimestamp(rec.closeTime) : undefined,
      status: rec.status,
      historyLength: exec.historyLength,
      parentNamespaceId: rec.parent ? (engine.namespaces.get(rec.parent.namespace)?.id ?? '') : '',
      parentExecution: rec.parent ? { workflowId: rec.parent.workflowId, runId: rec.parent.runId } : undefined,
      rootExecution: rec.root ?? { workflowId: rec.workflowId, runId: rec.runId },
      executionTime: msToTimestamp(rec.executionTime),
      memo: rec.memo ? fromB64(common.Memo, rec.memo) : { fields: {} },
      searchAttributes: displaySearchAttributes(engine, exec),
      taskQueue: rec.taskQueue,
      historySizeBytes: 0,
      firstRunId: rec.firstRunId,
      executionDuration: rec.closeTime ? msToDuration(rec.closeTime - rec.executionTime) : undefined,
      priority: exec.startedAttributes.priority ?? undefined,
    },
    pendingActivities,
    pendingChildren,
    pendingWorkflowTask: wft
      ? {
          state: wft.startedEventId > 0 ? 2 : 1,
          scheduledTime: msToTimestamp(wft.scheduledTime),
          startedTime: wft.startedTime ? msToTimestamp(wft.startedTime) : undefined,
          attempt: wft.attempt,
        }
      : undefined,
    workflowExtendedInfo: {
      executionExpirationTime: rec.executionDeadline ? msToTimestamp(rec.executionDeadline) : undefined,
      runExpirationTime: rec.runDeadline ? msToTimestamp(rec.runDeadline) : undefined,
      cancelRequested: rec.cancelRequested,
    },
    callbacks: [],
    pendingNexusOperations: [],
  };
}
