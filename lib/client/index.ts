/**
 * The client side of the SDK: connect, start and find workflows, manage schedules, complete activities
 * asynchronously.
 *
 * @example
 * ```ts
 * import { Connection, Client } from 'temporal-native';
 * const client = new Client({ connection: await Connection.connect() });
 * ```
 */
export { Client, type ClientOptions } from './client';
export { Connection, type ConnectionOptions, type TLSConfig, type ProxyConfig } from './connection';
export { WorkflowService, type WorkflowServiceRpc, type WorkflowServiceRequest, type WorkflowServiceResponse } from './workflow-service';
export {
  WorkflowClient,
  type WorkflowClientOptions,
  WithStartWorkflowOperation,
  type WorkflowStartOptions,
  type WorkflowSignalWithStartOptions,
  type ListOptions,
  type CountWorkflowExecution,
  type AsyncWorkflowListIterable,
  type IntoHistoriesOptions,
  type WorkflowResultOptions,
} from './workflow-client';
export type {
  WorkflowHandle,
  WorkflowHandleWithFirstExecutionRunId,
  WorkflowHandleWithSignaledRunId,
  WorkflowUpdateOptions,
  WorkflowQueryOptions,
  WorkflowResultType,
  WorkflowArgs,
} from './workflow-handle';
export type { WorkflowUpdateHandle } from './update-handle';
export { ScheduleClient, type ScheduleClientOptions, type ScheduleHandle, type ListScheduleOptions } from './schedule-client';
export {
  ScheduleOverlapPolicy,
  MONTHS,
  DAYS_OF_WEEK,
  type Month,
  type DayOfWeek,
  type Range,
  type LooseRange,
  type CalendarSpec,
  type CalendarSpecDescription,
  type IntervalSpec,
  type IntervalSpecDescription,
  type ScheduleSpec,
  type ScheduleSpecDescription,
  type SchedulePriority,
  type SchedulePolicies,
  type ScheduleState,
  type ScheduleOptions,
  type ScheduleUpdateOptions,
  type ScheduleOptionsAction,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleDescription,
  type ScheduleDescriptionAction,
  type ScheduleDescriptionStartWorkflowAction,
  type ScheduleSummary,
  type ScheduleExecutionResult,
  type ScheduleExecutionActionResult,
  type ScheduleExecutionStartWorkflowActionResult,
  type Backfill,
} from './schedule-types';
export type { CompiledScheduleOptions, CompiledScheduleAction } from './schedule-options';
export { AsyncCompletionClient, type AsyncCompletionClientOptions, type FullActivityId, type ActivityRef } from './async-completion-client';
export type { BaseClientOptions } from './client-context';
export { WorkflowUpdateStage, type WorkflowOptions, type WorkflowTypeOrFunction, type Priority } from './workflow-options';
export type { RetryPolicy } from './retry-policy';
export type { Duration } from './duration';
export { WorkflowIdReusePolicy, WorkflowIdConflictPolicy, QueryRejectCondition, type WorkflowExecutionStatusName } from './enums';
export { SearchAttributeType, TypedSearchAttributes, defineSearchAttributeKey } from './search-attributes';
export type { SearchAttributes, SearchAttributePair, SearchAttributeValue, TypedSearchAttributesInput } from './search-attributes';
export type { WorkflowExecutionInfo, WorkflowExecutionDescription } from './execution-info';
export type {
  ClientInterceptors,
  WorkflowClientInterceptor,
  WorkflowClientInterceptors,
  WorkflowClientCallsInterceptor,
  WorkflowClientCallsInterceptorFactory,
  WorkflowClientCallsInterceptorFactoryInput,
  InterceptedWorkflowOptions,
  WorkflowStartOutput,
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
  ScheduleClientInterceptor,
  CreateScheduleInput,
  CreateScheduleOutput,
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
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  MalformedResponseError,
  InvalidOptionError,
  UnknownOptionError,
  UnsupportedOptionError,
} from './errors';
// Raised by calls on `connection.core` (the core connection workers are made from).
export { CoreError, WorkerStateError } from '../core/errors';
export { GrpcStatus, type GrpcStatusName, type StatusDetail } from './grpc-status';
export { ConnectionSecurityError, type ConnectionSecurityReason } from './connection-failure';
