import type { temporal } from '@temporalio/proto';

/**
 * What an activity knows about the task it is running, as in `@temporalio/activity`'s `Info`.
 * Times are milliseconds (since the Unix epoch for timestamps).
 *
 * @example
 * ```ts
 * const { activityId, attempt, heartbeatDetails } = Context.current().info;
 * ```
 */
export interface Info {
  /** Opaque token that identifies this attempt; use it for async completion. */
  readonly taskToken: Uint8Array;
  /** {@link taskToken} in base64, handy as a map key or log attribute. */
  readonly base64TaskToken: string;
  readonly activityId: string;
  /** The activity's registered name, e.g. `chargeCard`. */
  readonly activityType: string;
  /** The namespace this worker polls. */
  readonly namespace: string;
  /** Same as {@link namespace}; kept for code written against the official SDK. */
  readonly activityNamespace: string;
  readonly taskQueue: string;
  /** 1 for the first attempt, incremented on every retry. */
  readonly attempt: number;
  readonly isLocal: boolean;
  /** Always `true` here: this worker runs activities scheduled by workflows. */
  readonly inWorkflow: boolean;
  readonly workflowExecution: { readonly workflowId: string; readonly runId: string };
  readonly workflowNamespace: string;
  readonly workflowType: string;
  /** When the activity was first scheduled. */
  readonly scheduledTimestampMs: number;
  /** When this attempt was scheduled. */
  readonly currentAttemptScheduledTimestampMs: number;
  /** When this attempt started (the server recorded the task as started). */
  readonly startedTimestampMs: number;
  /** 0 when not set. */
  readonly scheduleToCloseTimeoutMs: number;
  /** 0 when not set. */
  readonly startToCloseTimeoutMs: number;
  /** `undefined` when the activity has no heartbeat timeout. */
  readonly heartbeatTimeoutMs: number | undefined;
  /** Details of the last heartbeat of the previous attempt, decoded; `undefined` on a fresh start. */
  readonly heartbeatDetails: unknown;
  readonly retryPolicy: temporal.api.common.v1.IRetryPolicy | undefined;
  readonly priority: temporal.api.common.v1.IPriority | undefined;
}
