import { temporal } from '@temporalio/proto';

const S = temporal.api.enums.v1.WorkflowExecutionStatus;

// The short names the real server stores in visibility and returns as GROUP BY values.
const STATUS_NAMES: ReadonlyArray<readonly [number, string]> = [
  [S.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED, 'Unspecified'],
  [S.WORKFLOW_EXECUTION_STATUS_RUNNING, 'Running'],
  [S.WORKFLOW_EXECUTION_STATUS_COMPLETED, 'Completed'],
  [S.WORKFLOW_EXECUTION_STATUS_FAILED, 'Failed'],
  [S.WORKFLOW_EXECUTION_STATUS_CANCELED, 'Canceled'],
  [S.WORKFLOW_EXECUTION_STATUS_TERMINATED, 'Terminated'],
  [S.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, 'ContinuedAsNew'],
  [S.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, 'TimedOut'],
  [S.WORKFLOW_EXECUTION_STATUS_PAUSED, 'Paused'],
];

const NAME_BY_NUMBER = new Map<number, string>(STATUS_NAMES);
const NUMBER_BY_NAME = new Map<string, number>();
for (const [value, name] of STATUS_NAMES) NUMBER_BY_NAME.set(name, value);
for (const [enumName, value] of Object.entries(S)) {
  if (typeof value === 'number') NUMBER_BY_NAME.set(enumName, value);
}

/**
 * The visibility name of a `WorkflowExecutionStatus` (`Running`, `ContinuedAsNew`, …), as the real
 * server returns it in `CountWorkflowExecutions` groups; `undefined` for numbers outside the enum.
 *
 * @example
 * ```ts
 * executionStatusName(2); // 'Completed'
 * ```
 */
export function executionStatusName(status: number): string | undefined {
  return NAME_BY_NUMBER.get(status);
}

/**
 * Parses a status as the real server does: the short name (`Running`) or the enum name
 * (`WORKFLOW_EXECUTION_STATUS_RUNNING`), case-sensitive; `undefined` when unknown.
 *
 * @example
 * ```ts
 * executionStatusFromName('TimedOut'); // 7
 * ```
 */
export function executionStatusFromName(name: string): number | undefined {
  return NUMBER_BY_NAME.get(name);
}
