import { google, temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../lib/core/errors';
import {
  ActivityCompletionError,
  ActivityNotFoundError,
  NamespaceNotFoundError,
  QueryNotRegisteredError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '../../lib/client/errors';
import { GrpcStatus } from '../../lib/client/grpc-status';
import { toClientError } from '../../lib/client/rpc-errors';

const errordetails = temporal.api.errordetails.v1;

function any(typeName: string, bytes: Uint8Array): google.protobuf.IAny {
  return { type_url: `type.googleapis.com/${typeName}`, value: bytes };
}

function statusBytes(code: number, message: string, details: google.protobuf.IAny[] = []): Uint8Array {
  return google.rpc.Status.encode({ code, message, details }).finish();
}

function coreError(code: number, message: string, details: google.protobuf.IAny[] = []): CoreError {
  return new CoreError(message, { code, details: statusBytes(code, message, details) });
}

describe('mapping failed RPCs to SDK errors', () => {
  it('turns NOT_FOUND on a workflow call into WorkflowNotFoundError carrying the workflow id', () => {
    const err = toClientError('DescribeWorkflowExecution', coreError(GrpcStatus.NOT_FOUND, 'workflow not found'), {
      workflowId: 'w1',
      runId: 'r1',
    });
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
    expect(err).toMatchObject({ workflowId: 'w1', runId: 'r1', code: GrpcStatus.NOT_FOUND, codeName: 'NOT_FOUND' });
  });

  it('keeps NOT_FOUND on a call that names no workflow a plain ServiceError', () => {
    const err = toClientError('DescribeNamespace', coreError(GrpcStatus.NOT_FOUND, 'nope'));
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).not.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('turns a NamespaceNotFoundFailure detail into NamespaceNotFoundError on any call', () => {
    const detail = any(
      'temporal.api.errordetails.v1.NamespaceNotFoundFailure',
      errordetails.NamespaceNotFoundFailure.encode({ namespace: 'missing' }).finish(),
    );
    const err = toClientError('StartWorkflowExecution', coreError(GrpcStatus.NOT_FOUND, 'Namespace missing', [detail]));
    expect(err).toBeInstanceOf(NamespaceNotFoundError);
    expect((err as NamespaceNotFoundError).namespace).toBe('missing');
  });

  it('turns ALREADY_EXISTS on start into WorkflowExecutionAlreadyStartedError with id and type', () => {
    const detail = any(
      'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
      errordetails.WorkflowExecutionAlreadyStartedFailure.encode({ runId: 'r0' }).finish(),
    );
    const err = toClientError('StartWorkflowExecution', coreError(GrpcStatus.ALREADY_EXISTS, 'already', [detail]), {
      workflowId: 'w1',
      workflowType: 'greet',
    });
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    expect(err).toMatchObject({ workflowId: 'w1', workflowType: 'greet' });
  });

  it('decodes known detail types and keeps their raw bytes', () => {
    const bytes = errordetails.WorkflowExecutionAlreadyStartedFailure.encode({ runId: 'r0', startRequestId: 'x' }).finish();
    const err = toClientError('SignalWorkflowExecution', coreError(GrpcStatus.ALREADY_EXISTS, 'dup', [
      any('temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure', bytes),
    ])) as ServiceError;
    const detail = err.detail('temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure');
    expect(detail?.bytes).toEqual(bytes);
    expect(detail?.value).toMatchObject({ runId: 'r0', startRequestId: 'x' });
  });

  it('keeps unknown detail types as raw bytes without failing', () => {
    const err = toClientError('ListWorkflowExecutions', coreError(GrpcStatus.INTERNAL, 'boom', [
      any('example.Unknown', new Uint8Array([1, 2, 3])),
    ])) as ServiceError;
    expect(err.details).toHaveLength(1);
    expect(err.details[0]?.typeName).toBe('example.Unknown');
    expect([...(err.details[0]?.bytes ?? [])]).toEqual([1, 2, 3]);
    expect(err.details[0]?.value).toBeUndefined();
  });

  it('unwraps update-with-start failures to the operation that actually failed', () => {
    const aborted = google.rpc.Status.create({
      code: GrpcStatus.ABORTED,
      message: 'aborted',
      details: [any('temporal.api.failure.v1.MultiOperationExecutionAborted', new Uint8Array())],
    });
    const failedStart = google.rpc.Status.create({ code: GrpcStatus.ALREADY_EXISTS, message: 'workflow already started' });
    const multi = any(
      'temporal.api.errordetails.v1.MultiOperationExecutionFailure',
      errordetails.MultiOperationExecutionFailure.encode({ statuses: [failedStart, aborted] }).finish(),
    );
    const err = toClientError('ExecuteMultiOperation', coreError(GrpcStatus.ABORTED, 'multi', [multi]), {
      workflowId: 'w1',
      workflowType: 'cart',
    });
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('turns INVALID_ARGUMENT on a query into QueryNotRegisteredError with the server message', () => {
    const err = toClientError('QueryWorkflow', coreError(GrpcStatus.INVALID_ARGUMENT, 'unknown queryType nope'));
    expect(err).toBeInstanceOf(QueryNotRegisteredError);
    expect((err as Error).message).toBe('unknown queryType nope');
  });

  it('turns a deadline on an update call into WorkflowUpdateRPCTimeoutOrCancelledError', () => {
    const err = toClientError('UpdateWorkflowExecution', coreError(GrpcStatus.DEADLINE_EXCEEDED, 'deadline'));
    expect(err).toBeInstanceOf(WorkflowUpdateRPCTimeoutOrCancelledError);
  });

  it('turns NOT_FOUND on async completion into ActivityNotFoundError and other codes into ActivityCompletionError', () => {
    expect(toClientError('RespondActivityTaskCompleted', coreError(GrpcStatus.NOT_FOUND, 'gone'))).toBeInstanceOf(
      ActivityNotFoundError,
    );
    expect(toClientError('RecordActivityTaskHeartbeatById', coreError(GrpcStatus.INTERNAL, 'x'))).toBeInstanceOf(
      ActivityCompletionError,
    );
  });

  it('uses the transport code and message when the server sent no status details', () => {
    const err = toClientError('CountWorkflowExecutions', new CoreError('connection refused', { code: GrpcStatus.UNAVAILABLE }));
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ code: GrpcStatus.UNAVAILABLE, codeName: 'UNAVAILABLE', rpc: 'CountWorkflowExecutions' });
    expect((err as Error).message).toContain('connection refused');
  });

  it('reports a core failure without a gRPC code as a ServiceError with code UNKNOWN', () => {
    const err = toClientError('StartWorkflowExecution', new CoreError('connection is closed'));
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).codeName).toBe('UNKNOWN');
    expect((err as Error).message).toContain('connection is closed');
  });

  it('keeps the CoreError as the cause', () => {
    const original = coreError(GrpcStatus.INTERNAL, 'boom');
    expect((toClientError('CountWorkflowExecutions', original) as Error).cause).toBe(original);
  });

  it('passes errors that did not come from the server through unchanged', () => {
    const err = new RangeError('bad input');
    expect(toClientError('StartWorkflowExecution', err)).toBe(err);
  });
});
