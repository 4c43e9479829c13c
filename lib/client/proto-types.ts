/**
 * Protobuf message types under the names the official client gives them, for code that annotates
 * what `handle.describe().raw`, `handle.cancel()`, `handle.terminate()` and the typed
 * `connection.workflowService` methods take and return.
 *
 * @example
 * ```ts
 * import type { DescribeWorkflowExecutionResponse } from 'temporal-native';
 * const raw: DescribeWorkflowExecutionResponse = (await handle.describe()).raw;
 * ```
 */
import type { temporal } from '@temporalio/proto';

/** What `StartWorkflowExecution` takes. */
export type StartWorkflowExecutionRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;
/** What `GetWorkflowExecutionHistory` takes. */
export type GetWorkflowExecutionHistoryRequest = temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest;
/** The `raw` field of `handle.describe()`. */
export type DescribeWorkflowExecutionResponse = temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse;
/** The `raw` field of a workflow listed by `client.workflow.list()`. */
export type RawWorkflowExecutionInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;
/** What `handle.terminate()` resolves to. */
export type TerminateWorkflowExecutionResponse = temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse;
/** What `handle.cancel()` resolves to. */
export type RequestCancelWorkflowExecutionResponse = temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse;
