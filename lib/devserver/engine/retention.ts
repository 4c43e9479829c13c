/**
 * Retention of closed runs, as on the real server: once a run has been closed for its namespace's
 * retention period it is deleted (record, history and, if it is still the latest run of its workflow
 * id, the current-run pointer), so describe/history/list no longer see it and the in-memory server's
 * memory stays bounded however many workflows pass through it. The period is the one in force when
 * the deadline is armed (at close, and again after a restart), like the real server's delete task.
 */
import type { Deadline } from '../clock';
import type { Engine, NamespaceRecord } from './engine';
import type { Execution } from './execution';
import { workflowKey } from './records';

const DAY_MS = 86_400_000;

/** The namespace's retention in ms (records written before retentionMs existed hold whole days). */
export function retentionMsOf(ns: NamespaceRecord): number {
  return ns.retentionMs ?? ns.retentionDays * DAY_MS;
}

/**
 * The deadline that deletes closed run `exec` once its retention has passed (none while open). It
 * holds the run's key, not the run: with a store the run leaves memory once closed.
 */
export function retentionDeadline(engine: Engine, exec: Execution): Deadline | undefined {
  if (exec.isOpen || exec.rec.closeTime <= 0) return undefined;
  const ns = engine.namespaces.get(exec.rec.namespace);
  if (!ns) return undefined;
  const key = exec.key;
  return {
    at: exec.rec.closeTime + retentionMsOf(ns),
    // Housekeeping: a time-skipping clock must not jump a day ahead just to delete a closed run.
    skipTarget: false,
    fire: () => {
      try {
        deleteClosedRun(engine, key);
      } catch (err) {
        engine.log(`dev server: deleting run ${key} after retention failed: ${err instanceof Error ? err.stack : String(err)}`);
      }
    },
  };
}

/**
 * Deletes closed run `key` in one transaction: the store ops are written first, and memory changes
 * only after that commit succeeded, so a failed write leaves the run where it was.
 */
export function deleteClosedRun(engine: Engine, key: string): void {
  engine.transact(() => {
    const exec = engine.lookupRun(key);
    if (!exec || exec.isOpen) return;
    const { namespace, workflowId, runId } = exec.rec;
    const current = workflowKey(namespace, workflowId);
    const isCurrent = engine.currentRuns.get(current) === runId;
    engine.addStoreOp({ kind: 'delete', key: `run/${key}` });
    engine.addStoreOp({ kind: 'deleteLog', log: `history/${key}` });
    if (isCurrent) engine.addStoreOp({ kind: 'delete', key: `current/${current}` });
    engine.afterCommit(() => {
      engine.forgetRun(key);
      if (engine.currentRuns.get(current) === runId) engine.currentRuns.delete(current);
      engine.scheduler.reconcile(key, new Map());
      for (const q of exec.queries.splice(0)) q.resolve({ ok: false, message: `workflow run ${runId} was deleted after its retention period` });
    });
  });
}
