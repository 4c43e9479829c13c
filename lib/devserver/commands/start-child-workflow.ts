/**
 * StartChildWorkflowExecution → StartChildWorkflowExecutionInitiated. The child itself is started once
 * the parent's workflow task is closed, giving ChildWorkflowExecutionStarted or
 * StartChildWorkflowExecutionFailed{WORKFLOW_ALREADY_EXISTS}.
 */
import type { temporal } from '@temporalio/proto';
import { durationToMs, msToDuration } from '../codec';
import { EventType, WftFailedCause, enums, type HistoryEvent } from '../proto';
import { DEFAULT_WORKFLOW_TASK_TIMEOUT_MS, MAX_WORKFLOW_TASK_TIMEOUT_MS, startRun } from '../engine/lifecycle';
import { runKey } from '../engine/records';
import { BadCommandError, type CommandContext } from './context';

export function applyStartChildWorkflow(ctx: CommandContext, attrs: temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes): void {
  const { engine, exec } = ctx;
  const bad = WftFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES;
  if (!attrs.workflowId) throw new BadCommandError(bad, 'StartChildWorkflowExecution: workflow_id is not set');
  if (!attrs.workflowType?.name) throw new BadCommandError(bad, 'StartChildWorkflowExecution: workflow_type is not set');
  const namespace = attrs.namespace || exec.rec.namespace;
  if (!engine.namespaces.has(namespace)) throw new BadCommandError(bad, `StartChildWorkflowExecution: namespace ${namespace} is not found`);
  let execTimeout: number, runTimeout: number, taskTimeout: number;
  try {
    execTimeout = durationToMs(attrs.workflowExecutionTimeout, 'workflow_execution_timeout');
    runTimeout = durationToMs(attrs.workflowRunTimeout, 'workflow_run_timeout');
    taskTimeout = durationToMs(attrs.workflowTaskTimeout, 'workflow_task_timeout');
  } catch (err) {
    throw new BadCommandError(bad, `StartChildWorkflowExecution: ${err instanceof Error ? err.message : String(err)}`);
  }
  const taskQueue = attrs.taskQueue?.name || exec.rec.taskQueue;
  // The real server records the defaults it applies: a 10 s workflow task timeout (never longer than
  // the run timeout), the TERMINATE parent close policy and the ALLOW_DUPLICATE id reuse policy.
  let recordedTaskTimeout = Math.min(taskTimeout || DEFAULT_WORKFLOW_TASK_TIMEOUT_MS, MAX_WORKFLOW_TASK_TIMEOUT_MS);
  const effectiveRun = runTimeout > 0 && execTimeout > 0 ? Math.min(runTimeout, execTimeout) : runTimeout || execTimeout;
  if (effectiveRun > 0) recordedTaskTimeout = Math.min(recordedTaskTimeout, effectiveRun);
  const parentClosePolicy = attrs.parentClosePolicy || enums.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE;
  const reusePolicy = attrs.workflowIdReusePolicy || enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
  const initiated = engine.append(exec, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
    startChildWorkflowExecutionInitiatedEventAttributes: {
      namespace,
      workflowId: attrs.workflowId,
      workflowType: attrs.workflowType,
      taskQueue: { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: attrs.input ?? undefined,
      workflowExecutionTimeout: attrs.workflowExecutionTimeout ?? undefined,
      // As recorded by the real server: the run timeout defaults to (and never exceeds) the execution timeout.
      workflowRunTimeout: effectiveRun > 0 ? msToDuration(effectiveRun) : undefined,
      workflowTaskTimeout: msToDuration(recordedTaskTimeout),
      parentClosePolicy,
      control: attrs.control ?? '',
      workflowTaskCompletedEventId: ctx.wftCompletedEventId,
      workflowIdReusePolicy: reusePolicy,
      retryPolicy: attrs.retryPolicy ?? undefined,
      cronSchedule: attrs.cronSchedule ?? '',
      header: attrs.header ?? undefined,
      memo: attrs.memo ?? undefined,
      searchAttributes: attrs.searchAttributes ?? undefined,
      priority: attrs.priority ?? undefined,
    },
  });
  const initiatedEventId = initiated.eventId as number;
  const workflowId = attrs.workflowId;
  const workflowType = attrs.workflowType.name;
  ctx.deferred.push(() => {
    if (!exec.isOpen) return;
    const currentId = engine.currentRunId(namespace, workflowId);
    const current = currentId ? engine.lookupRun(runKey(namespace, workflowId, currentId)) : undefined;
    if (current?.isOpen) {
      engine.deliver(exec, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, {
        startChildWorkflowExecutionFailedEventAttributes: {
          namespace,
          workflowId,
          workflowType: { name: workflowType },
          cause: enums.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS,
          control: attrs.control ?? '',
          initiatedEventId,
          workflowTaskCompletedEventId: ctx.wftCompletedEventId,
        },
      });
      return;
    }
    const child = startRun(engine, {
      namespace,
      workflowId,
      workflowType,
      taskQueue,
      input: attrs.input,
      header: attrs.header,
      memo: attrs.memo,
      searchAttributes: attrs.searchAttributes,
      executionTimeoutMs: execTimeout,
      runTimeoutMs: runTimeout,
      taskTimeoutMs: taskTimeout,
      retryPolicy: attrs.retryPolicy,
      cronSchedule: attrs.cronSchedule ?? '',
      identity: ctx.identity,
      requestId: `${exec.rec.runId}/${initiatedEventId}`,
      attempt: 1,
      firstTaskBackoffMs: 0,
      parent: { namespace: exec.rec.namespace, workflowId: exec.rec.workflowId, runId: exec.rec.runId, initiatedEventId },
      root: exec.rec.root ?? { workflowId: exec.rec.workflowId, runId: exec.rec.runId },
    });
    engine.touch(exec);
    const startedEvent = {
      childWorkflowExecutionStartedEventAttributes: {
        namespace,
        initiatedEventId,
        workflowExecution: { workflowId, runId: child.rec.runId },
        workflowType: { name: workflowType },
        header: attrs.header ?? undefined,
      },
    };
    exec.rec.children[String(initiatedEventId)] = {
      initiatedEventId,
      startedEventId: 0,
      namespace,
      workflowId,
      runId: child.rec.runId,
      workflowType,
      parentClosePolicy,
    };
    engine.deliver(exec, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, startedEvent);
    exec.rec.children[String(initiatedEventId)].startedEventId = findStarted(exec.events, initiatedEventId);
  });
}

function findStarted(events: HistoryEvent[], initiatedEventId: number): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const a = events[i].childWorkflowExecutionStartedEventAttributes;
    if (a && Number(a.initiatedEventId) === initiatedEventId) return Number(events[i].eventId);
  }
  return 0;
}
