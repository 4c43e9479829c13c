/**
 * Typed service errors. Every handler throws these; the transport turns them into a gRPC status with
 * Temporal's `google.rpc.Status` (with typed failure details) in `grpc-status-details-bin`, which is
 * how the official SDKs recognise NamespaceNotFound, WorkflowExecutionAlreadyStarted, QueryFailed, ...
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';

/** A detail message attached to the status: its protobuf type name and encoded bytes. */
export interface ErrorDetail {
  typeName: string;
  value: Uint8Array;
}

export class ServiceError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

const ed = temporal.api.errordetails.v1;

function detail(typeName: string, value: Uint8Array): ErrorDetail {
  return { typeName: `temporal.api.errordetails.v1.${typeName}`, value };
}

export function invalidArgument(message: string): ServiceError {
  return new ServiceError(GrpcStatus.INVALID_ARGUMENT, message);
}

export function notFound(message: string): ServiceError {
  return new ServiceError(GrpcStatus.NOT_FOUND, message, [
    detail('NotFoundFailure', ed.NotFoundFailure.encode({}).finish()),
  ]);
}

export function namespaceNotFound(namespace: string): ServiceError {
  return new ServiceError(GrpcStatus.NOT_FOUND, `Namespace ${namespace} is not found.`, [
    detail('NamespaceNotFoundFailure', ed.NamespaceNotFoundFailure.encode({ namespace }).finish()),
  ]);
}

export function namespaceAlreadyExists(namespace: string): ServiceError {
  return new ServiceError(GrpcStatus.ALREADY_EXISTS, `Namespace "${namespace}" already exists`, [
    detail('NamespaceAlreadyExistsFailure', ed.NamespaceAlreadyExistsFailure.encode({}).finish()),
  ]);
}

/** Why a start was refused, which the real server's message spells out. */
export type AlreadyStartedReason = 'running' | 'finishedFailedOnly' | 'finishedRejectDuplicate';

export function workflowAlreadyStarted(workflowId: string, startRequestId: string, runId: string, reason: AlreadyStartedReason = 'running'): ServiceError {
  const ids = `WorkflowId: ${workflowId}, RunId: ${runId}.`;
  const message =
    reason === 'running'
      ? `Workflow execution is already running. ${ids}`
      : reason === 'finishedFailedOnly'
        ? `Workflow execution already finished successfully. ${ids} Workflow Id reuse policy: allow duplicate workflow Id if last run failed.`
        : `Workflow execution already finished. ${ids} Workflow Id reuse policy: reject duplicate workflow Id.`;
  return new ServiceError(GrpcStatus.ALREADY_EXISTS, message, [
    detail(
      'WorkflowExecutionAlreadyStartedFailure',
      ed.WorkflowExecutionAlreadyStartedFailure.encode({ startRequestId, runId }).finish(),
    ),
  ]);
}

export function queryFailed(message: string): ServiceError {
  return new ServiceError(GrpcStatus.INVALID_ARGUMENT, message, [
    detail('QueryFailedFailure', ed.QueryFailedFailure.encode({}).finish()),
  ]);
}

/** An unknown workflow (or run), worded as the real server does. */
export function workflowNotFound(workflowId: string, runId?: string): ServiceError {
  return notFound(runId ? `workflow execution not found for workflow ID "${workflowId}" and run ID "${runId}"` : `workflow not found for ID: ${workflowId}`);
}

export function alreadyCompleted(): ServiceError {
  return notFound('workflow execution already completed');
}

export function failedPrecondition(message: string): ServiceError {
  return new ServiceError(GrpcStatus.FAILED_PRECONDITION, message);
}

export function unavailable(message: string): ServiceError {
  return new ServiceError(GrpcStatus.UNAVAILABLE, message);
}

/** Requires a non-empty string field, naming it in the INVALID_ARGUMENT otherwise. */
export function requireString(value: string | null | undefined, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(`${field} is not set`);
  return value;
}
