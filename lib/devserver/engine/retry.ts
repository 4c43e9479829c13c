/**
 * Adapts the shared retry policy rules (`../policy`) to protobuf messages: RetryPolicy messages to the
 * millisecond records kept in state, and Failure messages to the facts a retry decision needs.
 */
import { durationToMs, msToDuration } from '../codec';
import { decideRetry as decide, withRetryDefaults, type RetryDecision, type TimeoutKind } from '../policy';
import type { Failure, RetryPolicy } from '../proto';
import type { RetryPolicyRecord } from './records';

export type { RetryDecision };

/** Fills server defaults into a RetryPolicy message; throws RetryPolicyError / ServiceError naming the field. */
export function normaliseRetryPolicy(p: RetryPolicy | null | undefined, field: string): RetryPolicyRecord {
  return withRetryDefaults({
    initialIntervalMs: durationToMs(p?.initialInterval, `${field}.initial_interval`),
    backoffCoefficient: p?.backoffCoefficient ?? 0,
    maximumIntervalMs: durationToMs(p?.maximumInterval, `${field}.maximum_interval`),
    maximumAttempts: p?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: p?.nonRetryableErrorTypes ?? [],
  });
}

export function retryPolicyToProto(r: RetryPolicyRecord): RetryPolicy {
  return {
    initialInterval: msToDuration(r.initialIntervalMs),
    backoffCoefficient: r.backoffCoefficient,
    maximumInterval: msToDuration(r.maximumIntervalMs),
    maximumAttempts: r.maximumAttempts,
    nonRetryableErrorTypes: r.nonRetryableErrorTypes,
  };
}

const TIMEOUT_KINDS: Record<number, TimeoutKind> = {
  1: 'START_TO_CLOSE',
  2: 'SCHEDULE_TO_START',
  3: 'SCHEDULE_TO_CLOSE',
  4: 'HEARTBEAT',
};

/** Decides whether attempt `attempt` that failed with `failure` is retried before `deadline` (0 = none). */
export function decideRetry(
  policy: RetryPolicyRecord | null,
  attempt: number,
  failure: Failure,
  deadline: number,
  now: number,
): RetryDecision {
  const app = failure.applicationFailureInfo;
  const nextDelay = app?.nextRetryDelay ? durationToMs(app.nextRetryDelay, 'failure.next_retry_delay') : undefined;
  return decide({
    policy,
    attempt,
    nowMs: now,
    expirationTimeMs: deadline,
    failure: {
      type: app ? (app.type ?? '') : undefined,
      nonRetryable: !!(app?.nonRetryable || failure.serverFailureInfo?.nonRetryable),
      isTimeout: failure.timeoutFailureInfo ? TIMEOUT_KINDS[failure.timeoutFailureInfo.timeoutType ?? 0] ?? 'START_TO_CLOSE' : undefined,
      isCancelOrTerminate: !!(failure.canceledFailureInfo || failure.terminatedFailureInfo),
      nextRetryDelayMs: nextDelay,
    },
  });
}
