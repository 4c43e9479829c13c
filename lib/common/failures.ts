/**
 * The errors that cross workflow, activity and client boundaries as Temporal `Failure` protos.
 *
 * Every class is branded (see `class-marker.ts`) with the same marker as its `@temporalio/common`
 * namesake, so `instanceof` works in both directions between our classes and the official ones —
 * including errors thrown from workflow code inside the sandbox.
 */
import type { temporal } from '@temporalio/proto';
import { brandClass, hasClassBrand } from './class-marker';
import type { ApplicationFailureCategory, RetryState, TimeoutType } from './enums';
import type { Duration } from './time';

type ProtoFailure = temporal.api.failure.v1.IFailure;

/** The `source` we stamp on failures we create; the official TypeScript SDK's value, for byte compatibility. */
export const FAILURE_SOURCE = 'TypeScriptSDK';

/**
 * Base class of every failure that can cross a workflow or activity boundary. Do not throw it
 * directly; throw {@link ApplicationFailure}.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof TemporalFailure) console.log(err.message, err.cause); }
 * ```
 */
export class TemporalFailure extends Error {
  /** The failure this one was caused by. */
  declare cause: Error | undefined;
  /**
   * The proto this error was decoded from, when it came from the server. Re-throwing the error
   * re-sends this proto unchanged, so failures from other SDKs keep every field.
   */
  failure?: ProtoFailure;

  constructor(message?: string | null, cause?: Error) {
    super(message ?? undefined);
    this.cause = cause;
  }
}
brandClass(TemporalFailure, 'TemporalFailure');

/** Options of {@link ApplicationFailure.create}. */
export interface ApplicationFailureOptions {
  message?: string;
  /** Matched against a retry policy's `nonRetryableErrorTypes`. */
  type?: string;
  /** `true` stops retries regardless of the retry policy. Default `false`. */
  nonRetryable?: boolean;
  /** Extra values, serialized by the payload converter. */
  details?: unknown[];
  /** Overrides the retry policy's backoff for the next attempt: ms number or string like '10s'. */
  nextRetryDelay?: Duration;
  cause?: Error;
  category?: ApplicationFailureCategory;
}

/**
 * An application-specific failure: the one failure class user code should throw from activities
 * and workflows. Other errors thrown from an activity are converted to an `ApplicationFailure`
 * whose `type` is the error's class name.
 *
 * @example
 * ```ts
 * throw ApplicationFailure.create({ message: 'card declined', type: 'CardDeclined', nonRetryable: true, details: [{ code: 51 }] });
 * throw ApplicationFailure.retryable('inventory busy', 'Busy');
 * ```
 */
export class ApplicationFailure extends TemporalFailure {
  constructor(
    message?: string | null,
    public readonly type?: string | null,
    public readonly nonRetryable?: boolean | null,
    public readonly details?: unknown[] | null,
    cause?: Error,
    public readonly nextRetryDelay?: Duration,
    public readonly category?: ApplicationFailureCategory,
  ) {
    super(message, cause);
  }

  /**
   * Creates an `ApplicationFailure`; retryable unless `nonRetryable` is set.
   *
   * @example
   * ```ts
   * throw ApplicationFailure.create({ message: 'try later', nextRetryDelay: '30s' });
   * ```
   */
  static create(options: ApplicationFailureOptions): ApplicationFailure {
    const { message, type, nonRetryable = false, details, nextRetryDelay, cause, category } = options;
    return new this(message, type, nonRetryable, details, cause, nextRetryDelay, category);
  }

  /**
   * A retryable failure (still not retried when `type` is in the retry policy's `nonRetryableErrorTypes`).
   *
   * @example
   * ```ts
   * throw ApplicationFailure.retryable('rate limited', 'RateLimited', { retryAfter: 5 });
   * ```
   */
  static retryable(message?: string | null, type?: string | null, ...details: unknown[]): ApplicationFailure {
    return new this(message, type ?? 'Error', false, details);
  }

  /**
   * A failure that is never retried.
   *
   * @example
   * ```ts
   * throw ApplicationFailure.nonRetryable('order not found', 'NotFound');
   * ```
   */
  static nonRetryable(message?: string | null, type?: string | null, ...details: unknown[]): ApplicationFailure {
    return new this(message, type ?? 'Error', true, details);
  }

  /**
   * Wraps any thrown value (see {@link ensureApplicationFailure}), then applies `overrides`.
   *
   * @example
   * ```ts
   * catch (err) { throw ApplicationFailure.fromError(err, { nonRetryable: true }); }
   * ```
   */
  static fromError(error: unknown, overrides?: Partial<ApplicationFailureOptions>): ApplicationFailure {
    const failure = ensureApplicationFailure(error);
    Object.assign(failure, overrides);
    return failure;
  }
}
brandClass(ApplicationFailure, 'ApplicationFailure');

/**
 * Thrown when cancellation was requested; the `cause` of an activity or workflow that ended cancelled.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof CancelledFailure) await cleanup(); throw err; }
 * ```
 */
export class CancelledFailure extends TemporalFailure {
  constructor(
    message?: string | null,
    public readonly details: unknown[] = [],
    cause?: Error,
  ) {
    super(message, cause);
  }
}
brandClass(CancelledFailure, 'CancelledFailure');

/**
 * The `cause` when a workflow was terminated.
 *
 * @example
 * ```ts
 * if (err.cause instanceof TerminatedFailure) console.log('terminated:', err.cause.message);
 * ```
 */
export class TerminatedFailure extends TemporalFailure {}
brandClass(TerminatedFailure, 'TerminatedFailure');

/**
 * An activity or workflow timeout.
 *
 * @example
 * ```ts
 * if (err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'HEARTBEAT') resumeFrom(err.cause.lastHeartbeatDetails);
 * ```
 */
export class TimeoutFailure extends TemporalFailure {
  constructor(
    message?: string | null,
    public readonly lastHeartbeatDetails?: unknown,
    public readonly timeoutType?: TimeoutType,
  ) {
    super(message);
  }
}
brandClass(TimeoutFailure, 'TimeoutFailure');

/**
 * A failure that originated in the Temporal service.
 *
 * @example
 * ```ts
 * if (err.cause instanceof ServerFailure && err.cause.nonRetryable) giveUp();
 * ```
 */
export class ServerFailure extends TemporalFailure {
  constructor(
    message?: string | null,
    public readonly nonRetryable?: boolean,
    cause?: Error,
  ) {
    super(message, cause);
  }
}
brandClass(ServerFailure, 'ServerFailure');

/**
 * Seen in workflow code when an activity failed; the `cause` holds the reason (an
 * {@link ApplicationFailure}, {@link TimeoutFailure}, {@link CancelledFailure}, ...).
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ActivityFailure) log.warn(`${err.activityType} failed`, { cause: err.cause }); }
 * ```
 */
export class ActivityFailure extends TemporalFailure {
  constructor(
    message: string | null | undefined,
    public readonly activityType: string,
    public readonly activityId: string | undefined,
    public readonly retryState: RetryState | undefined,
    public readonly identity: string | undefined,
    cause?: Error,
  ) {
    super(message, cause);
  }
}
brandClass(ActivityFailure, 'ActivityFailure');

/**
 * Seen in a parent workflow when a child workflow failed; the `cause` holds the reason.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ChildWorkflowFailure) log.warn(`child ${err.execution.workflowId} failed`); }
 * ```
 */
export class ChildWorkflowFailure extends TemporalFailure {
  constructor(
    public readonly namespace: string | undefined,
    public readonly execution: temporal.api.common.v1.IWorkflowExecution,
    public readonly workflowType: string,
    public readonly retryState: RetryState | undefined,
    cause?: Error,
  ) {
    super('Child Workflow execution failed', cause);
  }
}
brandClass(ChildWorkflowFailure, 'ChildWorkflowFailure');

/**
 * Seen in workflow code when a Nexus operation failed; the `cause` holds the reason.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof NexusOperationFailure) log.warn(`${err.service}/${err.operation} failed`); }
 * ```
 */
export class NexusOperationFailure extends TemporalFailure {
  constructor(
    message: string | null | undefined,
    public readonly scheduledEventId: number | undefined,
    public readonly endpoint: string,
    public readonly service: string,
    public readonly operation: string,
    public readonly operationToken: string | undefined,
    cause?: Error,
  ) {
    super(message, cause);
  }
}
brandClass(NexusOperationFailure, 'NexusOperationFailure');

/**
 * Returns `error` when it already is an {@link ApplicationFailure} (ours or the official SDK's).
 * Otherwise wraps it: `message` from `error.message` (or `String(error)`), `type` from the error's
 * class name (`constructor.name`, falling back to `name`), the original stack, and `cause` when it
 * is an Error — the conversion the official activity worker applies to thrown errors.
 *
 * @example
 * ```ts
 * ensureApplicationFailure(new TypeError('bad')).type; // 'TypeError'
 * ```
 */
export function ensureApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (isErrorLike(error)) {
    const ctorName = typeof error.constructor === 'function' ? error.constructor.name : undefined;
    const failure = ApplicationFailure.create({
      message: error.message || String(error),
      type: ctorName || error.name || undefined,
      cause: isErrorLike(error.cause) ? error.cause : undefined,
    });
    failure.stack = typeof error.stack === 'string' ? error.stack : '';
    return failure;
  }
  const failure = ApplicationFailure.create({ message: describeThrownValue(error), type: 'Error' });
  failure.stack = '';
  return failure;
}

/**
 * Returns `error` when it already is a {@link TemporalFailure}; wraps anything else with
 * {@link ensureApplicationFailure}.
 *
 * @example
 * ```ts
 * const failure = ensureTemporalFailure(thrown);
 * ```
 */
export function ensureTemporalFailure(error: unknown): TemporalFailure {
  return error instanceof TemporalFailure ? error : ensureApplicationFailure(error);
}

/**
 * The message of the innermost cause of a {@link TemporalFailure} chain (or the error's own message).
 *
 * @example
 * ```ts
 * rootCause(workflowFailedError.cause); // 'card declined'
 * ```
 */
export function rootCause(error: unknown): string | undefined {
  if (error instanceof TemporalFailure) return error.cause ? rootCause(error.cause) : error.message;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  return typeof error === 'string' ? error : undefined;
}

/** True for real Errors and for error-shaped objects from other realms (e.g. the workflow sandbox). */
export function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (isRecord(value) && typeof value.name === 'string' && typeof value.message === 'string' && hasClassBrandOrStack(value))
  );
}

/** A readable message for a thrown value that is not an Error. */
export function describeThrownValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  return `${text} [a non-Error value (${value === null ? 'null' : typeof value}) was thrown; throw an Error to get a stack trace]`;
}

function hasClassBrandOrStack(value: Record<string, unknown>): boolean {
  return typeof value.stack === 'string' || hasClassBrand(value, 'TemporalFailure');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
