/**
 * Rebuilds the engine from its store after a restart: namespaces, search attributes, open runs with
 * their histories (closed runs stay in the store) and the current-run index; then re-arms every
 * deadline from the stored instants and re-queues every task that was waiting for a poller. Tasks in flight at the crash are left to their
 * workers (a late completion with the old token is still valid) or to their timeouts.
 */
import { history, WorkflowStatus } from '../proto';
import type { IndexedValueType } from '../visibility';
import { requeueActivities } from './activities';
import type { Engine, NamespaceRecord } from './engine';
import { Execution } from './execution';
import type { ExecutionRecord } from './records';
import type { EngineStore } from './store';

export function recover(engine: Engine, store: EngineStore): number {
  const records = [...store.scanRecords('')];
  const runs: Execution[] = [];
  const stored: Execution[] = [];
  for (const [key, json] of records) {
    if (key.startsWith('namespace/')) {
      const ns = JSON.parse(json) as NamespaceRecord;
      engine.namespaces.set(ns.name, ns);
    }
  }
  for (const [key, json] of records) {
    if (key.startsWith('search-attributes/')) {
      const ns = decodeURIComponent(key.slice('search-attributes/'.length));
      const registry = engine.registry(ns);
      const wanted = JSON.parse(json) as Record<string, IndexedValueType>;
      const stale = Object.keys(registry.listCustom()).filter((n) => !(n in wanted));
      if (stale.length > 0) registry.remove(stale);
      registry.add(wanted);
    } else if (key.startsWith('current/')) {
      engine.currentRuns.set(key.slice('current/'.length), (JSON.parse(json) as { runId: string }).runId);
    } else if (key.startsWith('run/')) {
      const rec = JSON.parse(json) as ExecutionRecord;
      // A closed run stays in the store, record and history (a record and the events it counts are
      // written in one commit): only its retention deadline is armed (below). Open runs are read
      // into memory with their histories.
      if (rec.status !== WorkflowStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        stored.push(engine.restoreClosedRun(rec));
        continue;
      }
      const logged = store.readLog(`history/${key.slice('run/'.length)}`);
      const exec = new Execution(rec, logged.slice(0, rec.nextEventId - 1).map((bytes) => history.HistoryEvent.decode(bytes)));
      exec.persistedEvents = exec.events.length;
      engine.executions.set(exec.key, exec);
      runs.push(exec);
    }
  }
  // Closed runs' retention deadlines delete them (at once if it passed while the server was down).
  for (const exec of stored) engine.rearm(exec);
  for (const exec of runs) {
    engine.rearm(exec);
    if (!exec.isOpen) continue;
    engine.queueWorkflowTask(exec);
    requeueActivities(engine, exec);
  }
  return runs.length + stored.length;
}
