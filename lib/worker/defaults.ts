/**
 * Every default of `Worker.create`, in one place. Values follow `@temporalio/worker` 1.24, except
 * `buildId` (ours names this SDK).
 */
export const WORKER_DEFAULTS = {
  namespace: 'default',
  buildId: 'temporal-native',
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentLocalActivityExecutions: 100,
  /** Activity pollers never exceed the activity slots: `min(this, maxConcurrentActivityTaskExecutions)`. */
  maxConcurrentActivityTaskPolls: 10,
  maxConcurrentWorkflowTaskPolls: 10,
  maxCachedWorkflows: 1000,
  stickyQueueScheduleToStartTimeoutMs: 10_000,
  maxHeartbeatThrottleIntervalMs: 60_000,
  defaultHeartbeatThrottleIntervalMs: 30_000,
  shutdownGraceTimeMs: 0,
  nonStickyToStickyPollRatio: 0.2,
  handleSignals: true,
  enableNonLocalActivities: true,
  /** One V8 realm shared by the cached workflows (`reuseV8Context`), each with its own module instances. */
  reuseV8Context: true,
  showStackTraceSources: false,
  /** Longest one call into workflow code may run; `debugMode` lifts the limit. */
  isolateExecutionTimeoutMs: 5000,
  /** `type: 'autoscaling'` pollers without bounds. */
  autoscalingPollers: { minimum: 1, maximum: 100, initial: 5 },
  /** Resource-based slots per kind when the tuner leaves them out. */
  resourceBasedSlots: {
    workflow: { minimumSlots: 2, maximumSlots: 1000, rampThrottleMs: 0 },
    activity: { minimumSlots: 1, maximumSlots: 2000, rampThrottleMs: 50 },
    localActivity: { minimumSlots: 1, maximumSlots: 2000, rampThrottleMs: 50 },
    nexus: { minimumSlots: 1, maximumSlots: 2000, rampThrottleMs: 50 },
  },
} as const;

/** `debugMode` defaults to on when `TEMPORAL_DEBUG` is set, as in the official worker. */
export function defaultDebugMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TEMPORAL_DEBUG !== undefined && env.TEMPORAL_DEBUG !== '' && env.TEMPORAL_DEBUG !== '0' && env.TEMPORAL_DEBUG !== 'false';
}
