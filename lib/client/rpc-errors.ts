/**
 * The one place where a failed RPC becomes an SDK error. Every workflow-service call goes through
 * {@link toClientError}; the call site only says which workflow (or activity) the call was about.
 */
import { temporal } from '@temporalio/proto';
import { CoreError } from '../core/errors';
import {
  ActivityCompletionError,
  ActivityNotFoundError,
  NamespaceNotFoundError,
  QueryNotRegisteredError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type RpcFailure,
} from './errors';
import { decodeGrpcStatus, decodeStatusDetails, GrpcStatus, type DecodedStatus } from './grpc-status';

/** What the caller knows about the target of an RPC, used to shape the error. */
export interface RpcErrorContext {
  workflowId?: string;
  runId?: string;
  workflowType?: string;
  /** For schedule RPCs: the schedule the call is about. */
  scheduleId?: string;
}

const NAMESPACE_NOT_FOUND = 'temporal.api.errordetails.v1.NamespaceNotFoundFailure';
const ALREADY_STARTED = 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure';
const MULTI_OPERATION = 'temporal.api.errordetails.v1.MultiOperationExecutionFailure';
const MULTI_OPERATION_ABORTED = 'temporal.api.failure.v1.MultiOperationExecutionAborted';

const START_RPCS = new Set(['StartWorkflowExecution', 'SignalWithStartWorkflowExecution', 'ExecuteMultiOperation']);
const UPDATE_RPCS = new Set(['UpdateWorkflowExecution', 'PollWorkflowExecutionUpdate', 'ExecuteMultiOperation']);
const ACTIVITY_COMPLETION_RPCS = new Set([
  'RespondActivityTaskCompleted',
  'RespondActivityTaskCompletedById',
  'RespondActivityTaskFailed',
  'RespondActivityTaskFailedById',
  'RespondActivityTaskCanceled',
  'RespondActivityTaskCanceledById',
  'RecordActivityTaskHeartbeat',
  'RecordActivityTaskHeartbeatById',
]);
// Calls that name one schedule: NOT_FOUND there means that schedule does not exist.
const SCHEDULE_RPCS = new Set(['DescribeSchedule', 'UpdateSchedule', 'PatchSchedule', 'DeleteSchedule', 'ListScheduleMatchingTimes']);
// Calls that name one workflow execution: NOT_FOUND there means that execution does not exist.
const WORKFLOW_RPCS = new Set([
  'SignalWorkflowExecution',
  'QueryWorkflow',
  'UpdateWorkflowExecution',
  'PollWorkflowExecutionUpdate',
  'RequestCancelWorkflowExecution',
  'TerminateWorkflowExecution',
  'DescribeWorkflowExecution',
  'GetWorkflowExecutionHistory',
  'ExecuteMultiOperation',
]);

/**
 * The status to report: the rich one from details when present, else the transport code/message.
 * Core failures without a gRPC code (e.g. a closed connection) count as UNKNOWN so that callers
 * catch every failed call as a `ServiceError`.
 */
function statusOf(err: CoreError): DecodedStatus {
  const decoded = decodeGrpcStatus(err.details);
  const code = err.code ?? decoded?.code ?? GrpcStatus.UNKNOWN;
  return {
    code,
    message: decoded?.message || err.message,
    details: decoded?.details ?? [],
  };
}

/**
 * Update-with-start fails with one status per operation; the one that matters is the first that was
 * not merely aborted because of the other.
 */
function unwrapMultiOperation(status: DecodedStatus): DecodedStatus {
  const multi = status.details.find((d) => d.typeName === MULTI_OPERATION);
  const value = multi?.value as temporal.api.errordetails.v1.IMultiOperationExecutionFailure | undefined;
  for (const inner of value?.statuses ?? []) {
    const details = decodeStatusDetails(inner.details);
    if (!inner.code || details.some((d) => d.typeName === MULTI_OPERATION_ABORTED)) continue;
    return { code: inner.code, message: inner.message || status.message, details };
  }
  return status;
}

function hasDetail(status: DecodedStatus, typeName: string): boolean {
  return status.details.some((d) => d.typeName === typeName);
}

/**
 * Maps whatever an RPC rejected with to the SDK error a user should see. Errors that did not come
 * from the server (bad input caught before sending, programming errors) pass through unchanged.
 */
export function toClientError(rpc: string, err: unknown, context: RpcErrorContext = {}): unknown {
  if (!(err instanceof CoreError)) return err;
  const status = unwrapMultiOperation(statusOf(err));
  const failure: RpcFailure = { rpc, status, cause: err };
  const { code, message } = status;

  const namespaceMissing = status.details.find((d) => d.typeName === NAMESPACE_NOT_FOUND);
  if (namespaceMissing) {
    const value = namespaceMissing.value as temporal.api.errordetails.v1.INamespaceNotFoundFailure | undefined;
    return new NamespaceNotFoundError(value?.namespace ?? '', failure);
  }
  if (rpc === 'CreateSchedule' && code === GrpcStatus.ALREADY_EXISTS) {
    return new ScheduleAlreadyRunning(message || 'Schedule already exists and is running', context.scheduleId ?? '', failure);
  }
  if (SCHEDULE_RPCS.has(rpc) && code === GrpcStatus.NOT_FOUND) {
    return new ScheduleNotFoundError(message || 'Schedule not found', context.scheduleId ?? '', failure);
  }
  if (START_RPCS.has(rpc) && (code === GrpcStatus.ALREADY_EXISTS || hasDetail(status, ALREADY_STARTED))) {
    return new WorkflowExecutionAlreadyStartedError(
      'Workflow execution already started',
      context.workflowId ?? '',
      context.workflowType ?? '',
      failure,
    );
  }
  if (UPDATE_RPCS.has(rpc) && (code === GrpcStatus.DEADLINE_EXCEEDED || code === GrpcStatus.CANCELLED)) {
    return new WorkflowUpdateRPCTimeoutOrCancelledError(message || 'Workflow update call timed out or was cancelled', failure);
  }
  if (rpc === 'QueryWorkflow' && code === GrpcStatus.INVALID_ARGUMENT) {
    return new QueryNotRegisteredError(message, failure);
  }
  if (ACTIVITY_COMPLETION_RPCS.has(rpc)) {
    return code === GrpcStatus.NOT_FOUND
      ? new ActivityNotFoundError(message || 'Activity not found', failure)
      : new ActivityCompletionError(message || 'Activity completion failed', failure);
  }
  if (WORKFLOW_RPCS.has(rpc) && code === GrpcStatus.NOT_FOUND) {
    return new WorkflowNotFoundError(
      message || 'Workflow not found',
      context.workflowId ?? '',
      context.runId || undefined,
      failure,
    );
  }
  return new ServiceError(`${rpc} failed: ${message}`, { code, rpc, details: status.details, cause: err });
}
