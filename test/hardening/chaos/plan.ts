/**
 * What each chaos workflow does and must return, shared by the workflows (inside the sandbox), the
 * activities (in the worker processes) and the test that checks the results. Pure functions of the
 * workflow's index, so the expected result of every workflow is known without running it.
 */

/** The activities of one workflow, by key: `a` in the first run, `b` in the child, `c` in the second run. */
export const ACTIVITY_KEYS = ['a', 'b', 'c'] as const;
export type ActivityKey = (typeof ACTIVITY_KEYS)[number];

/** How many attempts of an activity fail (retryably) before one succeeds: 0, 1 or 2. */
export function failingAttempts(index: number, key: ActivityKey): number {
  return (index + key.charCodeAt(0)) % 3;
}

/** The timer of the first run, and the child's: short, varied, so timers fire throughout the run. */
export function timerMs(index: number): number {
  return 100 + (index % 7) * 150;
}

/** The value the starter signals to workflow `index`. */
export function signalValue(index: number): number {
  return index * 7 + 3;
}

/** What the activity `key` of the workflow `workflowId` returns. */
export function activityResult(workflowId: string, key: ActivityKey): string {
  return `${key}:${workflowId}`;
}

/** The child workflow's id: derived from the parent's, so a second start of it would be a conflict. */
export function childWorkflowId(workflowId: string): string {
  return `${workflowId}-child`;
}

export interface ChaosInput {
  index: number;
  /** Set in the second run (after continue-as-new): what the first run gathered. */
  carried?: { a: string; signal: number };
}

export interface ChaosResult {
  index: number;
  a: string;
  signal: number;
  child: string;
  c: string;
}

/** The one correct result of workflow `index` with id `workflowId`. */
export function expectedResult(index: number, workflowId: string): ChaosResult {
  return {
    index,
    a: activityResult(workflowId, 'a'),
    signal: signalValue(index),
    child: `child:${activityResult(childWorkflowId(workflowId), 'b')}`,
    c: activityResult(workflowId, 'c'),
  };
}
