/**
 * Queries, updates and update-with-start (ExecuteMultiOperation). These calls block server-side until
 * the worker answered (or the requested update stage is reached), bounded by the call's deadline.
 */
import type { temporal } from '@temporalio/proto';
import { alreadyCompleted, invalidArgument, notFound, queryFailed, requireString, unavailable, workflowNotFound, ServiceError } from '../errors';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { WorkflowStatus, enums } from '../proto';
import type { Engine } from '../engine/engine';
import type { Execution, QueryAnswer } from '../engine/execution';
import { submitQuery } from '../engine/queries';
import { startWorkflow } from '../engine/start';
import { admitUpdate, updateOutcome } from '../engine/updates';
import type { UpdateRecord } from '../engine/records';
import type { CallContext, WorkflowServiceHandlers } from '../transport';


const Stage = enums.UpdateWorkflowExecutionLifecycleStage;
/** An update call waits at most this long per round; the client re-sends until the stage is reached. */
const UPDATE_WAIT_MS = 20_000;

function stageOf(u: UpdateRecord): number {
  if (u.state === 'completed') return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  if (u.state === 'accepted') return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
}

async function waitForQuery(promise: Promise<QueryAnswer>, cancel: () => void, ctx: CallContext): Promise<QueryAnswer> {
  return new Promise<QueryAnswer>((resolve, reject) => {
    const wait = ctx.deadline - Date.now();
    const timer =
      wait !== Infinity
        ? setTimeout(() => {
            cancel();
            reject(new ServiceError(GrpcStatus.DEADLINE_EXCEEDED, 'query timed out before a worker answered'));
          }, Math.max(0, wait))
        : undefined;
    ctx.onCancel(() => {
      clearTimeout(timer);
      cancel();
      reject(new ServiceError(GrpcStatus.CANCELLED, 'query cancelled'));
    });
    promise.then((a) => {
      clearTimeout(timer);
      resolve(a);
    }, reject);
  });
}

/** Waits until update `updateId` of `exec` reaches `target`, the run closes, or the wait budget ends. */
async function awaitUpdateStage(engine: Engine, exec: Execution, updateId: string, target: number, ctx: CallContext): Promise<object> {
  const end = Date.now() + Math.min(UPDATE_WAIT_MS, ctx.deadline - Date.now() - 1_000);
  for (;;) {
    const upd = exec.rec.updates[updateId];
    if (!upd) throw notFound(`update ${updateId} not found`);
    const stage = stageOf(upd);
    if (stage >= target || (!exec.isOpen && upd.state !== 'completed') || Date.now() >= end || ctx.cancelled || engine.isStopped) {
      if (!exec.isOpen && upd.state !== 'completed') throw alreadyCompleted();
      return {
        updateRef: { workflowExecution: { workflowId: exec.rec.workflowId, runId: exec.rec.runId }, updateId },
        outcome: upd.state === 'completed' ? updateOutcome(upd) : undefined,
        stage,
      };
    }
    await engine.waitForChange(exec.key, ctx, end - Date.now());
  }
}

function validateUpdate(req: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest): string {
  requireString(req.workflowExecution?.workflowId, 'workflow_execution.workflow_id');
  const updateId = requireString(req.request?.meta?.updateId, 'request.meta.update_id');
  requireString(req.request?.input?.name, 'request.input.name');
  return updateId;
}

async function runUpdate(engine: Engine, namespace: string, req: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest, ctx: CallContext): Promise<object> {
  const updateId = validateUpdate(req);
  const exec = engine.findRun(namespace, req.workflowExecution?.workflowId, req.workflowExecution?.runId);
  if (req.firstExecutionRunId && exec.rec.firstRunId !== req.firstExecutionRunId) {
    throw workflowNotFound(exec.rec.workflowId, req.firstExecutionRunId);
  }
  if (!exec.rec.updates[updateId]) {
    if (!exec.isOpen) throw alreadyCompleted();
    engine.transact(() => admitUpdate(engine, exec, req.request!));
  }
  const target = req.waitPolicy?.lifecycleStage || Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  return awaitUpdateStage(engine, exec, updateId, target, ctx);
}

export function interactiveHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async queryWorkflow(req, ctx) {
      const ns = engine.requireNamespace(req.namespace);
      requireString(req.query?.queryType, 'query.query_type');
      const exec = engine.findRun(ns.name, req.execution?.workflowId, req.execution?.runId);
      const reject = req.queryRejectCondition ?? 0;
      const status = exec.rec.status;
      if (
        (reject === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN && !exec.isOpen) ||
        (reject === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
          status !== WorkflowStatus.WORKFLOW_EXECUTION_STATUS_RUNNING &&
          status !== WorkflowStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)
      ) {
        return { queryRejected: { status } };
      }
      const { promise, cancel } = submitQuery(engine, exec, req.query!);
      const answer = await waitForQuery(promise, cancel, ctx);
      if (engine.isStopped) throw unavailable('dev server is shutting down');
      if (!answer.ok) throw queryFailed(answer.message);
      return { queryResult: answer.result ?? undefined };
    },

    async updateWorkflowExecution(req, ctx) {
      const ns = engine.requireNamespace(req.namespace);
      return runUpdate(engine, ns.name, req, ctx);
    },

    async pollWorkflowExecutionUpdate(req, ctx) {
      const ns = engine.requireNamespace(req.namespace);
      const updateId = requireString(req.updateRef?.updateId, 'update_ref.update_id');
      const wf = req.updateRef?.workflowExecution;
      const exec = engine.findRun(ns.name, wf?.workflowId, wf?.runId);
      const target = req.waitPolicy?.lifecycleStage || Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
      return awaitUpdateStage(engine, exec, updateId, target, ctx);
    },

    async executeMultiOperation(req, ctx) {
      const ns = engine.requireNamespace(req.namespace);
      const ops = req.operations ?? [];
      const start = ops[0]?.startWorkflow;
      const update = ops[1]?.updateWorkflow;
      if (ops.length !== 2 || !start || !update) {
        throw invalidArgument('operations must be exactly [start_workflow, update_workflow]');
      }
      if (start.workflowId !== update.workflowExecution?.workflowId) {
        throw invalidArgument('operations[1].update_workflow.workflow_execution.workflow_id must match the start operation');
      }
      validateUpdate(update as temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest);
      // Start and admission in one transaction, like the real server: the run's first workflow task
      // is not handed to a waiting poller before it carries the update.
      const out = engine.transact(() => {
        const started = startWorkflow(engine, ns.name, start as temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest);
        const updateId = update.request?.meta?.updateId as string;
        if (started.exec.isOpen && !started.exec.rec.updates[updateId]) admitUpdate(engine, started.exec, update.request!);
        return started;
      });
      const updateReq = {
        ...update,
        workflowExecution: { workflowId: out.exec.rec.workflowId, runId: out.exec.rec.runId },
      } as temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest;
      const updateResp = await runUpdate(engine, ns.name, updateReq, ctx);
      return {
        responses: [
          { startWorkflow: { runId: out.exec.rec.runId, started: out.started, status: out.exec.rec.status } },
          { updateWorkflow: updateResp },
        ],
      };
    },
  };
}
