/**
 * Workflow retry policies as users write them, checked and turned into `temporal.api.common.v1.RetryPolicy`.
 */
import type { temporal } from '@temporalio/proto';
import { optionalDurationToMs, durationToMs } from '../common/time';
import { optionalDuration, type Duration } from './duration';
import { InvalidOptionError } from './errors';

/**
 * How the server retries a failed workflow (or activity). Every field is optional; the server fills
 * in its defaults (1 s initial interval, coefficient 2, 100x maximum interval, unlimited attempts).
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes: ['BadInput'] };
 * ```
 */
export interface RetryPolicy {
  initialInterval?: Duration;
  /** At least 1. */
  backoffCoefficient?: number;
  maximumInterval?: Duration;
  /** 0 means unlimited. */
  maximumAttempts?: number;
  nonRetryableErrorTypes?: string[];
}

/** Validates `policy` (errors name `field.<option>`) and encodes it. */
export function compileRetryPolicy(policy: RetryPolicy, field: string): temporal.api.common.v1.IRetryPolicy {
  if (policy === null || typeof policy !== 'object') throw new InvalidOptionError(field, 'must be an object');
  const { backoffCoefficient, maximumAttempts, nonRetryableErrorTypes } = policy;
  if (backoffCoefficient !== undefined && !(typeof backoffCoefficient === 'number' && backoffCoefficient >= 1)) {
    throw new InvalidOptionError(`${field}.backoffCoefficient`, `must be a number >= 1, got ${String(backoffCoefficient)}`);
  }
  if (maximumAttempts !== undefined && !(Number.isInteger(maximumAttempts) && maximumAttempts >= 0)) {
    throw new InvalidOptionError(`${field}.maximumAttempts`, `must be a non-negative integer, got ${String(maximumAttempts)}`);
  }
  if (
    nonRetryableErrorTypes !== undefined &&
    !(Array.isArray(nonRetryableErrorTypes) && nonRetryableErrorTypes.every((t) => typeof t === 'string'))
  ) {
    throw new InvalidOptionError(`${field}.nonRetryableErrorTypes`, 'must be an array of strings');
  }
  const initialInterval = optionalDuration(policy.initialInterval, `${field}.initialInterval`);
  const maximumInterval = optionalDuration(policy.maximumInterval, `${field}.maximumInterval`);
  if (initialInterval && maximumInterval && durationToMs(maximumInterval) < durationToMs(initialInterval)) {
    throw new InvalidOptionError(`${field}.maximumInterval`, 'must not be shorter than initialInterval');
  }
  return {
    initialInterval,
    backoffCoefficient,
    maximumInterval,
    maximumAttempts,
    nonRetryableErrorTypes,
  };
}

/** The reverse of {@link compileRetryPolicy}, with intervals in milliseconds. */
export function decompileRetryPolicy(
  proto: temporal.api.common.v1.IRetryPolicy | null | undefined,
): RetryPolicy | undefined {
  if (!proto) return undefined;
  return {
    initialInterval: optionalDurationToMs(proto.initialInterval),
    backoffCoefficient: proto.backoffCoefficient ?? undefined,
    maximumInterval: optionalDurationToMs(proto.maximumInterval),
    maximumAttempts: proto.maximumAttempts ?? undefined,
    nonRetryableErrorTypes: proto.nonRetryableErrorTypes ?? undefined,
  };
}
