/**
 * Histories the contract suite builds by hand, in the canonical shape the core checks
 * (devserver spec §3.1): contiguous event ids, event times, and the attributes of each type.
 */
import Long from 'long';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

function timestamp(ms: number) {
  return { seconds: Long.fromNumber(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * The first workflow task of a run: WorkflowExecutionStarted → WorkflowTaskScheduled →
 * WorkflowTaskStarted. Replaying it yields one activation that initializes the workflow.
 */
export function firstWorkflowTaskHistory(opts: { workflowType: string; taskQueue: string; runId: string; startMs: number }): Uint8Array {
  const at = timestamp(opts.startMs);
  const history = temporal.api.history.v1.History.create({
    events: [
      {
        eventId: Long.fromNumber(1),
        eventTime: at,
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: opts.workflowType },
          taskQueue: { name: opts.taskQueue },
          workflowTaskTimeout: { seconds: Long.fromNumber(10) },
          originalExecutionRunId: opts.runId,
          firstExecutionRunId: opts.runId,
          attempt: 1,
        },
      },
      {
        eventId: Long.fromNumber(2),
        eventTime: at,
        eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        workflowTaskScheduledEventAttributes: {
          taskQueue: { name: opts.taskQueue },
          startToCloseTimeout: { seconds: Long.fromNumber(10) },
          attempt: 1,
        },
      },
      {
        eventId: Long.fromNumber(3),
        eventTime: at,
        eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        workflowTaskStartedEventAttributes: {
          scheduledEventId: Long.fromNumber(2),
          identity: 'contract-suite',
          requestId: `${opts.runId}-request`,
        },
      },
    ],
  });
  return temporal.api.history.v1.History.encode(history).finish();
}
