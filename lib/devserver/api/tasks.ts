/**
 * WorkflowService handlers the worker side calls: long polls, workflow/query/activity task responses
 * (by token and by id), heartbeats and ShutdownWorker.
 */
import type { temporal } from '@temporalio/proto';
import { invalidArgument, notFound, requireString } from '../errors';
import { queueKey } from '../matching';
import { decodeToken } from '../tokens';
import {
  activityById,
  activityByToken,
  cancelActivityDone,
  completeActivity,
  failActivityAttempt,
  recordHeartbeat,
} from '../engine/activities';
import type { Engine } from '../engine/engine';
import { answerLegacyQuery } from '../engine/queries';
import { completeWorkflowTask, failWorkflowTask, retireStickyQueue } from '../engine/wft';
import type { CallContext, WorkflowServiceHandlers } from '../transport';


/** Like the real server, a long poll must carry a deadline (every SDK sets one). */
function requireDeadline(ctx: CallContext): void {
  if (ctx.deadline === Infinity) throw invalidArgument('Context timeout is not set.');
}

/** RespondActivityTaskFailed(ById) must carry an application failure, as on the real server. */
function requireApplicationFailure(failure: temporal.api.failure.v1.IFailure | null | undefined): temporal.api.failure.v1.IFailure {
  if (!failure?.applicationFailureInfo) throw invalidArgument('Failure must have ApplicationFailureInfo.');
  return failure;
}

export function taskHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async pollWorkflowTaskQueue(req, ctx) {
      const ns = engine.requireNamespace(req.namespace);
      requireDeadline(ctx);
      const name = requireString(req.taskQueue?.name, 'task_queue.name');
      const result = await engine.workflowQueues.poll(queueKey(ns.name, 'workflow', name), req, ctx);
      return result ?? {};
    },

    async pollActivityTaskQueue(req, ctx) {
      const ns = engine.requireNamespace(req.namespace);
      requireDeadline(ctx);
      const name = requireString(req.taskQueue?.name, 'task_queue.name');
      const result = await engine.activityQueues.poll(queueKey(ns.name, 'activity', name), req, ctx);
      return result ?? {};
    },

    async pollNexusTaskQueue(req, ctx) {
      engine.requireNamespace(req.namespace);
      // No Nexus endpoints exist here: hold the poll like an idle queue would, then answer empty.
      const wait = Math.min(60_000, ctx.deadline - Date.now() - 1_000);
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          ctx.onCancel(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return {};
    },

    async respondWorkflowTaskCompleted(req) {
      return completeWorkflowTask(engine, req);
    },

    async respondWorkflowTaskFailed(req) {
      failWorkflowTask(engine, req);
      return {};
    },

    async respondQueryTaskCompleted(req) {
      const token = decodeToken(req.taskToken, 'query');
      engine.requireNamespace(token.ns);
      const exec = engine.findRun(token.ns, token.wf, token.run);
      const answer =
        req.completedType === 1
          ? { ok: true as const, result: req.queryResult }
          : { ok: false as const, message: req.errorMessage || 'query failed', failure: req.failure };
      if (!answerLegacyQuery(exec, token.qid, answer)) throw notFound('query task not found (already answered or timed out)');
      return {};
    },

    async respondActivityTaskCompleted(req) {
      const { exec, act } = activityByToken(engine, req.taskToken);
      engine.transact(() => completeActivity(engine, exec, act, req.result, req.identity ?? ''));
      return {};
    },

    async respondActivityTaskCompletedById(req) {
      const ns = engine.requireNamespace(req.namespace);
      const { exec, act } = activityById(engine, ns.name, req.workflowId, req.runId, req.activityId);
      engine.transact(() => completeActivity(engine, exec, act, req.result, req.identity ?? ''));
      return {};
    },

    async respondActivityTaskFailed(req) {
      const failure = requireApplicationFailure(req.failure);
      const { exec, act } = activityByToken(engine, req.taskToken);
      engine.transact(() => failActivityAttempt(engine, exec, act, failure, req.lastHeartbeatDetails, req.identity ?? ''));
      return { failures: [] };
    },

    async respondActivityTaskFailedById(req) {
      const ns = engine.requireNamespace(req.namespace);
      const failure = requireApplicationFailure(req.failure);
      const { exec, act } = activityById(engine, ns.name, req.workflowId, req.runId, req.activityId);
      engine.transact(() => {
        if (act.state !== 'started') {
          engine.touch(exec);
          act.state = 'started';
          act.startedIdentity = req.identity ?? '';
        }
        failActivityAttempt(engine, exec, act, failure, req.lastHeartbeatDetails, req.identity ?? '');
      });
      return { failures: [] };
    },

    async respondActivityTaskCanceled(req) {
      const { exec, act } = activityByToken(engine, req.taskToken);
      engine.transact(() => cancelActivityDone(engine, exec, act, req.details, req.identity ?? ''));
      return {};
    },

    async respondActivityTaskCanceledById(req) {
      const ns = engine.requireNamespace(req.namespace);
      const { exec, act } = activityById(engine, ns.name, req.workflowId, req.runId, req.activityId);
      engine.transact(() => cancelActivityDone(engine, exec, act, req.details, req.identity ?? ''));
      return {};
    },

    async recordActivityTaskHeartbeat(req) {
      const { exec, act } = activityByToken(engine, req.taskToken);
      const cancelRequested = engine.transact(() => recordHeartbeat(engine, exec, act, req.details));
      return { cancelRequested, activityPaused: false, activityReset: false };
    },

    async recordActivityTaskHeartbeatById(req) {
      const ns = engine.requireNamespace(req.namespace);
      const { exec, act } = activityById(engine, ns.name, req.workflowId, req.runId, req.activityId);
      const cancelRequested = engine.transact(() => recordHeartbeat(engine, exec, act, req.details));
      return { cancelRequested, activityPaused: false, activityReset: false };
    },

    async shutdownWorker(req) {
      const ns = engine.requireNamespace(req.namespace);
      retireStickyQueue(engine, ns.name, req.stickyTaskQueue ?? '');
      return {};
    },
  };
}
