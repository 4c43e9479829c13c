import { temporal } from '@temporalio/proto';

const RetryState = temporal.api.enums.v1.RetryState;

/** A complete retry policy with durations in milliseconds (the server's defaults filled in). */
export interface RetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  /** Cap on the interval between attempts. */
  maximumIntervalMs: number;
  /** Total attempts including the first; 0 = unlimited. */
  maximumAttempts: number;
  /** Application failure types (and `TemporalTimeout:StartToClose` / `TemporalTimeout:Heartbeat`) never retried. */
  nonRetryableErrorTypes: string[];
}

/** A retry policy as a request carries it: any field may be missing or 0, meaning "default". */
export interface RetryPolicyInput {
  initialIntervalMs?: number | null;
  backoffCoefficient?: number | null;
  maximumIntervalMs?: number | null;
  maximumAttempts?: number | null;
  nonRetryableErrorTypes?: readonly string[] | null;
}

/**
 * A retry policy the real server would refuse. `field` is the proto field name; the RPC layer
 * answers INVALID_ARGUMENT (or fails the workflow task) with the message.
 *
 * @example
 * ```ts
 * try { withRetryDefaults({ maximumAttempts: -1 }); } catch (e) {
 *   if (e instanceof RetryPolicyError) console.log(e.field); // 'maximum_attempts'
 * }
 * ```
 */
export class RetryPolicyError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }

  override get name(): string {
    return 'RetryPolicyError';
  }
}

const DEFAULT_INITIAL_INTERVAL_MS = 1000;
const DEFAULT_BACKOFF_COEFFICIENT = 2;
const DEFAULT_MAXIMUM_INTERVAL_FACTOR = 100;

/** Prefix the server matches timeout failures with against `non_retryable_error_types`. */
export const TIMEOUT_FAILURE_TYPE_PREFIX = 'TemporalTimeout:';

// Go's TimeoutTypeFromString accepts the short and the enum spelling.
const TIMEOUT_TYPE_NAMES: Record<string, TimeoutKind> = {
  StartToClose: 'START_TO_CLOSE',
  ScheduleToStart: 'SCHEDULE_TO_START',
  ScheduleToClose: 'SCHEDULE_TO_CLOSE',
  Heartbeat: 'HEARTBEAT',
  TIMEOUT_TYPE_START_TO_CLOSE: 'START_TO_CLOSE',
  TIMEOUT_TYPE_SCHEDULE_TO_START: 'SCHEDULE_TO_START',
  TIMEOUT_TYPE_SCHEDULE_TO_CLOSE: 'SCHEDULE_TO_CLOSE',
  TIMEOUT_TYPE_HEARTBEAT: 'HEARTBEAT',
};

/** Which timeout fired. */
export type TimeoutKind = 'START_TO_CLOSE' | 'HEARTBEAT' | 'SCHEDULE_TO_START' | 'SCHEDULE_TO_CLOSE';

/**
 * The server's default retry policy: initial interval 1 s (or the given one), coefficient 2,
 * maximum interval 100 × initial, unlimited attempts.
 *
 * @example
 * ```ts
 * defaultRetryPolicy(); // { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 100000, maximumAttempts: 0, nonRetryableErrorTypes: [] }
 * ```
 */
export function defaultRetryPolicy(initialIntervalMs = DEFAULT_INITIAL_INTERVAL_MS): RetryPolicy {
  return {
    initialIntervalMs,
    backoffCoefficient: DEFAULT_BACKOFF_COEFFICIENT,
    maximumIntervalMs: DEFAULT_MAXIMUM_INTERVAL_FACTOR * initialIntervalMs,
    maximumAttempts: 0,
    nonRetryableErrorTypes: [],
  };
}

function checkNumber(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RetryPolicyError(field, `${field} must be a finite number on retry policy, got ${String(value)}`);
  }
  return value;
}

/**
 * Fills unset (missing or 0) fields with the server defaults, then validates like the real server
 * (`EnsureDefaults` then `ValidateRetryPolicy`). `null`/`undefined` gives the default policy.
 *
 * @throws RetryPolicyError naming the field: negative intervals or attempts, a coefficient below 1,
 *   a maximum interval below the initial one, an unknown `TemporalTimeout:<type>` entry.
 * @example
 * ```ts
 * withRetryDefaults({ initialIntervalMs: 500, maximumAttempts: 3 });
 * // { initialIntervalMs: 500, backoffCoefficient: 2, maximumIntervalMs: 50000, maximumAttempts: 3, nonRetryableErrorTypes: [] }
 * ```
 */
export function withRetryDefaults(policy: RetryPolicyInput | null | undefined): RetryPolicy {
  const initial = checkNumber(policy?.initialIntervalMs, 'initial_interval');
  const coefficient = checkNumber(policy?.backoffCoefficient, 'backoff_coefficient');
  const maximum = checkNumber(policy?.maximumIntervalMs, 'maximum_interval');
  const attempts = checkNumber(policy?.maximumAttempts, 'maximum_attempts');

  if (initial < 0) throw new RetryPolicyError('initial_interval', 'initial_interval cannot be negative on retry policy');
  if (maximum < 0) throw new RetryPolicyError('maximum_interval', 'maximum_interval cannot be negative on retry policy');
  if (coefficient !== 0 && coefficient < 1) {
    throw new RetryPolicyError('backoff_coefficient', `backoff_coefficient cannot be less than 1 on retry policy, got ${coefficient}`);
  }
  if (attempts < 0) throw new RetryPolicyError('maximum_attempts', 'maximum_attempts cannot be negative on retry policy');
  if (!Number.isInteger(attempts)) {
    throw new RetryPolicyError('maximum_attempts', `maximum_attempts must be an integer on retry policy, got ${attempts}`);
  }

  const types = policy?.nonRetryableErrorTypes ?? [];
  for (const type of types) {
    if (typeof type !== 'string') {
      throw new RetryPolicyError('non_retryable_error_types', 'non_retryable_error_types must hold strings');
    }
    if (type.startsWith(TIMEOUT_FAILURE_TYPE_PREFIX) && !TIMEOUT_TYPE_NAMES[type.slice(TIMEOUT_FAILURE_TYPE_PREFIX.length)]) {
      throw new RetryPolicyError(
        'non_retryable_error_types',
        `Invalid timeout type value in non_retryable_error_types: ${type.slice(TIMEOUT_FAILURE_TYPE_PREFIX.length)}`,
      );
    }
  }

  const initialIntervalMs = initial || DEFAULT_INITIAL_INTERVAL_MS;
  const maximumIntervalMs = maximum || DEFAULT_MAXIMUM_INTERVAL_FACTOR * initialIntervalMs;
  if (maximumIntervalMs < initialIntervalMs) {
    throw new RetryPolicyError(
      'maximum_interval',
      `maximum_interval (${maximumIntervalMs} ms) cannot be less than initial_interval (${initialIntervalMs} ms) on retry policy`,
    );
  }
  return {
    initialIntervalMs,
    backoffCoefficient: coefficient || DEFAULT_BACKOFF_COEFFICIENT,
    maximumIntervalMs,
    maximumAttempts: attempts,
    nonRetryableErrorTypes: [...types],
  };
}

/** What failed, as far as retrying cares. */
export interface RetryFailure {
  /** `ApplicationFailureInfo.type`, matched against `nonRetryableErrorTypes`. */
  type?: string;
  /** `ApplicationFailureInfo.non_retryable` (or `ServerFailureInfo.non_retryable`). */
  nonRetryable?: boolean;
  /** Set when the attempt ended by a timeout rather than a failure. */
  isTimeout?: TimeoutKind;
  /** Canceled or terminated failures are never retried. */
  isCancelOrTerminate?: boolean;
  /** `ApplicationFailureInfo.next_retry_delay`, overriding the exponential backoff. */
  nextRetryDelayMs?: number;
}

/** Input of {@link decideRetry}. */
export interface RetryInput {
  /** The normalised policy; `null`/`undefined` means no policy (a workflow without one never retries). */
  policy: RetryPolicy | null | undefined;
  /** The attempt that just failed, 1-based. */
  attempt: number;
  failure: RetryFailure;
  nowMs: number;
  /** Absolute deadline (schedule-to-close, or workflow execution expiration); absent or 0 = none. */
  expirationTimeMs?: number;
}

/** Retry with the given backoff, or stop with a `temporal.api.enums.v1.RetryState`. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; retryState: number };

function isRetryable(failure: RetryFailure, nonRetryableTypes: readonly string[]): boolean {
  if (failure.isCancelOrTerminate) return false;
  if (failure.isTimeout !== undefined) {
    if (failure.isTimeout !== 'START_TO_CLOSE' && failure.isTimeout !== 'HEARTBEAT') return false;
    return !nonRetryableTypes.some(
      (t) =>
        t.startsWith(TIMEOUT_FAILURE_TYPE_PREFIX) &&
        TIMEOUT_TYPE_NAMES[t.slice(TIMEOUT_FAILURE_TYPE_PREFIX.length)] === failure.isTimeout,
    );
  }
  if (failure.nonRetryable) return false;
  return failure.type === undefined || !nonRetryableTypes.includes(failure.type);
}

/**
 * Decides whether a failed activity attempt (or workflow run) is retried, with the real server's
 * rules (spec §4, `getBackoffInterval`), in this order:
 *
 * 1. no policy → RETRY_POLICY_NOT_SET;
 * 2. canceled/terminated, `nonRetryable`, a type listed in `nonRetryableErrorTypes`, or a
 *    schedule-to-start / schedule-to-close timeout → NON_RETRYABLE_FAILURE (start-to-close and
 *    heartbeat timeouts are retryable unless `TemporalTimeout:StartToClose` /
 *    `TemporalTimeout:Heartbeat` is listed);
 * 3. `maximumAttempts > 0 && attempt >= maximumAttempts` → MAXIMUM_ATTEMPTS_REACHED;
 * 4. delay = `nextRetryDelayMs` if given, else initial × coefficient^(attempt−1); either capped at
 *    the maximum interval;
 * 5. now + delay after the expiration time → TIMEOUT.
 *
 * @example
 * ```ts
 * decideRetry({ policy: defaultRetryPolicy(), attempt: 3, failure: { type: 'Oops' }, nowMs: Date.now() });
 * // { retry: true, delayMs: 4000 }
 * ```
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { policy, failure, nowMs } = input;
  if (!policy) return { retry: false, retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET };
  if (!isRetryable(failure, policy.nonRetryableErrorTypes)) {
    return { retry: false, retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE };
  }
  const attempt = Math.max(1, Math.floor(input.attempt));
  if (policy.maximumAttempts > 0 && attempt >= policy.maximumAttempts) {
    return { retry: false, retryState: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED };
  }

  let delay =
    failure.nextRetryDelayMs !== undefined && failure.nextRetryDelayMs > 0
      ? failure.nextRetryDelayMs
      : policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, attempt - 1);
  // Overflowing exponentials (Infinity) fall back to the cap, as the real server does.
  if (policy.maximumIntervalMs > 0 && (!Number.isFinite(delay) || delay > policy.maximumIntervalMs)) {
    delay = policy.maximumIntervalMs;
  } else if (!Number.isFinite(delay)) {
    return { retry: false, retryState: RetryState.RETRY_STATE_TIMEOUT };
  }
  delay = Math.floor(delay);

  const expiration = input.expirationTimeMs ?? 0;
  if (expiration > 0 && nowMs + delay > expiration) {
    return { retry: false, retryState: RetryState.RETRY_STATE_TIMEOUT };
  }
  return { retry: true, delayMs: delay };
}
