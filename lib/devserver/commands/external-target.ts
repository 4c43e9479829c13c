/** Resolves the open run an external signal / cancel command targets (empty run id = current run). */
import type { Engine } from '../engine/engine';
import type { Execution } from '../engine/execution';
import { runKey } from '../engine/records';

export function findOpenTarget(engine: Engine, namespace: string, workflowId: string, runId: string): Execution | undefined {
  const id = runId || engine.currentRunId(namespace, workflowId);
  if (!id) return undefined;
  const target = engine.lookupRun(runKey(namespace, workflowId, id));
  return target?.isOpen ? target : undefined;
}
