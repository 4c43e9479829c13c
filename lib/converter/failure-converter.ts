/**
 * Errors ↔ Temporal `Failure` protos, byte-compatible with the official TypeScript SDK's
 * `DefaultFailureConverter` for every `TemporalFailure` subclass (ours or `@temporalio/common`'s).
 */
import type { temporal } from '@temporalio/proto';
import {
  decodeApplicationFailureCategory,
  decodeRetryState,
  decodeTimeoutType,
  encodeApplicationFailureCategory,
  encodeRetryState,
  encodeTimeoutType,
} from '../common/enums';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  FAILURE_SOURCE,
  NexusOperationFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  describeThrownValue,
  isErrorLike,
} from '../common/failures';
import Long from 'long';
import { int64ToNumber, optionalDurationToMs, optionalMsToDuration } from '../common/time';
import type { FailureConverter, Payload, PayloadConverter, ProtoFailure } from './types';

type ProtoPayloads = temporal.api.common.v1.IPayloads;

/** Options of {@link DefaultFailureConverter}. */
export interface DefaultFailureConverterOptions {
  /**
   * Move each failure's message and stack trace into `encodedAttributes` (a payload, so payload
   * codecs — e.g. encryption — apply to them). The plain `message` becomes `'Encoded failure'`.
   * Default `false`.
   */
  encodeCommonAttributes?: boolean;
}

/**
 * Stack frames at or below these belong to the SDK that called user code; everything from the
 * first match on is cut so users see only their own frames.
 */
const CUTOFF_FRAME_PATTERNS = [
  // temporal-native: the activity worker calling the activity function
  /\s+at .*[\\/]worker[\\/]activity[\\/]activity-execution\.[jt]s:\d+:\d+\)?$/,
  // official worker: activity execution, Nexus handlers
  /\s+at (Activity\.)?execute \(.*[\\/]worker[\\/](?:src|lib)[\\/]activity\.[jt]s:\d+:\d+\)/,
  /\s+at( async)? (NexusHandler\.)?invokeUserCode \(.*[\\/]worker[\\/](?:src|lib)[\\/]nexus[\\/]index\.[jt]s:\d+:\d+\)/,
  // @temporalio/workflow's activator calling workflow handlers, and the sandbox entry
  /\s+at( async)? (Activator\.)?(startWorkflow|queryWorkflow|signalWorkflow|update|validateUpdate)NextHandler \(.*\.[jt]s:\d+:\d+\)/,
  /\s+at (Script\.)?runInContext \((?:native|unknown|(?:node:vm|vm\.js):\d+:\d+)\)/,
];

/** Interceptor plumbing frames, dropped wherever they appear. */
const DROPPED_FRAME_PATTERNS = [
  /\s+at (null\.)?next \(.*[\\/]common[\\/](?:src|lib)[\\/]interceptors\.[jt]s:\d+:\d+\)/,
  /\s+at (null\.)?executeNextHandler \(.*[\\/]worker[\\/](?:src|lib)[\\/]activity\.[jt]s:\d+:\d+\)/,
  /\s+at .*[\\/]worker[\\/]interceptors\.[jt]s:\d+:\d+\)?$/,
];

/**
 * Cuts SDK frames out of a stack trace, leaving the user's frames.
 *
 * @example
 * ```ts
 * failure.stackTrace = cutoffStackTrace(error.stack);
 * ```
 */
export function cutoffStackTrace(stack: string | undefined): string {
  const kept: string[] = [];
  for (const line of (stack ?? '').split(/\r?\n/)) {
    if (CUTOFF_FRAME_PATTERNS.some((p) => p.test(line))) break;
    if (!DROPPED_FRAME_PATTERNS.some((p) => p.test(line))) kept.push(line);
  }
  return kept.join('\n');
}

/**
 * The default failure converter. Plain `Error`s become `ApplicationFailure`s typed with the
 * error's class name (what every official SDK worker reports for them); non-Error thrown values
 * become `ApplicationFailure`s whose message says what was thrown.
 *
 * @example
 * ```ts
 * const converter = new DefaultFailureConverter({ encodeCommonAttributes: true });
 * const failure = converter.errorToFailure(ApplicationFailure.nonRetryable('no'), defaultPayloadConverter);
 * const error = converter.failureToError(failure, defaultPayloadConverter); // ApplicationFailure 'no'
 * ```
 */
export class DefaultFailureConverter implements FailureConverter {
  readonly options: Required<DefaultFailureConverterOptions>;

  constructor(options: DefaultFailureConverterOptions = {}) {
    this.options = { encodeCommonAttributes: options.encodeCommonAttributes ?? false };
  }

  errorToFailure(error: unknown, payloadConverter: PayloadConverter): ProtoFailure {
    const failure = this.errorToFailureInner(error, payloadConverter);
    if (this.options.encodeCommonAttributes) {
      const { message, stackTrace } = failure;
      failure.message = 'Encoded failure';
      failure.stackTrace = '';
      failure.encodedAttributes = payloadConverter.toPayload({ message, stack_trace: stackTrace });
    }
    return failure;
  }

  failureToError(failure: ProtoFailure, payloadConverter: PayloadConverter): Error {
    const effective = this.withDecodedAttributes(failure, payloadConverter);
    const error = this.failureToErrorInner(effective, payloadConverter);
    error.stack = effective.stackTrace ?? '';
    if (error instanceof TemporalFailure) error.failure = effective;
    return error;
  }

  private errorToFailureInner(error: unknown, pc: PayloadConverter): ProtoFailure {
    if (error instanceof TemporalFailure) {
      // Decoded from the server and re-thrown: send the original back untouched (keeps fields we
      // do not model, e.g. from other SDKs). Copied, because encodeCommonAttributes mutates.
      if (error.failure) return { ...error.failure };
      return { ...this.commonFields(error, error.cause ? this.errorToFailure(error.cause, pc) : undefined), ...this.failureInfo(error, pc) };
    }
    if (isErrorLike(error)) {
      const ctorName = typeof error.constructor === 'function' ? error.constructor.name : undefined;
      return {
        ...this.commonFields(error, isErrorLike(error.cause) ? this.errorToFailure(error.cause, pc) : undefined),
        message: error.message || String(error),
        applicationFailureInfo: { type: ctorName || error.name || undefined, nonRetryable: false },
      };
    }
    return {
      message: describeThrownValue(error),
      stackTrace: '',
      source: FAILURE_SOURCE,
      applicationFailureInfo: { type: 'Error', nonRetryable: false },
    };
  }

  private commonFields(error: Error, cause: ProtoFailure | undefined): ProtoFailure {
    return { message: error.message, stackTrace: cutoffStackTrace(error.stack), cause, source: FAILURE_SOURCE };
  }

  /** The `failure_info` oneof for a TemporalFailure subclass; empty for the base class. */
  private failureInfo(error: TemporalFailure, pc: PayloadConverter): ProtoFailure {
    if (error instanceof ActivityFailure) {
      return {
        activityFailureInfo: {
          activityType: { name: error.activityType },
          activityId: error.activityId,
          retryState: encodeRetryState(error.retryState),
          identity: error.identity,
        },
      };
    }
    if (error instanceof ChildWorkflowFailure) {
      return {
        childWorkflowExecutionFailureInfo: {
          namespace: error.namespace,
          workflowExecution: error.execution,
          workflowType: { name: error.workflowType },
          retryState: encodeRetryState(error.retryState),
        },
      };
    }
    if (error instanceof ApplicationFailure) {
      return {
        applicationFailureInfo: {
          type: error.type,
          nonRetryable: error.nonRetryable,
          details: toPayloadsOrUndefined(pc, error.details),
          nextRetryDelay: optionalMsToDuration(error.nextRetryDelay, 'ApplicationFailure.nextRetryDelay'),
          category: encodeApplicationFailureCategory(error.category),
        },
      };
    }
    if (error instanceof CancelledFailure) {
      return { canceledFailureInfo: { details: toPayloadsOrUndefined(pc, error.details) } };
    }
    if (error instanceof TimeoutFailure) {
      return {
        timeoutFailureInfo: {
          timeoutType: encodeTimeoutType(error.timeoutType),
          lastHeartbeatDetails:
            error.lastHeartbeatDetails === undefined ? undefined : { payloads: [pc.toPayload(error.lastHeartbeatDetails)] },
        },
      };
    }
    if (error instanceof ServerFailure) return { serverFailureInfo: { nonRetryable: error.nonRetryable } };
    if (error instanceof NexusOperationFailure) {
      return {
        nexusOperationExecutionFailureInfo: {
          scheduledEventId: error.scheduledEventId ? Long.fromNumber(error.scheduledEventId) : undefined,
          endpoint: error.endpoint,
          service: error.service,
          operation: error.operation,
          operationToken: error.operationToken,
        },
      };
    }
    if (error instanceof TerminatedFailure) return { terminatedFailureInfo: {} };
    return {};
  }

  /** Applies `encodedAttributes` (message and stack moved there by a sender's encodeCommonAttributes). */
  private withDecodedAttributes(failure: ProtoFailure, pc: PayloadConverter): ProtoFailure {
    if (!failure.encodedAttributes) return failure;
    const attributes = pc.fromPayload<unknown>(failure.encodedAttributes);
    // Only trust the attributes when they have the agreed shape; anything else is ignored.
    if (typeof attributes !== 'object' || attributes === null) return failure;
    const { message, stack_trace: stackTrace } = attributes as { message?: unknown; stack_trace?: unknown };
    const copy = { ...failure };
    if (typeof message === 'string') copy.message = message;
    if (typeof stackTrace === 'string') copy.stackTrace = stackTrace;
    return copy;
  }

  private failureToErrorInner(failure: ProtoFailure, pc: PayloadConverter): Error {
    const message = failure.message ?? undefined;
    const cause = failure.cause ? this.failureToError(failure.cause, pc) : undefined;
    const app = failure.applicationFailureInfo;
    if (app) {
      return new ApplicationFailure(
        message,
        app.type,
        Boolean(app.nonRetryable),
        fromPayloads(pc, app.details),
        cause,
        optionalDurationToMs(app.nextRetryDelay),
        decodeApplicationFailureCategory(app.category),
      );
    }
    if (failure.serverFailureInfo) return new ServerFailure(message, Boolean(failure.serverFailureInfo.nonRetryable), cause);
    if (failure.timeoutFailureInfo) {
      const { lastHeartbeatDetails, timeoutType } = failure.timeoutFailureInfo;
      return new TimeoutFailure(message, fromPayloads(pc, lastHeartbeatDetails)[0], decodeTimeoutType(timeoutType));
    }
    if (failure.terminatedFailureInfo) return new TerminatedFailure(message, cause);
    if (failure.canceledFailureInfo) return new CancelledFailure(message, fromPayloads(pc, failure.canceledFailureInfo.details), cause);
    if (failure.resetWorkflowFailureInfo) {
      return new ApplicationFailure(message, 'ResetWorkflow', false, fromPayloads(pc, failure.resetWorkflowFailureInfo.lastHeartbeatDetails), cause);
    }
    const child = failure.childWorkflowExecutionFailureInfo;
    if (child) {
      return new ChildWorkflowFailure(
        child.namespace ?? undefined,
        child.workflowExecution ?? {},
        child.workflowType?.name ?? '',
        decodeRetryState(child.retryState),
        cause,
      );
    }
    const activity = failure.activityFailureInfo;
    if (activity) {
      return new ActivityFailure(
        message,
        activity.activityType?.name ?? '',
        activity.activityId ?? undefined,
        decodeRetryState(activity.retryState),
        activity.identity ?? undefined,
        cause,
      );
    }
    const nexus = failure.nexusOperationExecutionFailureInfo;
    if (nexus) {
      return new NexusOperationFailure(
        message,
        nexus.scheduledEventId === null || nexus.scheduledEventId === undefined ? undefined : int64ToNumber(nexus.scheduledEventId),
        nexus.endpoint ?? '',
        nexus.service ?? '',
        nexus.operation ?? '',
        nexus.operationToken || undefined,
        cause,
      );
    }
    // Nexus handler failures and any future failure kinds: a TemporalFailure that keeps the proto
    // (set by the caller), so nothing is lost if it is re-thrown.
    return new TemporalFailure(message, cause);
  }
}

/**
 * A shared {@link DefaultFailureConverter} with the default options, as `defaultFailureConverter` of
 * `@temporalio/common`: a custom failure converter can delegate to it for the cases it does not handle.
 *
 * @example
 * ```ts
 * const failureConverter: FailureConverter = {
 *   errorToFailure: (err, pc) => defaultFailureConverter.errorToFailure(redact(err), pc),
 *   failureToError: (failure, pc) => defaultFailureConverter.failureToError(failure, pc),
 * };
 * ```
 */
export const defaultFailureConverter: FailureConverter = new DefaultFailureConverter();

function toPayloadsOrUndefined(pc: PayloadConverter, values: readonly unknown[] | null | undefined): ProtoPayloads | undefined {
  return values && values.length > 0 ? { payloads: values.map((v) => pc.toPayload(v)) } : undefined;
}

function fromPayloads(pc: PayloadConverter, payloads: ProtoPayloads | null | undefined): unknown[] {
  return (payloads?.payloads ?? []).map((p: Payload) => pc.fromPayload(p));
}
