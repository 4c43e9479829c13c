/**
 * Typed errors the client raises. Errors that come from a failed RPC extend {@link ServiceError}, so
 * the gRPC code and the server's error details are always at hand; the others describe outcomes of
 * a workflow, query or update that completed the RPC successfully.
 */
import type { RetryState } from '../common/enums';
import type { DecodedStatus, GrpcStatusName, StatusDetail } from './grpc-status';
import { grpcStatusName } from './grpc-status';

/**
 * Shared base: reports the subclass name without each class redeclaring `name`.
 */
abstract class NamedError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * An RPC to the Temporal server failed.
 *
 * @example
 * ```ts
 * try {
 *   await client.workflow.count();
 * } catch (err) {
 *   if (err instanceof ServiceError && err.codeName === 'UNAVAILABLE') console.log('server down');
 * }
 * ```
 */
export class ServiceError extends NamedError {
  /** gRPC status code (`GrpcStatus`). */
  readonly code: number;
  /** The RPC that failed, e.g. `StartWorkflowExecution`. */
  readonly rpc: string;
  /** Decoded `google.rpc.Status.details`; empty when the server sent none. */
  readonly details: StatusDetail[];

  constructor(message: string, options: { code: number; rpc: string; details?: StatusDetail[]; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.rpc = options.rpc;
    this.details = options.details ?? [];
  }

  /** `'NOT_FOUND'`, `'ALREADY_EXISTS'`, ... */
  get codeName(): GrpcStatusName {
    return grpcStatusName(this.code);
  }

  /** The first detail of the given full type name, e.g. `temporal.api.errordetails.v1.NotFoundFailure`. */
  detail(typeName: string): StatusDetail | undefined {
    return this.details.find((d) => d.typeName === typeName);
  }
}

/**
 * The server answered, but with something that breaks the protocol: a close event of a type no
 * workflow can close with, a schedule action or calendar range outside the protocol, a search
 * attribute that is not JSON. Its code is INTERNAL, as grpc-js reports a response it cannot parse.
 *
 * @example
 * ```ts
 * try {
 *   await handle.result();
 * } catch (err) {
 *   if (err instanceof MalformedResponseError) console.error(err.rpc, err.message);
 * }
 * ```
 */
export class MalformedResponseError extends ServiceError {
  constructor(rpc: string, problem: string, cause?: unknown) {
    super(`${rpc}: the server sent a malformed response: ${problem}`, { code: 13, rpc, cause });
  }
}

/** What every specialised RPC error is built from. */
export interface RpcFailure {
  rpc: string;
  status: DecodedStatus;
  cause: unknown;
}

function rpcErrorOptions(failure: RpcFailure): { code: number; rpc: string; details: StatusDetail[]; cause: unknown } {
  return { code: failure.status.code, rpc: failure.rpc, details: failure.status.details, cause: failure.cause };
}

/**
 * The namespace the client targets does not exist on the server.
 *
 * @example
 * ```ts
 * await client.workflow.count().catch((err) => {
 *   if (err instanceof NamespaceNotFoundError) console.log(`create ${err.namespace} first`);
 * });
 * ```
 */
export class NamespaceNotFoundError extends ServiceError {
  constructor(
    readonly namespace: string,
    failure: RpcFailure,
  ) {
    super(`Namespace not found: '${namespace}'`, rpcErrorOptions(failure));
  }
}

/**
 * The workflow execution a call targeted does not exist (or that run is not the one the call
 * named). Raised by signal, query, update, cancel, terminate, describe and result.
 *
 * @example
 * ```ts
 * await client.workflow.getHandle('no-such-id').describe().catch((err) => {
 *   if (err instanceof WorkflowNotFoundError) console.log(err.workflowId);
 * });
 * ```
 */
export class WorkflowNotFoundError extends ServiceError {
  constructor(
    message: string,
    readonly workflowId: string,
    readonly runId: string | undefined,
    failure: RpcFailure,
  ) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * A start was refused because a workflow with that id is running (or the id reuse policy forbids
 * another run).
 *
 * @example
 * ```ts
 * await client.workflow.start('greet', { taskQueue: 'q', workflowId: 'w1' }).catch((err) => {
 *   if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(err.workflowId);
 * });
 * ```
 */
export class WorkflowExecutionAlreadyStartedError extends ServiceError {
  constructor(
    message: string,
    readonly workflowId: string,
    readonly workflowType: string,
    failure: RpcFailure,
  ) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * A query was refused by the worker: no handler is registered under that name, or the handler threw.
 *
 * @example
 * ```ts
 * await handle.query('nope').catch((err) => {
 *   if (err instanceof QueryNotRegisteredError) console.log(err.message);
 * });
 * ```
 */
export class QueryNotRegisteredError extends ServiceError {
  constructor(message: string, failure: RpcFailure) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * Async activity completion (or heartbeat) targeted an activity that is not running any more.
 *
 * @example
 * ```ts
 * await client.activity.complete(taskToken, 'late').catch((err) => {
 *   if (err instanceof ActivityNotFoundError) console.log('activity already timed out');
 * });
 * ```
 */
export class ActivityNotFoundError extends ServiceError {
  constructor(message: string, failure: RpcFailure) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * Async activity completion failed for a reason other than the activity being gone.
 *
 * @example
 * ```ts
 * await client.activity.fail(taskToken, err).catch((e) => {
 *   if (e instanceof ActivityCompletionError) console.log(e.codeName);
 * });
 * ```
 */
export class ActivityCompletionError extends ServiceError {
  constructor(message: string, failure: RpcFailure) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * An update RPC ran out of time or was cancelled before the update reached the requested stage.
 * The update may still run; use `handle.getUpdateHandle(updateId)` to find out.
 *
 * @example
 * ```ts
 * await connection.withDeadline(Date.now() + 1000, () => handle.executeUpdate('slow')).catch((err) => {
 *   if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) console.log('try again later');
 * });
 * ```
 */
export class WorkflowUpdateRPCTimeoutOrCancelledError extends ServiceError {
  constructor(message: string, failure: RpcFailure) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * `client.schedule.create` was refused because a schedule with that id exists (and was not deleted).
 *
 * @example
 * ```ts
 * await client.schedule.create(options).catch((err) => {
 *   if (err instanceof ScheduleAlreadyRunning) return client.schedule.getHandle(err.scheduleId);
 *   throw err;
 * });
 * ```
 */
export class ScheduleAlreadyRunning extends ServiceError {
  constructor(
    message: string,
    readonly scheduleId: string,
    failure: RpcFailure,
  ) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * The schedule a handle names does not exist (wrong id, or deleted). Raised by every handle method.
 *
 * @example
 * ```ts
 * await client.schedule.getHandle('no-such-schedule').describe().catch((err) => {
 *   if (err instanceof ScheduleNotFoundError) console.log(`${err.scheduleId} is gone`);
 * });
 * ```
 */
export class ScheduleNotFoundError extends ServiceError {
  constructor(
    message: string,
    readonly scheduleId: string,
    failure: RpcFailure,
  ) {
    super(message, rpcErrorOptions(failure));
  }
}

/**
 * The workflow closed without a result: it failed, was cancelled, terminated or timed out. `cause`
 * is the converted failure (`ApplicationFailure`, `CancelledFailure`, `TerminatedFailure`,
 * `TimeoutFailure`, ...).
 *
 * @example
 * ```ts
 * try {
 *   await handle.result();
 * } catch (err) {
 *   if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) console.log(err.cause.type);
 * }
 * ```
 */
export class WorkflowFailedError extends NamedError {
  declare readonly cause: Error | undefined;

  constructor(
    message: string,
    cause: Error | undefined,
    /** Why the server stopped retrying; `undefined` when it did not say. */
    readonly retryState: RetryState | undefined,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * The run a handle's `result()` awaited continued as new, and the handle was made with
 * `followRuns: false`.
 *
 * @example
 * ```ts
 * await client.workflow.getHandle(id, runId, { followRuns: false }).result().catch((err) => {
 *   if (err instanceof WorkflowContinuedAsNewError) console.log(err.newExecutionRunId);
 * });
 * ```
 */
export class WorkflowContinuedAsNewError extends NamedError {
  constructor(
    message: string,
    readonly newExecutionRunId: string,
  ) {
    super(message);
  }
}

/**
 * An update was rejected by its validator or its handler threw. `cause` is the converted failure.
 *
 * @example
 * ```ts
 * await handle.executeUpdate('setLimit', { args: [-1] }).catch((err) => {
 *   if (err instanceof WorkflowUpdateFailedError) console.log(err.cause?.message);
 * });
 * ```
 */
export class WorkflowUpdateFailedError extends NamedError {
  declare readonly cause: Error | undefined;

  constructor(message: string, cause: Error | undefined) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** The workflow status that made the server reject a query under a `queryRejectCondition`. */
export type QueryRejectedStatus = string;

/**
 * The server refused to run a query because of the workflow's status and the query's
 * `queryRejectCondition` (e.g. `'NOT_OPEN'` on a completed workflow).
 *
 * @example
 * ```ts
 * await handle.queryWithOptions('state', { rejectCondition: 'NOT_OPEN' }).catch((err) => {
 *   if (err instanceof QueryRejectedError) console.log(err.status); // 'COMPLETED'
 * });
 * ```
 */
export class QueryRejectedError extends NamedError {
  constructor(readonly status: QueryRejectedStatus) {
    super(`Query rejected, workflow status: ${status}`);
  }
}

/**
 * A heartbeat found that the activity's cancellation was requested; the activity should stop and
 * report cancellation.
 *
 * @example
 * ```ts
 * try {
 *   await client.activity.heartbeat(taskToken, progress);
 * } catch (err) {
 *   if (err instanceof ActivityCancelledError) await client.activity.reportCancellation(taskToken);
 * }
 * ```
 */
export class ActivityCancelledError extends NamedError {}

/**
 * A heartbeat found that the activity was paused from the server.
 *
 * @example
 * ```ts
 * await client.activity.heartbeat(taskToken).catch((err) => {
 *   if (err instanceof ActivityPausedError) console.log('paused');
 * });
 * ```
 */
export class ActivityPausedError extends NamedError {}

/**
 * A heartbeat found that the activity was reset from the server.
 *
 * @example
 * ```ts
 * await client.activity.heartbeat(taskToken).catch((err) => {
 *   if (err instanceof ActivityResetError) console.log('reset');
 * });
 * ```
 */
export class ActivityResetError extends NamedError {}

// One option-error hierarchy for the whole SDK (client, connection, worker): see options-validation.ts.
export { InvalidOptionError, UnknownOptionError, UnsupportedOptionError } from '../common/options-validation';
