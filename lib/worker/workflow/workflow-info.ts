import { TypedSearchAttributes, convertDeploymentVersion, decodePriority, decompileRetryPolicy } from '@temporalio/common';
import { suggestContinueAsNewReasonsFromProto } from '@temporalio/common/lib/continue-as-new';
import { optionalTsToDate, optionalTsToMs, requiredTsToMs, tsToDate, tsToMs } from '@temporalio/common/lib/time';
import type { coresdk } from '@temporalio/proto';
import type { WorkflowInfo } from '@temporalio/workflow';
import { createUnsafeRandomSource } from '@temporalio/workflow/lib/random-helpers';

type Activation = coresdk.workflow_activation.IWorkflowActivation;
type InitializeWorkflow = coresdk.workflow_activation.IInitializeWorkflow;

/** Thrown when an activation lacks what the worker needs to create or run a workflow. */
export class MalformedActivationError extends TypeError {
  override readonly name = 'MalformedActivationError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) {
    throw new MalformedActivationError(field, `InitializeWorkflow activation is missing '${field}'`);
  }
  return value;
}

function historySize(activation: Activation): number {
  const size = activation.historySizeBytes;
  if (size === null || size === undefined) return 0;
  return typeof size === 'number' ? size : size.toNumber();
}

/** Where the workflow runs, which the activation itself does not say. */
export interface WorkerPlacement {
  namespace: string;
  taskQueue: string;
}

/**
 * Builds the `WorkflowInfo` a new workflow starts with from its first activation. Search attributes
 * and memo are left empty here: they are payloads, decoded inside the sandbox by the runtime's
 * `initializeWorkflow` handler with the workflow's own payload converter.
 */
export function workflowInfoFromActivation(activation: Activation, init: InitializeWorkflow, placement: WorkerPlacement): WorkflowInfo {
  const runId = required(activation.runId, 'runId');
  const timestamp = required(activation.timestamp, 'timestamp');
  const parent = init.parentWorkflowInfo;
  const root = init.rootWorkflow;
  const isReplaying = activation.isReplaying ?? false;
  return {
    workflowId: required(init.workflowId, 'workflowId'),
    runId,
    workflowType: required(init.workflowType, 'workflowType'),
    searchAttributes: {},
    typedSearchAttributes: new TypedSearchAttributes(),
    parent:
      parent?.workflowId && parent.runId && parent.namespace
        ? { workflowId: parent.workflowId, runId: parent.runId, namespace: parent.namespace }
        : undefined,
    root: root?.workflowId && root.runId ? { workflowId: root.workflowId, runId: root.runId } : undefined,
    taskQueue: placement.taskQueue,
    namespace: placement.namespace,
    firstExecutionRunId: required(init.firstExecutionRunId, 'firstExecutionRunId'),
    originalExecutionRunId: init.originalExecutionRunId || runId,
    continuedFromExecutionRunId: init.continuedFromExecutionRunId || undefined,
    startTime: tsToDate(required(init.startTime, 'startTime')),
    runStartTime: tsToDate(timestamp),
    executionTimeoutMs: optionalTsToMs(init.workflowExecutionTimeout),
    executionExpirationTime: optionalTsToDate(init.workflowExecutionExpirationTime),
    runTimeoutMs: optionalTsToMs(init.workflowRunTimeout),
    taskTimeoutMs: requiredTsToMs(init.workflowTaskTimeout, 'workflowTaskTimeout'),
    retryPolicy: decompileRetryPolicy(init.retryPolicy),
    attempt: required(init.attempt, 'attempt'),
    cronSchedule: init.cronSchedule || undefined,
    // 0 means "not set": crons are at least a minute apart.
    cronScheduleToScheduleInterval: optionalTsToMs(init.cronScheduleToScheduleInterval) || undefined,
    historyLength: activation.historyLength ?? 0,
    historySize: historySize(activation),
    continueAsNewSuggested: activation.continueAsNewSuggested ?? false,
    targetWorkerDeploymentVersionChanged: activation.targetWorkerDeploymentVersionChanged ?? false,
    suggestedContinueAsNewReasons: suggestContinueAsNewReasonsFromProto(activation.suggestContinueAsNewReasons),
    currentBuildId: activation.deploymentVersionForCurrentTask?.buildId ?? '',
    currentDeploymentVersion: convertDeploymentVersion(activation.deploymentVersionForCurrentTask),
    unsafe: {
      // Both replaced inside the sandbox by `initRuntime` with the real clock and entropy.
      now: () => Date.now(),
      random: createUnsafeRandomSource(Math.random),
      isReplaying,
      isReplayingHistoryEvents: isReplaying,
    },
    priority: decodePriority(init.priority),
  };
}

/** The activation's timestamp in ms since the epoch. */
export function activationTime(activation: Activation): number {
  return tsToMs(required(activation.timestamp, 'timestamp'));
}

export { historySize };
