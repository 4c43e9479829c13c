/**
 * Options for starting a workflow, their validation (every problem names its field, before any RPC)
 * and their translation into the fields shared by StartWorkflowExecution and SignalWithStart.
 */
import Long from 'long';
import type { google, temporal } from '@temporalio/proto';
import { UnsupportedOptionError, checkOptionKeys, optionalBoolean, type OptionKeys } from '../common/options-validation';
import { optionalDuration, type Duration } from './duration';
import {
  workflowIdConflictPolicy,
  workflowIdReusePolicy,
  type WorkflowIdConflictPolicy,
  type WorkflowIdReusePolicy,
  type UpdateStage,
} from './enums';
import { InvalidOptionError } from './errors';
import { compileRetryPolicy, type RetryPolicy } from './retry-policy';
import { compilePriority } from './schedule-options';
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
  /** Task queue priority and fairness of this workflow's tasks. */
  priority?: Priority;
  /** A single-line summary shown in the UI (stored as workflow user metadata, encoded with the data converter). */
  staticSummary?: string;
  /** Multi-line details shown in the UI (stored as workflow user metadata). */
  staticDetails?: string;
  /**
   * Ask the server to hand the first workflow task back with the start, for a worker of this
   * process on the same connection and task queue (the core dispatches it). Start only.
   */
  requestEagerStart?: boolean;
}

/**
 * Priority and fairness of a workflow's tasks (the official `Priority`).
 *
 * @example
 * ```ts
 * const priority: Priority = { priorityKey: 1, fairnessKey: 'tenant-a', fairnessWeight: 2 };
 * ```
 */
export interface Priority {
  /** 1 is the highest; absent or 0: the server's default (3 on a default server). */
  priorityKey?: number;
  fairnessKey?: string;
  fairnessWeight?: number;
}

/** Keys of the official start options this SDK does not support, with what to do instead. */
const UNSUPPORTED_START_KEYS: Record<string, string> = {
  versioningOverride: 'worker deployment versioning is not supported by this SDK; leave it out',
  typeInfo: 'typed payload conversion hints are not supported; the data converter decides from the values',
};

const START_KEYS = [
  'taskQueue', 'workflowId', 'args', 'workflowIdReusePolicy', 'workflowIdConflictPolicy', 'retry', 'cronSchedule', 'memo',
  'searchAttributes', 'typedSearchAttributes', 'workflowExecutionTimeout', 'workflowRunTimeout', 'workflowTaskTimeout',
  'startDelay', 'followRuns', 'priority', 'staticSummary', 'staticDetails',
] as const;

/** The keys `client.workflow.start`/`execute` accept. */
export const WORKFLOW_START_KEYS: OptionKeys = {
  kind: 'workflow start option',
  supported: [...START_KEYS, 'requestEagerStart'],
  unsupported: UNSUPPORTED_START_KEYS,
};

/** The keys `client.workflow.signalWithStart` accepts. */
export const SIGNAL_WITH_START_KEYS: OptionKeys = {
  kind: 'signalWithStart option',
  supported: [...START_KEYS, 'signal', 'signalArgs'],
  unsupported: {
    ...UNSUPPORTED_START_KEYS,
    requestEagerStart: 'the server does not start a workflow eagerly from signal-with-start; use client.workflow.start',
    signalTypeInfo: 'typed payload conversion hints are not supported; the data converter decides from the values',
  },
};

/** The keys of the start operation of update-with-start (`new WithStartWorkflowOperation(...)`). */
export const WITH_START_OPERATION_KEYS: OptionKeys = {
  kind: 'WithStartWorkflowOperation option',
  supported: [...START_KEYS],
  unsupported: {
    ...UNSUPPORTED_START_KEYS,
    requestEagerStart: 'the server does not start a workflow eagerly from update-with-start; use client.workflow.start',
  },
};

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
 * The official `WorkflowUpdateStage` constants. `ADMITTED` is listed as there, but an update call
 * can only wait for `ACCEPTED` or `COMPLETED` (the server does not answer at `ADMITTED`).
 *
 * @example
 * ```ts
 * const update = await handle.startUpdate(addItem, { args: ['tea'], waitForStage: WorkflowUpdateStage.ACCEPTED });
 * ```
 */
export const WorkflowUpdateStage = {
  ADMITTED: 'ADMITTED',
  ACCEPTED: 'ACCEPTED',
  COMPLETED: 'COMPLETED',
} as const;

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

/** Start options in either form: as users write them, or as interceptors see them (durations compiled). */
export type StartOptionsInput = Omit<WorkflowOptions, 'searchAttributes' | 'workflowExecutionTimeout' | 'workflowRunTimeout' | 'workflowTaskTimeout' | 'startDelay'> & {
  searchAttributes?: Record<string, SearchAttributes[string] | undefined>;
  workflowExecutionTimeout?: Duration | google.protobuf.IDuration;
  workflowRunTimeout?: Duration | google.protobuf.IDuration;
  workflowTaskTimeout?: Duration | google.protobuf.IDuration;
  startDelay?: Duration | google.protobuf.IDuration;
};

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
  | 'priority'
  | 'requestEagerExecution'
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
export function compileWorkflowOptions(options: StartOptionsInput, keys: OptionKeys = WORKFLOW_START_KEYS): CompiledWorkflowOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
  checkOptionKeys(options as Record<string, unknown>, keys);
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
  if (options.staticSummary !== undefined && typeof options.staticSummary !== 'string') {
    throw new InvalidOptionError('staticSummary', 'must be a string');
  }
  if (options.staticDetails !== undefined && typeof options.staticDetails !== 'string') {
    throw new InvalidOptionError('staticDetails', 'must be a string');
  }
  const requestEagerStart = optionalBoolean(options.requestEagerStart, 'requestEagerStart');
  const indexedFields = encodeSearchAttributes(definedValues(options.searchAttributes), options.typedSearchAttributes);
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
    workflowExecutionTimeout: durationOrCompiled(options.workflowExecutionTimeout, 'workflowExecutionTimeout'),
    workflowRunTimeout: durationOrCompiled(options.workflowRunTimeout, 'workflowRunTimeout'),
    workflowTaskTimeout: durationOrCompiled(options.workflowTaskTimeout, 'workflowTaskTimeout'),
    workflowStartDelay: durationOrCompiled(options.startDelay, 'startDelay'),
    priority: compilePriority(options.priority, 'priority'),
    requestEagerExecution: requestEagerStart,
  };
}

/**
 * The options interceptors see: `args` filled in and durations compiled to
 * `google.protobuf.IDuration`, as the official client hands them over.
 *
 * @example
 * ```ts
 * interceptedWorkflowOptions({ taskQueue: 'q', workflowId: 'w', workflowRunTimeout: '1m' });
 * // { taskQueue: 'q', workflowId: 'w', args: [], workflowRunTimeout: { seconds: 60, nanos: 0 } }
 * ```
 */
export function interceptedWorkflowOptions<T extends StartOptionsInput>(options: T): T & { args: unknown[] } {
  const out: StartOptionsInput & { args: unknown[] } = { ...options, args: options.args ?? [] };
  for (const field of ['workflowExecutionTimeout', 'workflowRunTimeout', 'workflowTaskTimeout', 'startDelay'] as const) {
    if (out[field] !== undefined) out[field] = durationOrCompiled(out[field], field);
  }
  return out as T & { args: unknown[] };
}

function durationOrCompiled(value: Duration | google.protobuf.IDuration | undefined, field: string): google.protobuf.IDuration | undefined {
  if (value !== null && typeof value === 'object') {
    const { seconds, nanos } = value;
    const secondsOk = seconds === undefined || seconds === null || typeof seconds === 'number' || Long.isLong(seconds);
    if (!secondsOk || (nanos !== undefined && nanos !== null && typeof nanos !== 'number')) {
      throw new InvalidOptionError(field, 'must be a duration (ms number, a string such as "1 minute", or { seconds, nanos })');
    }
    return value;
  }
  return optionalDuration(value, field);
}

function definedValues(attributes: StartOptionsInput['searchAttributes']): SearchAttributes | undefined {
  if (attributes === undefined) return undefined;
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as SearchAttributes;
}
