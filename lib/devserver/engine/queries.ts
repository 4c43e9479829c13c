/**
 * Queries (spec §3.5). Consistent path: a query arriving while a workflow task is scheduled or running
 * rides on the next workflow task (`queries` map, answered in `query_results`), so it observes every
 * event before it. Legacy path: an idle or closed run gets a dedicated query task with full history,
 * answered through RespondQueryTaskCompleted. Pending queries live only in memory, for as long as
 * the client call that asked.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Loose } from '../proto';
import { queueKey, type TaskRef } from '../matching';
import { encodeToken } from '../tokens';
import type { Engine } from './engine';
import type { Execution, PendingQuery, QueryAnswer } from './execution';

type PollResponse = Loose<temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse>;

export function submitQuery(engine: Engine, exec: Execution, query: temporal.api.query.v1.IWorkflowQuery): { promise: Promise<QueryAnswer>; cancel(): void } {
  let entry!: PendingQuery;
  const promise = new Promise<QueryAnswer>((resolve) => {
    entry = {
      id: randomUUID(),
      queryType: query.queryType ?? '',
      queryArgs: query.queryArgs,
      header: query.header,
      state: 'waiting',
      resolve: (answer) => {
        const i = exec.queries.indexOf(entry);
        if (i >= 0) exec.queries.splice(i, 1);
        resolve(answer);
      },
    };
  });
  exec.queries.push(entry);
  if (!exec.isOpen || !exec.rec.wft) sendLegacy(engine, exec, entry);
  return {
    promise,
    cancel: () => {
      const i = exec.queries.indexOf(entry);
      if (i >= 0) exec.queries.splice(i, 1);
    },
  };
}

function sendLegacy(engine: Engine, exec: Execution, q: PendingQuery): void {
  q.state = 'legacy';
  const task: TaskRef = { kind: 'queryTask', runKey: exec.key, queryId: q.id };
  engine.workflowQueues.enqueue(queueKey(exec.rec.namespace, 'workflow', exec.rec.taskQueue), task);
}

/** Attaches every waiting query to the workflow task being handed out. */
export function attachQueries(exec: Execution): Record<string, temporal.api.query.v1.IWorkflowQuery> | undefined {
  const out: Record<string, temporal.api.query.v1.IWorkflowQuery> = {};
  let any = false;
  for (const q of exec.queries) {
    if (q.state !== 'waiting') continue;
    q.state = 'attached';
    out[q.id] = { queryType: q.queryType, queryArgs: q.queryArgs ?? undefined, header: q.header ?? undefined };
    any = true;
  }
  return any ? out : undefined;
}

/** Resolves answered queries of a completed workflow task. */
export function resolveQueryResults(exec: Execution, results: Record<string, temporal.api.query.v1.IWorkflowQueryResult> | null | undefined): void {
  for (const [id, r] of Object.entries(results ?? {})) {
    const q = exec.queries.find((x) => x.id === id);
    if (!q) continue;
    if (r.resultType === 1) q.resolve({ ok: true, result: r.answer });
    else q.resolve({ ok: false, message: r.errorMessage || 'query failed', failure: r.failure });
  }
}

/**
 * After a workflow task ends (any way): unanswered attached queries wait again; if no new task is
 * scheduled they go the legacy way. Runs after commit so the legacy task sees the committed state.
 */
export function routeQueriesAfterTask(engine: Engine, exec: Execution): void {
  engine.afterCommit(() => {
    for (const q of exec.queries) if (q.state === 'attached') q.state = 'waiting';
    if (exec.isOpen && exec.rec.wft) return;
    for (const q of exec.queries) if (q.state === 'waiting') sendLegacy(engine, exec, q);
  });
}

/** Builds the poll response of a legacy query task, or null if the query is gone. */
export function dispatchQueryTask(engine: Engine, task: Extract<TaskRef, { kind: 'queryTask' }>): PollResponse | null {
  const exec = engine.lookupRun(task.runKey);
  const q = exec?.queries.find((x) => x.id === task.queryId);
  if (!exec || !q || q.state !== 'legacy') return null;
  const rec = exec.rec;
  return {
    taskToken: encodeToken({ v: 1, k: 'query', ns: rec.namespace, wf: rec.workflowId, run: rec.runId, qid: q.id }),
    workflowExecution: { workflowId: rec.workflowId, runId: rec.runId },
    workflowType: { name: rec.workflowType },
    previousStartedEventId: rec.lastCompletedWftStartedId,
    startedEventId: 0,
    attempt: 1,
    history: { events: exec.events },
    query: { queryType: q.queryType, queryArgs: q.queryArgs ?? undefined, header: q.header ?? undefined },
    workflowExecutionTaskQueue: { name: rec.taskQueue, kind: 1 },
  };
}

export function answerLegacyQuery(exec: Execution, queryId: string, answer: QueryAnswer): boolean {
  const q = exec.queries.find((x) => x.id === queryId);
  if (!q) return false;
  q.resolve(answer);
  return true;
}
