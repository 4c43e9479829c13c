import type { coresdk } from '@temporalio/proto';
import type { Info } from '../../activity/info';
import { optionalDurationToMs, timestampToMs, type ProtoTimestamp } from '../../common/time';

/** Where the activity runs: fields of {@link Info} that come from the worker, not the task. */
export interface ActivityInfoSource {
  readonly namespace: string;
  readonly taskQueue: string;
}

/**
 * Builds the activity's {@link Info} from a core `Start` task. `heartbeatDetails` are decoded by the
 * caller (through the data converter, which may be async).
 */
export function activityInfoFromStart(
  start: coresdk.activity_task.IStart,
  taskToken: Uint8Array,
  base64TaskToken: string,
  source: ActivityInfoSource,
  heartbeatDetails: unknown,
): Info {
  const execution = start.workflowExecution;
  return {
    taskToken,
    base64TaskToken,
    activityId: start.activityId ?? '',
    activityType: start.activityType ?? '',
    namespace: source.namespace,
    activityNamespace: source.namespace,
    taskQueue: source.taskQueue,
    attempt: start.attempt ?? 1,
    isLocal: start.isLocal ?? false,
    inWorkflow: true,
    workflowExecution: { workflowId: execution?.workflowId ?? '', runId: execution?.runId ?? '' },
    workflowNamespace: start.workflowNamespace ?? '',
    workflowType: start.workflowType ?? '',
    scheduledTimestampMs: optionalTimestamp(start.scheduledTime),
    currentAttemptScheduledTimestampMs: optionalTimestamp(start.currentAttemptScheduledTime ?? start.scheduledTime),
    startedTimestampMs: optionalTimestamp(start.startedTime),
    scheduleToCloseTimeoutMs: optionalDurationToMs(start.scheduleToCloseTimeout) ?? 0,
    startToCloseTimeoutMs: optionalDurationToMs(start.startToCloseTimeout) ?? 0,
    heartbeatTimeoutMs: nonZero(optionalDurationToMs(start.heartbeatTimeout)),
    heartbeatDetails,
    retryPolicy: start.retryPolicy ?? undefined,
    priority: start.priority ?? undefined,
  };
}

function optionalTimestamp(timestamp: ProtoTimestamp | null | undefined): number {
  return timestamp === null || timestamp === undefined ? 0 : timestampToMs(timestamp);
}

// A zero duration on the wire means "not set".
function nonZero(value: number | undefined): number | undefined {
  return value === 0 ? undefined : value;
}
