/**
 * A handle to one workflow (a workflow id, optionally pinned to a run): everything a client can do
 * with an existing workflow.
 */
import { checkOptionKeys, type OptionKeys } from '../common/options-validation';
import type { QueryDefinition, SignalDefinition, UpdateDefinition, Workflow } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { QueryRejectCondition } from './enums';
import { queryRejectCondition as rejectConditionCodec } from './enums';
import { InvalidOptionError } from './errors';
import type { WorkflowExecutionDescription } from './execution-info';
import type { WorkflowUpdateHandle } from './update-handle';
import type { WorkflowClient } from './workflow-client';
import { definitionName, type WorkflowUpdateStage } from './workflow-options';

/** The keys of update options (`executeUpdate`, `startUpdate`). */
export const UPDATE_KEYS: OptionKeys = {
  kind: 'update option',
  supported: ['args', 'updateId', 'waitForStage'],
  unsupported: { typeInfo: 'typed payload conversion hints are not supported; the data converter decides from the values' },
};

/**
 * The result type of a workflow function; `unknown` when the workflow is named by a string.
 *
 * @example
 * ```ts
 * const result: WorkflowResultType<typeof greet> = await handle.result(); // string
 * ```
 */
export type WorkflowResultType<T extends Workflow> = IsAny<Awaited<ReturnType<T>>> extends true ? unknown : Awaited<ReturnType<T>>;

/**
 * True for `any` only. The untyped `Workflow` (a workflow named by a string) returns `Promise<any>`
 * and takes `any[]`; `Workflow extends T` cannot tell it apart, since `any` makes every workflow
 * function look like a supertype of it.
 */
type IsAny<X> = 0 extends 1 & X ? true : false;

/**
 * The argument list of a workflow function; `unknown[]` when the workflow is named by a string.
 *
 * @example
 * ```ts
 * const args: WorkflowArgs<typeof greet> = ['Ada'];
 * ```
 */
export type WorkflowArgs<T extends Workflow> = IsAny<Parameters<T>[number]> extends true ? unknown[] : Parameters<T>;

/**
 * @example
 * ```ts
 * await handle.executeUpdate(setDiscount, { args: [10], updateId: 'discount-1' });
 * ```
 */
export interface WorkflowUpdateOptions<Args extends unknown[] = unknown[]> {
  args?: Args;
  /** Makes the update idempotent: a second update with the same id gets the first one's result. */
  updateId?: string;
}

/**
 * @example
 * ```ts
 * const count = await handle.queryWithOptions(getCount, { rejectCondition: 'NOT_OPEN' });
 * ```
 */
export interface WorkflowQueryOptions<Args extends unknown[] = unknown[]> {
  args?: Args;
  /** Makes the server refuse the query (with `QueryRejectedError`) for workflows in these states. */
  rejectCondition?: QueryRejectCondition | number;
}

/**
 * @example
 * ```ts
 * const handle = client.workflow.getHandle('order-42');
 * await handle.signal(addItem, 'apple');
 * console.log(await handle.query(getItems));
 * await handle.cancel();
 * ```
 */
export interface WorkflowHandle<T extends Workflow = Workflow> {
  readonly client: WorkflowClient;
  readonly workflowId: string;
  /** The run this handle is pinned to; `undefined` targets the latest run. */
  readonly runId: string | undefined;
  /** The first run of the chain; cancel/terminate then refuse to act on a different chain. */
  readonly firstExecutionRunId: string | undefined;
  /**
   * Waits for the workflow to close. Follows continue-as-new, retries and cron runs unless the
   * handle was made with `followRuns: false`; rejects with `WorkflowFailedError` when it did not
   * complete.
   */
  result(): Promise<WorkflowResultType<T>>;
  signal<Args extends unknown[] = []>(def: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
  query<R = unknown, Args extends unknown[] = []>(def: QueryDefinition<R, Args> | string, ...args: Args): Promise<R>;
  queryWithOptions<R = unknown, Args extends unknown[] = []>(
    def: QueryDefinition<R, Args> | string,
    options?: WorkflowQueryOptions<Args>,
  ): Promise<R>;
  /** Sends an update and waits for its result. */
  executeUpdate<R = unknown, Args extends unknown[] = []>(
    def: UpdateDefinition<R, Args> | string,
    options?: WorkflowUpdateOptions<Args>,
  ): Promise<R>;
  /** Sends an update and returns once it reached `waitForStage`. */
  startUpdate<R = unknown, Args extends unknown[] = []>(
    def: UpdateDefinition<R, Args> | string,
    options: WorkflowUpdateOptions<Args> & { waitForStage: WorkflowUpdateStage },
  ): Promise<WorkflowUpdateHandle<R>>;
  /** A handle to an update started elsewhere, by its id. */
  getUpdateHandle<R = unknown>(updateId: string, options?: { workflowRunId?: string }): WorkflowUpdateHandle<R>;
  /** Requests cancellation; the workflow decides how to react. */
  cancel(): Promise<temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse>;
  terminate(reason?: string): Promise<temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse>;
  describe(): Promise<WorkflowExecutionDescription>;
  /** The whole event history of the run (the latest run when the handle is not pinned). */
  fetchHistory(): Promise<temporal.api.history.v1.IHistory>;
}

/**
 * A handle returned by `start`: also knows the run it started.
 *
 * @example
 * ```ts
 * const handle = await client.workflow.start(greet, { taskQueue, workflowId, args: ['Ada'] });
 * console.log(handle.firstExecutionRunId);
 * ```
 */
export interface WorkflowHandleWithFirstExecutionRunId<T extends Workflow = Workflow> extends WorkflowHandle<T> {
  readonly firstExecutionRunId: string;
}

/** How a handle was made. */
export interface HandleTarget {
  workflowId: string;
  runId?: string;
  firstExecutionRunId?: string;
  /** The run `result()` starts from (the started run for handles made by `start`). */
  runIdForResult?: string;
  followRuns: boolean;
}

/**
 * The handle `signalWithStart` resolves to: it also names the run that got the signal (which may be
 * a run that was already going, not one this call started).
 *
 * @example
 * ```ts
 * const handle = await client.workflow.signalWithStart(cart, { taskQueue, workflowId, signal: addItem, signalArgs: ['apple'] });
 * console.log(handle.signaledRunId);
 * ```
 */
export interface WorkflowHandleWithSignaledRunId<T extends Workflow = Workflow> extends WorkflowHandle<T> {
  readonly signaledRunId: string;
}

export class WorkflowHandleImpl<T extends Workflow> implements WorkflowHandle<T> {
  readonly workflowId: string;
  readonly runId: string | undefined;
  readonly firstExecutionRunId: string | undefined;

  constructor(
    readonly client: WorkflowClient,
    private readonly target: HandleTarget,
  ) {
    this.workflowId = target.workflowId;
    this.runId = target.runId;
    this.firstExecutionRunId = target.firstExecutionRunId;
  }

  private get execution() {
    return { workflowId: this.workflowId, runId: this.runId };
  }

  async result(): Promise<WorkflowResultType<T>> {
    return (await this.client._result(this.workflowId, this.target.runIdForResult, this.target.followRuns)) as WorkflowResultType<T>;
  }

  async signal<Args extends unknown[] = []>(def: SignalDefinition<Args> | string, ...args: Args): Promise<void> {
    await this.client._signal({
      signalName: definitionName(def, 'signal'),
      args,
      workflowExecution: this.execution,
      headers: {},
    });
  }

  async query<R = unknown, Args extends unknown[] = []>(def: QueryDefinition<R, Args> | string, ...args: Args): Promise<R> {
    return this.queryWithOptions(def, { args });
  }

  async queryWithOptions<R = unknown, Args extends unknown[] = []>(
    def: QueryDefinition<R, Args> | string,
    options: WorkflowQueryOptions<Args> = {},
  ): Promise<R> {
    const queryType = definitionName(def, 'query');
    if (options.args !== undefined && !Array.isArray(options.args)) throw new InvalidOptionError('args', 'must be an array');
    const condition =
      options.rejectCondition === undefined
        ? undefined
        : rejectConditionCodec.encode(options.rejectCondition, 'rejectCondition');
    return (await this.client._query({
      queryType,
      args: options.args ?? [],
      workflowExecution: this.execution,
      queryRejectCondition: condition,
      headers: {},
    })) as R;
  }

  async executeUpdate<R = unknown, Args extends unknown[] = []>(
    def: UpdateDefinition<R, Args> | string,
    options: WorkflowUpdateOptions<Args> = {},
  ): Promise<R> {
    const handle = await this.startUpdate<R, Args>(def, { ...options, waitForStage: 'COMPLETED' });
    return handle.result();
  }

  async startUpdate<R = unknown, Args extends unknown[] = []>(
    def: UpdateDefinition<R, Args> | string,
    options: WorkflowUpdateOptions<Args> & { waitForStage: WorkflowUpdateStage },
  ): Promise<WorkflowUpdateHandle<R>> {
    const updateName = definitionName(def, 'update');
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
    checkOptionKeys(options as unknown as Record<string, unknown>, UPDATE_KEYS);
    if (options.waitForStage !== 'ACCEPTED' && options.waitForStage !== 'COMPLETED') {
      throw new InvalidOptionError('waitForStage', `must be 'ACCEPTED' or 'COMPLETED', got ${String(options.waitForStage)}`);
    }
    if (options.args !== undefined && !Array.isArray(options.args)) throw new InvalidOptionError('args', 'must be an array');
    if (options.updateId !== undefined && (typeof options.updateId !== 'string' || options.updateId === '')) {
      throw new InvalidOptionError('updateId', 'must be a non-empty string');
    }
    const output = await this.client._startUpdate({
      updateName,
      args: options.args ?? [],
      workflowExecution: this.execution,
      firstExecutionRunId: this.firstExecutionRunId,
      headers: {},
      // As in the official input, the stage travels beside the input, not in it.
      options: { updateId: options.updateId },
    }, options.waitForStage);
    return this.client._updateHandle<R>(output.updateId, this.workflowId, output.workflowRunId, output.outcome);
  }

  getUpdateHandle<R = unknown>(updateId: string, options: { workflowRunId?: string } = {}): WorkflowUpdateHandle<R> {
    if (typeof updateId !== 'string' || updateId === '') throw new InvalidOptionError('updateId', 'must be a non-empty string');
    return this.client._updateHandle<R>(updateId, this.workflowId, options.workflowRunId ?? this.runId, undefined);
  }

  async cancel(): Promise<temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse> {
    return this.client._cancel({ workflowExecution: this.execution, firstExecutionRunId: this.firstExecutionRunId });
  }

  async terminate(reason?: string): Promise<temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse> {
    if (reason !== undefined && typeof reason !== 'string') throw new InvalidOptionError('reason', 'must be a string');
    return this.client._terminate({
      workflowExecution: this.execution,
      reason,
      firstExecutionRunId: this.firstExecutionRunId,
    });
  }

  async describe(): Promise<WorkflowExecutionDescription> {
    return this.client._describe({ workflowExecution: this.execution });
  }

  async fetchHistory(): Promise<temporal.api.history.v1.IHistory> {
    return this.client._fetchHistory(this.workflowId, this.runId);
  }
}

/** A handle made by `signalWithStart`, carrying the run id the server signalled. */
export class SignaledWorkflowHandleImpl<T extends Workflow> extends WorkflowHandleImpl<T> implements WorkflowHandleWithSignaledRunId<T> {
  constructor(
    client: WorkflowClient,
    target: HandleTarget,
    readonly signaledRunId: string,
  ) {
    super(client, target);
  }
}
