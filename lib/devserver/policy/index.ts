// Pure server policies: activity timeouts, retry decisions and cron schedules (spec §4).
export { type ActivityTimeouts, normalizeActivityTimeouts } from './activity-timeouts';
export {
  decideRetry,
  defaultRetryPolicy,
  type RetryDecision,
  type RetryFailure,
  type RetryInput,
  type RetryPolicy,
  RetryPolicyError,
  type RetryPolicyInput,
  TIMEOUT_FAILURE_TYPE_PREFIX,
  type TimeoutKind,
  withRetryDefaults,
} from './retry';
export { cronBackoffMs, CronScheduleError, nextCronTime, validateCronSchedule } from './cron';
export { parseGoDurationNanos } from './go-duration';
