/**
 * Errors as a user of @temporalio/client sees them, reduced to what is compared: class name, message,
 * the Temporal failure fields (type, non-retryable flag, retry state, timeout type), the gRPC code of
 * a service error, and the cause chain.
 */
import { ServiceError } from '@temporalio/client';
import {
  ApplicationFailure,
  ActivityFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
  TemporalFailure,
  WorkflowFailedError,
} from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { retryStateName, timeoutTypeName } from './normalise';

type Obj = Record<string, unknown>;

const GRPC_CODES: Record<number, string> = {
  0: 'OK', 1: 'CANCELLED', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 5: 'NOT_FOUND', 6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 10: 'ABORTED', 11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE', 15: 'DATA_LOSS', 16: 'UNAUTHENTICATED',
};

export function normaliseError(err: unknown, depth = 0): Obj | undefined {
  if (err === undefined || err === null || depth > 8) return undefined;
  if (!(err instanceof Error)) return { thrown: String(err) };
  const out: Obj = { name: err.name, message: err.message };
  if (err instanceof ApplicationFailure) {
    out.type = err.type ?? undefined;
    if (err.nonRetryable) out.nonRetryable = true;
    if (err.details && err.details.length > 0) out.details = err.details;
  }
  if (err instanceof TimeoutFailure) out.timeoutType = timeoutTypeName(err.timeoutType);
  if (err instanceof ActivityFailure) {
    out.activityType = err.activityType;
    out.retryState = retryStateName(err.retryState);
  }
  if (err instanceof ChildWorkflowFailure) {
    out.workflowType = err.workflowType;
    out.retryState = retryStateName(err.retryState);
  }
  if (err instanceof WorkflowFailedError) out.retryState = retryStateName(err.retryState);
  if (err instanceof WorkflowUpdateFailedError) out.updateFailed = true;
  if (err instanceof ServiceError) {
    const code = (err.cause as { code?: number } | undefined)?.code;
    if (code !== undefined) out.code = GRPC_CODES[code] ?? code;
  }
  const grpcCode = (err as { code?: unknown }).code;
  if (typeof grpcCode === 'number' && !(err instanceof TemporalFailure) && out.code === undefined) out.code = GRPC_CODES[grpcCode] ?? grpcCode;
  const cause = normaliseError((err as { cause?: unknown }).cause, depth + 1);
  if (cause && !(err instanceof ServiceError && cause.name === 'Error' && typeof (err.cause as { code?: unknown }).code === 'number')) out.cause = cause;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Settles a promise into `{ value }` or `{ error }` (normalised), for comparing outcomes. */
export async function outcome<T>(p: Promise<T>): Promise<{ value: T } | { error: Obj | undefined }> {
  try {
    return { value: await p };
  } catch (err) {
    return { error: normaliseError(err) };
  }
}
