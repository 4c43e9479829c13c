/**
 * The client side of the SDK: connect, start and find workflows, complete activities asynchronously.
 *
 * @example
 * ```ts
 * import { Connection, Client } from 'temporal-native';
 * const client = new Client({ connection: await Connection.connect() });
 * ```
 */
export { Client, type ClientOptions } from './client';
export { Connection, type ConnectionOptions, type TLSConfig } from './connection';
export { WorkflowService, type WorkflowServiceRpc, type WorkflowServiceRequest, type WorkflowServiceResponse } from './workflow-service';
export {
  WorkflowClient,
  WithStartWorkflowOperation,
  type WorkflowStartOptions,
  type WorkflowSignalWithStartOptions,
  type ListOptions,
  type CountWorkflowExecution,
} from './workflow-client';
export type {
  WorkflowHandle,
  WorkflowHandleWithFirstExecutionRunId,
  WorkflowUpdateOptions,
  WorkflowQueryOptions,
  WorkflowResultType,
  WorkflowArgs,
} from './workflow-handle';
export type { WorkflowUpdateHandle } from './update-handle';
export { AsyncCompletionClient, type FullActivityId, type ActivityRef } from './async-completion-client';
export type { WorkflowOptions, WorkflowUpdateStage, WorkflowTypeOrFunction } from './workflow-options';
export type { RetryPolicy } from './retry-policy';
export type { Duration } from './duration';
export type {
  WorkflowIdReusePolicy,
  WorkflowIdConflictPolicy,
  WorkflowExecutionStatusName,
  QueryRejectCondition,
} from './enums';
export type {
  SearchAttributes,
  SearchAttributePair,
  SearchAttributeType,
  SearchAttributeValue,
  TypedSearchAttributesInput,
} from './search-attributes';
export type { WorkflowExecutionInfo, WorkflowExecutionDescription } from './execution-info';
export type {
  ClientInterceptors,
  WorkflowClientInterceptor,
  Headers,
  Next,
  WorkflowExecution,
  WorkflowStartInput,
  WorkflowSignalInput,
  WorkflowSignalWithStartInput,
  WorkflowQueryInput,
  WorkflowStartUpdateInput,
  WorkflowStartUpdateOutput,
  WorkflowStartUpdateWithStartInput,
  WorkflowStartUpdateWithStartOutput,
  WorkflowTerminateInput,
  WorkflowCancelInput,
  WorkflowDescribeInput,
} from './interceptors';
export {
  ServiceError,
  NamespaceNotFoundError,
  WorkflowNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  QueryNotRegisteredError,
  QueryRejectedError,
  WorkflowFailedError,
  WorkflowContinuedAsNewError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  ActivityNotFoundError,
  ActivityCompletionError,
  ActivityCancelledError,
  ActivityPausedError,
  ActivityResetError,
  InvalidOptionError,
} from './errors';
export { GrpcStatus, type GrpcStatusName, type StatusDetail } from './grpc-status';
