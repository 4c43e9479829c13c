/**
 * The chaos workflows' one activity. Each attempt is recorded in the effects log before it does
 * anything, and each success after; the first `failingAttempts` attempts fail retryably, so every
 * workflow exercises server-side retries on top of whatever the crashes add.
 */
import { activityInfo, ApplicationFailure } from '../../../lib/activity';
import { EffectsLog } from './effects-log';
import { activityResult, failingAttempts, type ActivityKey } from './plan';

let log: EffectsLog | undefined;

function effects(): EffectsLog {
  const path = process.env.CHAOS_EFFECTS_DB;
  if (!path) throw new TypeError('CHAOS_EFFECTS_DB must be set in a chaos worker process');
  return (log ??= new EffectsLog(path));
}

export async function effect(workflowId: string, index: number, key: ActivityKey): Promise<string> {
  const { attempt, workflowExecution } = activityInfo();
  effects().record({ kind: 'attempt', workflowId, runId: workflowExecution.runId, key, attempt });
  if (attempt <= failingAttempts(index, key)) {
    throw ApplicationFailure.retryable(`planned failure of attempt ${attempt}`, 'ChaosPlannedFailure');
  }
  effects().record({ kind: 'done', workflowId, runId: workflowExecution.runId, key, attempt });
  return activityResult(workflowId, key);
}
