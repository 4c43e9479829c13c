/**
 * Protocol enums in the forms users write them: the official SDK's short strings
 * (`'ALLOW_DUPLICATE'`), the full proto names (`'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE'`) or the
 * enum numbers.
 */
import {
  WorkflowIdConflictPolicy as OfficialWorkflowIdConflictPolicy,
  WorkflowIdReusePolicy as OfficialWorkflowIdReusePolicy,
} from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { InvalidOptionError } from './errors';

/** Two-way mapping between one proto enum and its short names. */
export interface EnumCodec<Short extends string> {
  /** Accepts a short name, a full proto name or a number; throws `InvalidOptionError` naming `field`. */
  encode(value: Short | string | number, field: string): number;
  /** Short name for a number; `'UNSPECIFIED'` for 0 and for numbers this SDK does not know. */
  decode(value: number | null | undefined): Short | 'UNSPECIFIED';
}

function makeEnumCodec<Short extends string>(
  protoEnum: Record<string, number>,
  prefix: string,
  renames: Record<string, string> = {},
): EnumCodec<Short> {
  const byName = new Map<string, number>();
  const byNumber = new Map<number, Short>();
  for (const [fullName, num] of Object.entries(protoEnum)) {
    if (typeof num !== 'number') continue;
    const protoShort = fullName.startsWith(prefix) ? fullName.slice(prefix.length) : fullName;
    const short = renames[protoShort] ?? protoShort;
    byName.set(fullName, num);
    byName.set(protoShort, num);
    byName.set(short, num);
    byNumber.set(num, short as Short);
  }
  return {
    encode(value, field) {
      if (typeof value === 'number') {
        if (!byNumber.has(value)) throw new InvalidOptionError(field, `is not a known value: ${value}`);
        return value;
      }
      if (typeof value === 'string') {
        const num = byName.get(value);
        if (num === undefined) {
          const known = [...byNumber.values()].filter((n) => n !== 'UNSPECIFIED').join(', ');
          throw new InvalidOptionError(field, `must be one of ${known}; got '${value}'`);
        }
        return num;
      }
      throw new InvalidOptionError(field, `must be a string or an enum number, got ${typeof value}`);
    },
    decode(value) {
      return (value === null || value === undefined ? undefined : byNumber.get(value)) ?? 'UNSPECIFIED';
    },
  };
}

const enums = temporal.api.enums.v1;

/**
 * What may happen when a workflow id is reused after its previous run closed.
 *
 * @example
 * ```ts
 * await client.workflow.start(wf, { taskQueue, workflowId, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
 * ```
 */
export type WorkflowIdReusePolicy =
  | 'ALLOW_DUPLICATE'
  | 'ALLOW_DUPLICATE_FAILED_ONLY'
  | 'REJECT_DUPLICATE'
  | 'TERMINATE_IF_RUNNING';
/**
 * The official `WorkflowIdReusePolicy` constants (the same object as `@temporalio/common`'s): each
 * value is the short string the start options take.
 *
 * @example
 * ```ts
 * await client.workflow.start(order, { taskQueue, workflowId, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
 * ```
 */
export const WorkflowIdReusePolicy = OfficialWorkflowIdReusePolicy;

export const workflowIdReusePolicy = makeEnumCodec<WorkflowIdReusePolicy>(
  enums.WorkflowIdReusePolicy as unknown as Record<string, number>,
  'WORKFLOW_ID_REUSE_POLICY_',
);

/**
 * What happens when a workflow id is started while a run with that id is still open.
 *
 * @example
 * ```ts
 * await client.workflow.start(wf, { taskQueue, workflowId, workflowIdConflictPolicy: 'USE_EXISTING' });
 * ```
 */
export type WorkflowIdConflictPolicy = 'FAIL' | 'USE_EXISTING' | 'TERMINATE_EXISTING';
/**
 * The official `WorkflowIdConflictPolicy` constants (the same object as `@temporalio/common`'s).
 *
 * @example
 * ```ts
 * await client.workflow.start(order, { taskQueue, workflowId, workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
 * ```
 */
export const WorkflowIdConflictPolicy = OfficialWorkflowIdConflictPolicy;

export const workflowIdConflictPolicy = makeEnumCodec<WorkflowIdConflictPolicy>(
  enums.WorkflowIdConflictPolicy as unknown as Record<string, number>,
  'WORKFLOW_ID_CONFLICT_POLICY_',
);

/**
 * A workflow execution's status, as `describe()` and `list()` report it.
 *
 * @example
 * ```ts
 * if ((await handle.describe()).status.name === 'RUNNING') await handle.signal('stop');
 * ```
 */
export type WorkflowExecutionStatusName =
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'TERMINATED'
  | 'CONTINUED_AS_NEW'
  | 'TIMED_OUT'
  | 'PAUSED';
export const workflowExecutionStatus = makeEnumCodec<WorkflowExecutionStatusName>(
  enums.WorkflowExecutionStatus as unknown as Record<string, number>,
  'WORKFLOW_EXECUTION_STATUS_',
  // The official SDK spells it with two Ls; keep that so status checks port unchanged.
  { CANCELED: 'CANCELLED' },
);

export type UpdateStage = 'ADMITTED' | 'ACCEPTED' | 'COMPLETED';
export const updateStage = makeEnumCodec<UpdateStage>(
  enums.UpdateWorkflowExecutionLifecycleStage as unknown as Record<string, number>,
  'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_',
);

/**
 * When the server should refuse a query instead of running it.
 *
 * @example
 * ```ts
 * await handle.queryWithOptions('state', { rejectCondition: 'NOT_OPEN' });
 * ```
 */
export type QueryRejectCondition = 'NONE' | 'NOT_OPEN' | 'NOT_COMPLETED_CLEANLY';
/**
 * The official `QueryRejectCondition` constants, with the same values (the long proto names map to
 * the short ones, as there).
 *
 * @example
 * ```ts
 * await handle.query(getState, { queryRejectCondition: QueryRejectCondition.NOT_OPEN } as never);
 * new Client({ connection, queryRejectCondition: QueryRejectCondition.NOT_OPEN });
 * ```
 */
export const QueryRejectCondition = {
  NONE: 'NONE',
  NOT_OPEN: 'NOT_OPEN',
  NOT_COMPLETED_CLEANLY: 'NOT_COMPLETED_CLEANLY',
  QUERY_REJECT_CONDITION_NONE: 'NONE',
  QUERY_REJECT_CONDITION_NOT_OPEN: 'NOT_OPEN',
  QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY: 'NOT_COMPLETED_CLEANLY',
} as const;

export const queryRejectCondition = makeEnumCodec<QueryRejectCondition>(
  enums.QueryRejectCondition as unknown as Record<string, number>,
  'QUERY_REJECT_CONDITION_',
);

/**
 * A schedule's overlap policy on the wire; users write the official short names (`'BUFFER_ONE'`).
 *
 * @example
 * ```ts
 * scheduleOverlapPolicy.encode('BUFFER_ONE', 'policies.overlap'); // 2
 * ```
 */
export const scheduleOverlapPolicy = makeEnumCodec<'SKIP' | 'BUFFER_ONE' | 'BUFFER_ALL' | 'CANCEL_OTHER' | 'TERMINATE_OTHER' | 'ALLOW_ALL'>(
  enums.ScheduleOverlapPolicy as unknown as Record<string, number>,
  'SCHEDULE_OVERLAP_POLICY_',
);
