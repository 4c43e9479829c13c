/**
 * Options for starting a workflow, their validation (every problem names its field, before any RPC)
 * and their translation into the fields shared by StartWorkflowExecution and SignalWithStart.
 */
import type { temporal } from '@temporalio/proto';
import { optionalDuration, type Duration } from './duration';
import {
  workflowIdConflictPolicy,
  workflowIdReusePolicy,
  type WorkflowIdConflictPolicy,
  type WorkflowIdReusePolicy,
  type UpdateStage,
} from './enums';
import { UnsupportedOptionError } from '../common/options-validation';
import { InvalidOptionError } from './errors';
import { compileRetryPolicy, type RetryPolicy } from './retry-policy';
import {
  encodeSearchAttributes,
  type SearchAttributes,
  type TypedSearchAttributesInput,
} from './search-attributes';

/**
 * How to start a workflow. `taskQueue` and `workflowId` are required.
 *
 * @example
 * ```ts
 * const options: WorkflowOptions = {
 *   taskQueue: 'orders',
 *   workflowId: `order-${orderId}`,
 *   args: [orderId],
 *   workflowIdReusePolicy: 'REJECT_DUPLICATE',
 *   workflowRunTimeout: '1 hour',
 *   retry: { maximumAttempts: 3 },
 * };
 * ```
 */
export interface WorkflowOptions {
  taskQueue: string;
  workflowId: string;
  args?: unknown[];
  /** Short name (`'ALLOW_DUPLICATE'`), full proto name or enum number. */
  workflowIdReusePolicy?: WorkflowIdReusePolicy | `WORKFLOW_ID_REUSE_POLICY_${WorkflowIdReusePolicy}` | number;
  /** Short name (`'USE_EXISTING'`), full proto name or enum number. */
  workflowIdConflictPolicy?: WorkflowIdConflictPolicy | `WORKFLOW_ID_CONFLICT_POLICY_${WorkflowIdConflictPolicy}` | number;
  retry?: RetryPolicy;
  /** A cron expression; the server starts a new run on each tick. */
  cronSchedule?: string;
  /** Non-indexed values attached to the execution, encoded with the client's data converter. */
  memo?: Record<string, unknown>;
  /** Untyped search attributes: name to an array of values. */
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: TypedSearchAttributesInput;
  workflowExecutionTimeout?: Duration;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  /** Time before the first workflow task is dispatched. */
  startDelay?: Duration;
  /** Whether handles follow continue-as-new, retry and cron runs in `result()` (default true). */
  followRuns?: boolean;
}

/**
 * Update stages a caller may wait for.
 *
 * @example
 * ```ts
 * await handle.startUpdate(addItem, { args: ['tea'], waitForStage: 'ACCEPTED' });
 * ```
 */
export type WorkflowUpdateStage = Exclude<UpdateStage, 'ADMITTED'>;

/**
 * A workflow function or its type name.
 *
 * @example
 * ```ts
 * await client.workflow.start('greet', opts); // or start(greet, opts)
 * ```
 */
export type WorkflowTypeOrFunction = string | ((...args: never[]) => unknown);

/** Resolves a workflow type name from a name or a workflow function. */
export function workflowTypeName(workflowTypeOrFunction: WorkflowTypeOrFunction): string {
  if (typeof workflowTypeOrFunction === 'string' && workflowTypeOrFunction.length > 0) return workflowTypeOrFunction;
  if (typeof workflowTypeOrFunction === 'function' && workflowTypeOrFunction.name) return workflowTypeOrFunction.name;
  throw new InvalidOptionError('workflowType', 'must be a non-empty string or a named workflow function');
}

/** Resolves a signal/query/update name from a name or a definition (`defineSignal(...)` etc.). */
export function definitionName(def: string | { name: string }, field: string): string {
  const name = typeof def === 'string' ? def : def !== null && typeof def === 'object' ? def.name : undefined;
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError(field, 'must be a non-empty name or a definition with a name');
  }
  // Ignoring the type info would convert the values differently from what the caller asked for.
  if (typeof def === 'object' && (def as { typeInfo?: unknown }).typeInfo !== undefined) {
    throw new UnsupportedOptionError(
      `${field}.typeInfo`,
      'payload type information is not supported: define it without typeInfo (values go through the data converter as they are)',
    );
  }
  return name;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidOptionError(field, `must be a non-empty string, got ${value === '' ? "''" : typeof value}`);
  }
  return value;
}

/** The start-request fields that do not need the data converter. */
export type CompiledWorkflowOptions = Pick<
  temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest,
  | 'workflowId'
  | 'taskQueue'
  | 'workflowIdReusePolicy'
  | 'workflowIdConflictPolicy'
  | 'retryPolicy'
  | 'cronSchedule'
  | 'searchAttributes'
  | 'workflowExecutionTimeout'
  | 'workflowRunTimeout'
  | 'workflowTaskTimeout'
  | 'workflowStartDelay'
> & { workflowId: string };

/**
 * Checks every option and translates them. Throws `InvalidOptionError` (a `TypeError`) naming the
 * first bad field.
 *
 * @example
 * ```ts
 * compileWorkflowOptions({ taskQueue: 'q', workflowId: 'w', workflowRunTimeout: '-1s' });
 * // InvalidOptionError: workflowRunTimeout must not be negative, got -1s
 * ```
 */
export function compileWorkflowOptions(options: WorkflowOptions): CompiledWorkflowOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
  const workflowId = requireString(options.workflowId, 'workflowId');
  const taskQueue = requireString(options.taskQueue, 'taskQueue');
  if (options.args !== undefined && !Array.isArray(options.args)) throw new InvalidOptionError('args', 'must be an array');
  if (options.cronSchedule !== undefined && typeof options.cronSchedule !== 'string') {
    throw new InvalidOptionError('cronSchedule', 'must be a cron expression string');
  }
  if (options.memo !== undefined && (options.memo === null || typeof options.memo !== 'object')) {
    throw new InvalidOptionError('memo', 'must be an object');
  }
  if (options.followRuns !== undefined && typeof options.followRuns !== 'boolean') {
    throw new InvalidOptionError('followRuns', 'must be a boolean');
  }
  const indexedFields = encodeSearchAttributes(options.searchAttributes, options.typedSearchAttributes);
  return {
    workflowId,
    taskQueue: { name: taskQueue, kind: 1 /* TASK_QUEUE_KIND_NORMAL */ },
    workflowIdReusePolicy:
      options.workflowIdReusePolicy === undefined
        ? undefined
        : workflowIdReusePolicy.encode(options.workflowIdReusePolicy, 'workflowIdReusePolicy'),
    workflowIdConflictPolicy:
      options.workflowIdConflictPolicy === undefined
        ? undefined
        : workflowIdConflictPolicy.encode(options.workflowIdConflictPolicy, 'workflowIdConflictPolicy'),
    retryPolicy: options.retry === undefined ? undefined : compileRetryPolicy(options.retry, 'retry'),
    cronSchedule: options.cronSchedule,
    searchAttributes: indexedFields === undefined ? undefined : { indexedFields },
    workflowExecutionTimeout: optionalDuration(options.workflowExecutionTimeout, 'workflowExecutionTimeout'),
    workflowRunTimeout: optionalDuration(options.workflowRunTimeout, 'workflowRunTimeout'),
    workflowTaskTimeout: optionalDuration(options.workflowTaskTimeout, 'workflowTaskTimeout'),
    workflowStartDelay: optionalDuration(options.startDelay, 'startDelay'),
  };
}
