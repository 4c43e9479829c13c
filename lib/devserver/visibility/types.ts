/**
 * The visibility row the dev server keeps for every workflow run. `ListWorkflowExecutions` and
 * `CountWorkflowExecutions` filter these rows with the list-filter query language.
 *
 * Times are epoch milliseconds. `searchAttributes` holds the custom and predefined search attributes
 * (`TemporalChangeVersion`, `BuildIds`, …) as plain decoded values (see `decodeSearchAttributes`).
 *
 * @example
 * ```ts
 * const row: VisibilityRecord = {
 *   namespace: 'default', workflowId: 'order-1', runId: 'a1b2', workflowType: 'orderWorkflow',
 *   taskQueue: 'orders', status: 1, startTime: Date.now(), executionTime: Date.now(),
 *   historyLength: 3, searchAttributes: { CustomKeywordField: 'gold' },
 * };
 * ```
 */
export interface VisibilityRecord {
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  /** `temporal.api.enums.v1.WorkflowExecutionStatus` */
  status: number;
  /** ms since the epoch */
  startTime: number;
  /** ms since the epoch; start time plus any start delay / cron / retry backoff */
  executionTime: number;
  /** ms since the epoch; absent while the run is open */
  closeTime?: number;
  historyLength: number;
  parentWorkflowId?: string;
  parentRunId?: string;
  rootWorkflowId?: string;
  rootRunId?: string;
  /** custom (and predefined) search attributes, decoded */
  searchAttributes: Record<string, unknown>;
}
