/**
 * Starting a workflow through the API (start, signal-with-start, update-with-start): request
 * validation, request-id idempotency, and the workflow id reuse / conflict policies.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { durationToMs } from '../codec';
import { invalidArgument, workflowAlreadyStarted } from '../errors';
import { WorkflowStatus, enums } from '../proto';
import type { Engine } from './engine';
import type { Execution } from './execution';
import { startRun, terminateRun, type SignalOnStart } from './lifecycle';
import { normaliseRetryPolicy } from './retry';
import { runKey } from './records';
import { requireValidSearchAttributes } from './search-attributes';
import { cronBackoffMs, validateCronSchedule } from '../policy';

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

const Conflict = enums.WorkflowIdConflictPolicy;
const Reuse = enums.WorkflowIdReusePolicy;

export interface StartOutcome {
  exec: Execution;
  started: boolean;
}

const FAILED_STATUSES = new Set<number>([
  WorkflowStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
  WorkflowStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
  WorkflowStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
  WorkflowStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
]);

function validDuration(d: { seconds?: unknown; nanos?: number | null } | null | undefined, name: string): void {
  try {
    durationToMs(d as Parameters<typeof durationToMs>[0], name);
  } catch {
    const negative = Number(d?.seconds ?? 0) < 0 || (d?.nanos ?? 0) < 0;
    throw invalidArgument(`An invalid ${name} is set on request.${negative ? ' cause: negative duration' : ''}`);
  }
}

/** Validates the fields every start-like request shares, naming the first bad field. */
export function validateStart(req: StartRequest): void {
  // Messages as the real server's frontend words them.
  if (!req.workflowId) throw invalidArgument('WorkflowId is not set on request.');
  if (!req.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
  if (!req.taskQueue?.name) throw invalidArgument('missing task queue name');
  validDuration(req.workflowExecutionTimeout, 'WorkflowExecutionTimeoutSeconds');
  validDuration(req.workflowRunTimeout, 'WorkflowRunTimeoutSeconds');
  validDuration(req.workflowTaskTimeout, 'WorkflowTaskTimeoutSeconds');
  validDuration(req.workflowStartDelay, 'WorkflowStartDelaySeconds');
  if (req.cronSchedule) {
    try {
      validateCronSchedule(req.cronSchedule);
    } catch {
      throw invalidArgument('invalid CronSchedule.');
    }
  }
  if (req.retryPolicy) {
    try {
      normaliseRetryPolicy(req.retryPolicy, 'retry_policy');
    } catch (err) {
      throw invalidArgument(err instanceof Error ? err.message : String(err));
    }
  }
  // The real frontend refuses these combinations before looking at the current run.
  const reuse = req.workflowIdReusePolicy ?? 0;
  const conflict = req.workflowIdConflictPolicy ?? 0;
  if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING && conflict !== Conflict.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED) {
    throw invalidArgument('Invalid WorkflowIDReusePolicy: WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING cannot be used together with a WorkflowIDConflictPolicy');
  }
  if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE && conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
    throw invalidArgument(
      'Invalid WorkflowIDReusePolicy: WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE cannot be used together with WorkflowIdConflictPolicy WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING',
    );
  }
  if (req.cronSchedule && req.workflowStartDelay && durationToMs(req.workflowStartDelay, 'workflow_start_delay') > 0) {
    throw invalidArgument('workflow_start_delay cannot be combined with cron_schedule');
  }
}

/** Starts (or, per policy, reuses) a workflow. Must run inside a transaction. */
export function startWorkflow(engine: Engine, namespace: string, req: StartRequest, signal?: SignalOnStart): StartOutcome {
  validateStart(req);
  requireValidSearchAttributes(engine, namespace, req.searchAttributes);
  const workflowId = req.workflowId as string;
  const requestId = req.requestId || randomUUID();
  const currentId = engine.currentRunId(namespace, workflowId);
  const current = currentId ? engine.lookupRun(runKey(namespace, workflowId, currentId)) : undefined;
  if (current && req.requestId && current.rec.requestId === req.requestId) return { exec: current, started: true };
  if (current?.isOpen) {
    const conflict = req.workflowIdConflictPolicy ?? Conflict.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED;
    if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) return { exec: current, started: false };
    const terminate =
      conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING ||
      req.workflowIdReusePolicy === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING;
    if (!terminate) throw workflowAlreadyStarted(workflowId, current.rec.requestId, current.rec.runId);
    terminateRun(engine, current, 'terminated by a new start with the same workflow id', null, req.identity ?? '');
  } else if (current) {
    const reuse = req.workflowIdReusePolicy ?? Reuse.WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED;
    if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) {
      throw workflowAlreadyStarted(workflowId, current.rec.requestId, current.rec.runId, 'finishedRejectDuplicate');
    }
    if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY && !FAILED_STATUSES.has(current.rec.status)) {
      throw workflowAlreadyStarted(workflowId, current.rec.requestId, current.rec.runId, 'finishedFailedOnly');
    }
  }
  const exec = startRun(engine, {
    namespace,
    workflowId,
    workflowType: req.workflowType?.name as string,
    taskQueue: req.taskQueue?.name as string,
    input: req.input,
    header: req.header,
    memo: req.memo,
    searchAttributes: req.searchAttributes,
    executionTimeoutMs: durationToMs(req.workflowExecutionTimeout, 'workflow_execution_timeout'),
    runTimeoutMs: durationToMs(req.workflowRunTimeout, 'workflow_run_timeout'),
    taskTimeoutMs: durationToMs(req.workflowTaskTimeout, 'workflow_task_timeout'),
    retryPolicy: req.retryPolicy,
    cronSchedule: req.cronSchedule ?? '',
    identity: req.identity ?? '',
    requestId,
    attempt: 1,
    continuedFailure: req.continuedFailure,
    lastCompletionResult: req.lastCompletionResult,
    firstTaskBackoffMs: durationToMs(req.workflowStartDelay, 'workflow_start_delay') || cronFirstDelay(req.cronSchedule ?? '', engine.clock.now()),
    // Like the real server, even the first run of a cron workflow says it was started by the schedule.
    initiator: req.cronSchedule ? enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE : undefined,
    signal,
    priority: req.priority,
    userMetadata: req.userMetadata,
  });
  return { exec, started: true };
}


function cronFirstDelay(schedule: string, now: number): number {
  if (!schedule) return 0;
  const delay = cronBackoffMs(schedule, now);
  return Number.isFinite(delay) ? delay : 0;
}
