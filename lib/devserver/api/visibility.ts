/**
 * ListWorkflowExecutions / CountWorkflowExecutions (and the older open/closed list calls) over
 * visibility rows built from execution state, using the shared list-filter language.
 */
import type { temporal } from '@temporalio/proto';
import { fromB64, msToDuration, msToTimestamp } from '../codec';
import { invalidArgument } from '../errors';
import { common } from '../proto';
import type { Engine } from '../engine/engine';
import type { Execution } from '../engine/execution';
import { decodedSearchAttributes, displaySearchAttributes } from '../engine/search-attributes';
import { countExecutions, encodeGroupValues, queryExecutions, VisibilityQueryError, type VisibilityRecord } from '../visibility';
import type { WorkflowServiceHandlers } from '../transport';


function toRecord(engine: Engine, exec: Execution): VisibilityRecord {
  const rec = exec.rec;
  return {
    namespace: rec.namespace,
    workflowId: rec.workflowId,
    runId: rec.runId,
    workflowType: rec.workflowType,
    taskQueue: rec.taskQueue,
    status: rec.status,
    startTime: rec.startTime,
    executionTime: rec.executionTime,
    closeTime: rec.closeTime || undefined,
    historyLength: exec.historyLength,
    parentWorkflowId: rec.parent?.workflowId,
    parentRunId: rec.parent?.runId,
    rootWorkflowId: rec.root?.workflowId ?? rec.workflowId,
    rootRunId: rec.root?.runId ?? rec.runId,
    searchAttributes: decodedSearchAttributes(engine, exec),
  };
}

/** WorkflowExecutionInfo as List returns it. */
export function executionInfo(engine: Engine, exec: Execution): object {
  const rec = exec.rec;
  return {
    execution: { workflowId: rec.workflowId, runId: rec.runId },
    type: { name: rec.workflowType },
    startTime: msToTimestamp(rec.startTime),
    closeTime: rec.closeTime ? msToTimestamp(rec.closeTime) : undefined,
    status: rec.status,
    historyLength: exec.historyLength,
    parentExecution: rec.parent ? { workflowId: rec.parent.workflowId, runId: rec.parent.runId } : undefined,
    rootExecution: rec.root ?? { workflowId: rec.workflowId, runId: rec.runId },
    executionTime: msToTimestamp(rec.executionTime),
    memo: rec.memo ? fromB64(common.Memo, rec.memo) : { fields: {} },
    searchAttributes: displaySearchAttributes(engine, exec),
    taskQueue: rec.taskQueue,
    firstRunId: rec.firstRunId,
    executionDuration: rec.closeTime ? msToDuration(rec.closeTime - rec.executionTime) : undefined,
  };
}

/** Every run of `namespace`: those in memory and, with `--db`, the closed ones kept in the store. */
function runsOf(engine: Engine, namespace: string): Map<VisibilityRecord, Execution> {
  const out = new Map<VisibilityRecord, Execution>();
  for (const exec of engine.executions.values()) if (exec.rec.namespace === namespace) out.set(toRecord(engine, exec), exec);
  for (const exec of engine.storedClosedRuns(namespace)) out.set(toRecord(engine, exec), exec);
  return out;
}

function withQueryErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof VisibilityQueryError) throw invalidArgument(err.message);
    throw err;
  }
}

function decodeOffset(bytes: Uint8Array | null | undefined): number {
  if (!bytes || bytes.length === 0) return 0;
  const n = Number(Buffer.from(bytes).toString('utf8'));
  if (!Number.isInteger(n) || n < 0) throw invalidArgument('next_page_token is malformed');
  return n;
}

function list(engine: Engine, namespace: string, query: string, pageSize: number, token: Uint8Array | null | undefined): object {
  const runs = runsOf(engine, namespace);
  const matched = withQueryErrors(() => queryExecutions(runs.keys(), query, engine.registry(namespace)));
  const offset = decodeOffset(token);
  const size = pageSize > 0 ? pageSize : 1000;
  const page = matched.slice(offset, offset + size);
  const next = offset + page.length;
  return {
    executions: page.map((r) => executionInfo(engine, runs.get(r) as Execution)),
    nextPageToken: next < matched.length ? Buffer.from(String(next), 'utf8') : undefined,
  };
}

export function visibilityHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async listWorkflowExecutions(req) {
      const ns = engine.requireNamespace(req.namespace);
      return list(engine, ns.name, req.query ?? '', req.pageSize ?? 0, req.nextPageToken);
    },

    async scanWorkflowExecutions(req) {
      const ns = engine.requireNamespace(req.namespace);
      return list(engine, ns.name, req.query ?? '', req.pageSize ?? 0, req.nextPageToken);
    },

    async listOpenWorkflowExecutions(req) {
      const ns = engine.requireNamespace(req.namespace);
      return list(engine, ns.name, "ExecutionStatus = 'Running'", req.maximumPageSize ?? 0, req.nextPageToken);
    },

    async listClosedWorkflowExecutions(req) {
      const ns = engine.requireNamespace(req.namespace);
      return list(engine, ns.name, "ExecutionStatus != 'Running'", req.maximumPageSize ?? 0, req.nextPageToken);
    },

    async countWorkflowExecutions(req) {
      const ns = engine.requireNamespace(req.namespace);
      const runs = runsOf(engine, ns.name);
      const result = withQueryErrors(() => countExecutions(runs.keys(), req.query ?? '', engine.registry(ns.name)));
      return {
        count: result.count,
        groups: result.groups?.map((g) => ({ groupValues: encodeGroupValues(g.values), count: g.count })),
      };
    },
  };
}
