/**
 * SDK-facing enums as string unions (like the official SDK), with converters to and from the proto
 * enum numbers. Strings because workflow code and JSON logs read better with `'TIMEOUT'` than `3`,
 * and because the names match `@temporalio/common` exactly, so values pass between the two freely.
 */
import { ValueError } from './errors';

/** Encodes a short name (or the full proto name, or a number) to the proto number; `null`/`undefined` stay `undefined`. */
export type EnumEncoder<K extends string> = (value: K | `${string}_${K}` | number | null | undefined) => number | undefined;
/** Decodes a proto number to the short name; 0 (UNSPECIFIED) gives `undefined`, unknown numbers give `unknown_<n>`. */
export type EnumDecoder<K extends string> = (value: number | null | undefined) => K | undefined;

/**
 * Builds an encoder/decoder pair for one proto enum.
 *
 * Unknown numbers decode to `unknown_<n>` rather than throwing: a newer server may send values this
 * SDK does not know yet, and failing the whole conversion for an informational field would be worse.
 *
 * @example
 * ```ts
 * const [encodeColor, decodeColor] = makeEnumConverters<'RED' | 'BLUE'>('Color', { RED: 1, BLUE: 2 }, 'COLOR_');
 * encodeColor('COLOR_BLUE'); // 2
 * decodeColor(1);            // 'RED'
 * ```
 */
export function makeEnumConverters<K extends string>(
  enumName: string,
  numbers: Readonly<Record<K, number>>,
  protoPrefix: string,
): [EnumEncoder<K>, EnumDecoder<K>] {
  const byNumber = new Map<number, K>();
  for (const [name, n] of Object.entries(numbers) as [K, number][]) byNumber.set(n, name);

  const encode: EnumEncoder<K> = (value) => {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new ValueError(`Invalid ${enumName}: ${value} is not an integer`);
      return value;
    }
    if (typeof value === 'string') {
      const short = value.startsWith(protoPrefix) ? value.slice(protoPrefix.length) : value;
      if (Object.prototype.hasOwnProperty.call(numbers, short)) return numbers[short as K];
      if (short === 'UNSPECIFIED') return 0;
      throw new ValueError(`Invalid ${enumName}: '${value}' (expected one of ${Object.keys(numbers).join(', ')})`);
    }
    throw new ValueError(`Invalid ${enumName}: expected a string, got ${typeof value}`);
  };

  const decode: EnumDecoder<K> = (value) => {
    if (value === null || value === undefined || value === 0) return undefined;
    return byNumber.get(value) ?? (`unknown_${value}` as K);
  };

  return [encode, decode];
}

/**
 * Why a retrying operation (activity, child workflow) stopped retrying.
 *
 * @example
 * ```ts
 * if (err instanceof ActivityFailure && err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED) { ... }
 * ```
 */
export const RetryState = {
  IN_PROGRESS: 'IN_PROGRESS',
  NON_RETRYABLE_FAILURE: 'NON_RETRYABLE_FAILURE',
  TIMEOUT: 'TIMEOUT',
  MAXIMUM_ATTEMPTS_REACHED: 'MAXIMUM_ATTEMPTS_REACHED',
  RETRY_POLICY_NOT_SET: 'RETRY_POLICY_NOT_SET',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  CANCEL_REQUESTED: 'CANCEL_REQUESTED',
} as const;
export type RetryState = (typeof RetryState)[keyof typeof RetryState];

export const [encodeRetryState, decodeRetryState] = makeEnumConverters<RetryState>(
  'RetryState',
  {
    IN_PROGRESS: 1,
    NON_RETRYABLE_FAILURE: 2,
    TIMEOUT: 3,
    MAXIMUM_ATTEMPTS_REACHED: 4,
    RETRY_POLICY_NOT_SET: 5,
    INTERNAL_SERVER_ERROR: 6,
    CANCEL_REQUESTED: 7,
  },
  'RETRY_STATE_',
);

/**
 * Which timeout fired.
 *
 * @example
 * ```ts
 * if (err.cause instanceof TimeoutFailure && err.cause.timeoutType === TimeoutType.HEARTBEAT) { ... }
 * ```
 */
export const TimeoutType = {
  START_TO_CLOSE: 'START_TO_CLOSE',
  SCHEDULE_TO_START: 'SCHEDULE_TO_START',
  SCHEDULE_TO_CLOSE: 'SCHEDULE_TO_CLOSE',
  HEARTBEAT: 'HEARTBEAT',
} as const;
export type TimeoutType = (typeof TimeoutType)[keyof typeof TimeoutType];

export const [encodeTimeoutType, decodeTimeoutType] = makeEnumConverters<TimeoutType>(
  'TimeoutType',
  { START_TO_CLOSE: 1, SCHEDULE_TO_START: 2, SCHEDULE_TO_CLOSE: 3, HEARTBEAT: 4 },
  'TIMEOUT_TYPE_',
);

/**
 * Severity of an application failure. `BENIGN` failures are expected (e.g. polling until ready) and
 * are logged at debug level without failure metrics.
 *
 * @example
 * ```ts
 * throw ApplicationFailure.create({ message: 'not ready yet', category: ApplicationFailureCategory.BENIGN });
 * ```
 */
export const ApplicationFailureCategory = {
  BENIGN: 'BENIGN',
} as const;
export type ApplicationFailureCategory = (typeof ApplicationFailureCategory)[keyof typeof ApplicationFailureCategory];

export const [encodeApplicationFailureCategory, decodeApplicationFailureCategory] =
  makeEnumConverters<ApplicationFailureCategory>('ApplicationFailureCategory', { BENIGN: 1 }, 'APPLICATION_ERROR_CATEGORY_');
