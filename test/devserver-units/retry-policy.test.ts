import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  decideRetry,
  defaultRetryPolicy,
  type RetryPolicy,
  RetryPolicyError,
  withRetryDefaults,
} from '../../lib/devserver/policy';

const RetryState = temporal.api.enums.v1.RetryState;
const NOW = 1_700_000_000_000;

function policyError(fn: () => unknown): RetryPolicyError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RetryPolicyError);
    return err as RetryPolicyError;
  }
  throw new Error('expected a RetryPolicyError');
}

describe('defaultRetryPolicy and withRetryDefaults', () => {
  it('has the server defaults: 1 s, ×2, 100 s cap, unlimited attempts', () => {
    expect(defaultRetryPolicy()).toEqual({
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 100_000,
      maximumAttempts: 0,
      nonRetryableErrorTypes: [],
    });
  });

  it('derives the maximum interval from a given initial interval', () => {
    expect(defaultRetryPolicy(250).maximumIntervalMs).toBe(25_000);
  });

  it('gives the default policy for a missing policy', () => {
    expect(withRetryDefaults(undefined)).toEqual(defaultRetryPolicy());
    expect(withRetryDefaults(null)).toEqual(defaultRetryPolicy());
  });

  it('fills zero fields with defaults and keeps set ones', () => {
    expect(
      withRetryDefaults({ initialIntervalMs: 500, backoffCoefficient: 0, maximumAttempts: 3, nonRetryableErrorTypes: ['Bad'] }),
    ).toEqual({
      initialIntervalMs: 500,
      backoffCoefficient: 2,
      maximumIntervalMs: 50_000,
      maximumAttempts: 3,
      nonRetryableErrorTypes: ['Bad'],
    });
  });

  it('rejects negative maximum attempts naming the field', () => {
    expect(policyError(() => withRetryDefaults({ maximumAttempts: -1 })).field).toBe('maximum_attempts');
  });

  it('rejects a backoff coefficient below 1 naming the field', () => {
    const err = policyError(() => withRetryDefaults({ backoffCoefficient: 0.5 }));
    expect(err.field).toBe('backoff_coefficient');
    expect(err.message).toMatch(/backoff_coefficient cannot be less than 1/);
  });

  it('rejects negative intervals naming the field', () => {
    expect(policyError(() => withRetryDefaults({ initialIntervalMs: -5 })).field).toBe('initial_interval');
    expect(policyError(() => withRetryDefaults({ maximumIntervalMs: -5 })).field).toBe('maximum_interval');
  });

  it('rejects a maximum interval below the initial interval', () => {
    const err = policyError(() => withRetryDefaults({ initialIntervalMs: 2000, maximumIntervalMs: 1000 }));
    expect(err.field).toBe('maximum_interval');
  });

  it('rejects an unknown TemporalTimeout type in non-retryable error types', () => {
    const err = policyError(() => withRetryDefaults({ nonRetryableErrorTypes: ['TemporalTimeout:Forever'] }));
    expect(err.field).toBe('non_retryable_error_types');
    expect(err.message).toMatch(/Forever/);
  });

  it('accepts known TemporalTimeout types in both spellings', () => {
    expect(() =>
      withRetryDefaults({ nonRetryableErrorTypes: ['TemporalTimeout:StartToClose', 'TemporalTimeout:TIMEOUT_TYPE_HEARTBEAT'] }),
    ).not.toThrow();
  });

  it('rejects a non-numeric field', () => {
    expect(policyError(() => withRetryDefaults({ initialIntervalMs: Number.POSITIVE_INFINITY })).field).toBe(
      'initial_interval',
    );
  });
});

describe('decideRetry', () => {
  const policy: RetryPolicy = defaultRetryPolicy();

  it('backs off initial × coefficient^(attempt − 1)', () => {
    expect(decideRetry({ policy, attempt: 1, failure: {}, nowMs: NOW })).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry({ policy, attempt: 2, failure: {}, nowMs: NOW })).toEqual({ retry: true, delayMs: 2000 });
    expect(decideRetry({ policy, attempt: 4, failure: {}, nowMs: NOW })).toEqual({ retry: true, delayMs: 8000 });
  });

  it('caps the backoff at the maximum interval', () => {
    expect(decideRetry({ policy, attempt: 20, failure: {}, nowMs: NOW })).toEqual({ retry: true, delayMs: 100_000 });
  });

  it('caps an overflowing exponential at the maximum interval', () => {
    expect(decideRetry({ policy, attempt: 5000, failure: {}, nowMs: NOW })).toEqual({ retry: true, delayMs: 100_000 });
  });

  it('uses next_retry_delay instead of the exponential backoff', () => {
    expect(decideRetry({ policy, attempt: 3, failure: { nextRetryDelayMs: 1500 }, nowMs: NOW })).toEqual({
      retry: true,
      delayMs: 1500,
    });
  });

  it('caps next_retry_delay at the maximum interval, as the real server does', () => {
    expect(decideRetry({ policy, attempt: 1, failure: { nextRetryDelayMs: 500_000 }, nowMs: NOW })).toEqual({
      retry: true,
      delayMs: 100_000,
    });
  });

  it('stops with MAXIMUM_ATTEMPTS_REACHED when the attempt reaches maximum attempts', () => {
    const limited = { ...policy, maximumAttempts: 3 };
    expect(decideRetry({ policy: limited, attempt: 2, failure: {}, nowMs: NOW }).retry).toBe(true);
    expect(decideRetry({ policy: limited, attempt: 3, failure: {}, nowMs: NOW })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
    });
  });

  it('never retries with maximum attempts 1', () => {
    expect(decideRetry({ policy: { ...policy, maximumAttempts: 1 }, attempt: 1, failure: {}, nowMs: NOW })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
    });
  });

  it('stops with NON_RETRYABLE_FAILURE for a non-retryable failure', () => {
    expect(decideRetry({ policy, attempt: 1, failure: { nonRetryable: true }, nowMs: NOW })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
    });
  });

  it('stops with NON_RETRYABLE_FAILURE for a type listed in nonRetryableErrorTypes', () => {
    const p = { ...policy, nonRetryableErrorTypes: ['PaymentDeclined'] };
    expect(decideRetry({ policy: p, attempt: 1, failure: { type: 'PaymentDeclined' }, nowMs: NOW })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
    });
    expect(decideRetry({ policy: p, attempt: 1, failure: { type: 'Other' }, nowMs: NOW }).retry).toBe(true);
  });

  it('stops for canceled or terminated failures', () => {
    expect(decideRetry({ policy, attempt: 1, failure: { isCancelOrTerminate: true }, nowMs: NOW })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
    });
  });

  it('retries start-to-close and heartbeat timeouts', () => {
    expect(decideRetry({ policy, attempt: 1, failure: { isTimeout: 'START_TO_CLOSE' }, nowMs: NOW }).retry).toBe(true);
    expect(decideRetry({ policy, attempt: 1, failure: { isTimeout: 'HEARTBEAT' }, nowMs: NOW }).retry).toBe(true);
  });

  it('never retries schedule-to-start and schedule-to-close timeouts', () => {
    for (const isTimeout of ['SCHEDULE_TO_START', 'SCHEDULE_TO_CLOSE'] as const) {
      expect(decideRetry({ policy, attempt: 1, failure: { isTimeout }, nowMs: NOW })).toEqual({
        retry: false,
        retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
      });
    }
  });

  it('honours TemporalTimeout:<type> entries in nonRetryableErrorTypes', () => {
    const p = { ...policy, nonRetryableErrorTypes: ['TemporalTimeout:StartToClose'] };
    expect(decideRetry({ policy: p, attempt: 1, failure: { isTimeout: 'START_TO_CLOSE' }, nowMs: NOW }).retry).toBe(false);
    expect(decideRetry({ policy: p, attempt: 1, failure: { isTimeout: 'HEARTBEAT' }, nowMs: NOW }).retry).toBe(true);
  });

  it('ignores the application type of a timeout when matching non-retryable types', () => {
    const p = { ...policy, nonRetryableErrorTypes: ['Boom'] };
    expect(decideRetry({ policy: p, attempt: 1, failure: { isTimeout: 'HEARTBEAT', type: 'Boom' }, nowMs: NOW }).retry).toBe(
      true,
    );
  });

  it('stops with TIMEOUT when the next attempt would start after the expiration time', () => {
    expect(decideRetry({ policy, attempt: 2, failure: {}, nowMs: NOW, expirationTimeMs: NOW + 1999 })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_TIMEOUT,
    });
  });

  it('retries when the next attempt starts exactly at the expiration time', () => {
    expect(decideRetry({ policy, attempt: 2, failure: {}, nowMs: NOW, expirationTimeMs: NOW + 2000 })).toEqual({
      retry: true,
      delayMs: 2000,
    });
  });

  it('treats an expiration time of 0 as none', () => {
    expect(decideRetry({ policy, attempt: 2, failure: {}, nowMs: NOW, expirationTimeMs: 0 }).retry).toBe(true);
  });

  it('reports RETRY_POLICY_NOT_SET without a policy (workflows without one never retry)', () => {
    expect(decideRetry({ policy: undefined, attempt: 1, failure: {}, nowMs: NOW })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET,
    });
  });

  it('checks non-retryability before maximum attempts', () => {
    const p = { ...policy, maximumAttempts: 1 };
    expect(decideRetry({ policy: p, attempt: 1, failure: { nonRetryable: true }, nowMs: NOW })).toEqual({
      retry: false,
      retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
    });
  });
});
