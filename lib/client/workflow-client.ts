/**
 * `client.workflow`: start workflows, get handles, update-with-start, list and count. The final step
 * of every interceptor chain (the actual RPC) lives here too, so handles stay thin.
 */
import { randomUUID } from 'node:crypto';
import type { UpdateDefinition, Workflow } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { decodeRetryState } from '../common/enums';
import { CancelledFailure, TerminatedFailure, TimeoutFailure } from '../common/failures';
import type { LoadedDataConverter } from '../converter/types';
import { queryRejectCondition, updateStage, workflowExecutionStatus, type QueryRejectCondition } from './enums';
import { InvalidOptionError, MalformedResponseError, QueryRejectedError, WorkflowContinuedAsNewError, WorkflowFailedError } from './errors';
import { decodeExecutionInfo, type WorkflowExecutionDescription, type WorkflowExecutionInfo } from './execution-info';
import {
  adaptLegacyStart,
  composeInterceptors,
  type WorkflowClientInterceptors,
  type WorkflowStartOutput,
  type WorkflowCancelInput,
  type WorkflowClientInterceptor,
  type WorkflowDescribeInput,
  type WorkflowQueryInput,
  type WorkflowSignalInput,
  type WorkflowSignalWithStartInput,
  type WorkflowStartInput,
  type WorkflowStartUpdateInput,
  type WorkflowStartUpdateOutput,
  type WorkflowStartUpdateWithStartInput,
  type WorkflowStartUpdateWithStartOutput,
  type WorkflowTerminateInput,
} from './interceptors';
import { decodeSearchAttributeValue } from './search-attributes';
import { WorkflowUpdateHandleImpl, type WorkflowUpdateHandle } from './update-handle';
import {
  SignaledWorkflowHandleImpl,
  WorkflowHandleImpl,
  type HandleTarget,
  type WorkflowArgs,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
  type WorkflowHandleWithSignaledRunId,
  type WorkflowResultType,
  type WorkflowUpdateOptions,
} from './workflow-handle';
import {
  compileWorkflowOptions,
  definitionName,
  interceptedWorkflowOptions,
  SIGNAL_WITH_START_KEYS,
  WITH_START_OPERATION_KEYS,
  WORKFLOW_START_KEYS,
  workflowTypeName,
  type CompiledWorkflowOptions,
  type StartOptionsInput,
  type WorkflowOptions,
  type WorkflowUpdateStage,
} from './workflow-options';
import type { WorkflowService } from './workflow-service';
import { optionalBoolean, optionalInteger, requiredString, topLevelOptions } from '../common/options-validation';
import { clientOptionKeys, resolveClientContext, workflowInterceptorSource, type BaseClientOptions, type WorkflowInterceptorSource } from './client-context';

/**
 * Start options with `args` typed after the workflow function.
 *
 * @example
 * ```ts
 * const options: WorkflowStartOptions<typeof greet> = { taskQueue: 'hello', workflowId: 'g-1', args: ['Ada'] };
 * ```
 */
export type WorkflowStartOptions<T extends Workflow = Workflow> = Omit<WorkflowOptions, 'args'> & {
  args?: WorkflowArgs<T>;
};

/**
 * Signal-with-start options.
 *
 * @example
 * ```ts
 * await client.workflow.signalWithStart(cart, { taskQueue: 'shop', workflowId: 'cart-1', signal: addItem, signalArgs: ['tea'] });
 * ```
 */
export type WorkflowSignalWithStartOptions<T extends Workflow = Workflow, SignalArgs extends unknown[] = unknown[]> =
  WorkflowStartOptions<T> & {
    signal: string | { name: string };
    signalArgs?: SignalArgs;
  };

/**
 * @example
 * ```ts
 * for await (const wf of client.workflow.list({ query: "WorkflowType='order'", pageSize: 100 })) console.log(wf.workflowId);
 * ```
 */
export interface ListOptions {
  /** A visibility query, e.g. `"WorkflowType='order' AND ExecutionStatus='Running'"`. */
  query?: string;
  pageSize?: number;
}

/**
 * What `list()` returns: the executions, and `intoHistories()` for their histories.
 *
 * @example
 * ```ts
 * for await (const { workflowId, history } of client.workflow.list({ query: "WorkflowType='order'" }).intoHistories()) {
 *   await Worker.runReplayHistory({ workflowsPath }, history, workflowId);
 * }
 * ```
 */
export interface AsyncWorkflowListIterable extends AsyncIterable<WorkflowExecutionInfo> {
  /** The full history of each listed execution, in list order, fetched `concurrency` at a time. */
  intoHistories(options?: IntoHistoriesOptions): AsyncIterable<HistoryAndWorkflowId>;
}

/**
 * @example
 * ```ts
 * client.workflow.list().intoHistories({ concurrency: 2, bufferLimit: 4 });
 * ```
 */
export interface IntoHistoriesOptions {
  /** Histories fetched at the same time; default 5. */
  concurrency?: number;
  /** Histories fetched ahead of the consumer; default `concurrency`. */
  bufferLimit?: number;
}

/**
 * One history from `intoHistories()`.
 *
 * @example
 * ```ts
 * const { workflowId, history } = entry;
 * ```
 */
export interface HistoryAndWorkflowId {
  workflowId: string;
  history: temporal.api.history.v1.History;
}

/**
 * @example
 * ```ts
 * await client.workflow.result('order-1', undefined, { followRuns: false });
 * ```
 */
export interface WorkflowResultOptions {
  /** Follow continue-as-new, retry and cron runs to the last one (default true). */
  followRuns?: boolean;
}

/**
 * `count()` output. `groups` is filled for `GROUP BY` queries.
 *
 * @example
 * ```ts
 * const { count, groups } = await client.workflow.count({ query: 'GROUP BY ExecutionStatus' });
 * ```
 */
export interface CountWorkflowExecution {
  count: number;
  groups: { count: number; groupValues: unknown[] }[];
}

/** What `client.workflow` is built from; supplied by `Client`. */
/**
 * Options of a `WorkflowClient` made on its own (`client.workflow` gets them from its `Client`).
 *
 * @example
 * ```ts
 * const options: WorkflowClientOptions = { connection, namespace: 'default', queryRejectCondition: 'NOT_OPEN' };
 * ```
 */
export interface WorkflowClientOptions extends BaseClientOptions {
  /** A list, or the official legacy `{ calls: [factory] }` form. */
  interceptors?: WorkflowClientInterceptor[] | WorkflowClientInterceptors;
  /** Default `queryRejectCondition` for every query of this client. */
  queryRejectCondition?: QueryRejectCondition | number;
}

interface WorkflowClientDeps {
  service: WorkflowService;
  namespace: string;
  identity: string;
  dataConverter: LoadedDataConverter;
  interceptors: WorkflowInterceptorSource;
  /** Default reject condition for queries. */
  queryRejectCondition?: number;
}

const { HistoryEventFilterType } = temporal.api.enums.v1;
const ACCEPTED = updateStage.encode('ACCEPTED', 'waitForStage');

const withStartUsed = Symbol('withStartUsed');
const withStartResolve = Symbol('withStartResolve');
const withStartReject = Symbol('withStartReject');

/**
 * The workflow half of update-with-start: started if no workflow with that id is running (per
 * `workflowIdConflictPolicy`), then the update is delivered to it. Each operation can be used once.
 *
 * @example
 * ```ts
 * const startOp = new WithStartWorkflowOperation(cart, { workflowId: 'cart-1', taskQueue: 'shop', workflowIdConflictPolicy: 'USE_EXISTING' });
 * const total = await client.workflow.executeUpdateWithStart(addItem, { args: ['apple'], startWorkflowOperation: startOp });
 * const handle = await startOp.workflowHandle();
 * ```
 */
export class WithStartWorkflowOperation<T extends Workflow = Workflow> {
  readonly workflowType: string;
  [withStartUsed] = false;
  [withStartResolve]!: (handle: WorkflowHandle<T>) => void;
  [withStartReject]!: (err: unknown) => void;
  private readonly handlePromise: Promise<WorkflowHandle<T>>;

  constructor(
    workflowTypeOrFunction: string | T,
    readonly options: WorkflowStartOptions<T> & { workflowIdConflictPolicy: NonNullable<WorkflowOptions['workflowIdConflictPolicy']> },
  ) {
    this.workflowType = workflowTypeName(workflowTypeOrFunction);
    if (options?.workflowIdConflictPolicy === undefined) {
      throw new InvalidOptionError('workflowIdConflictPolicy', 'is required for update-with-start');
    }
    compileWorkflowOptions(options as WorkflowOptions, WITH_START_OPERATION_KEYS);
    this.handlePromise = new Promise((resolve, reject) => {
      this[withStartResolve] = resolve;
      this[withStartReject] = reject;
    });
    // The handle promise may never be awaited when the update fails; that must not be reported
    // as an unhandled rejection.
    this.handlePromise.catch(() => undefined);
  }

  /** Resolves once the server answered the start (whether it started a new run or used a running one). */
  workflowHandle(): Promise<WorkflowHandle<T>> {
    return this.handlePromise;
  }
}

/**
 * Starts and finds workflows. Reach it as `client.workflow`.
 *
 * @example
 * ```ts
 * const handle = await client.workflow.start(greet, { taskQueue: 'hello', workflowId: 'greet-1', args: ['Ada'] });
 * console.log(await handle.result());
 * ```
 */
export class WorkflowClient {
  private readonly deps: WorkflowClientDeps;

  /**
   * Usually reached as `client.workflow`; can also be made on its own, as with the official SDK.
   *
   * @example
   * ```ts
   * const workflows = new WorkflowClient({ connection, namespace: 'default' });
   * ```
   */
  constructor(options: WorkflowClientOptions) {
    const { service, namespace, identity, dataConverter } = resolveClientContext(options, clientOptionKeys('WorkflowClient option', ['interceptors', 'queryRejectCondition']));
    this.deps = {
      service,
      namespace,
      identity,
      dataConverter,
      interceptors: workflowInterceptorSource(options.interceptors, 'interceptors'),
      queryRejectCondition:
        options.queryRejectCondition === undefined ? undefined : queryRejectCondition.encode(options.queryRejectCondition, 'queryRejectCondition'),
    };
  }

  /** The interceptors for a call about `workflowId` (legacy factories are called per call). */
  private interceptorsFor(workflowId: string, runId?: string): readonly WorkflowClientInterceptor[] {
    return this.deps.interceptors(workflowId, runId);
  }

  /** The namespace this client works in. */
  get namespace(): string {
    return this.deps.namespace;
  }

  /**
   * Starts a workflow. Rejects with `WorkflowExecutionAlreadyStartedError` when the id is taken,
   * and with `InvalidOptionError` (before any RPC) for bad options.
   *
   * @example
   * ```ts
   * const handle = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-1', args: [42] });
   * ```
   */
  async start<T extends Workflow = Workflow>(
    workflowTypeOrFunction: string | T,
    options: WorkflowStartOptions<T>,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<T>> {
    const workflowType = workflowTypeName(workflowTypeOrFunction);
    compileWorkflowOptions(options as WorkflowOptions, WORKFLOW_START_KEYS);
    const interceptors = this.interceptorsFor(options.workflowId).map(adaptLegacyStart);
    const run = composeInterceptors(interceptors, 'startWithDetails', (input) => this.startHandler(input));
    const { runId } = await run({ workflowType, options: interceptedWorkflowOptions(options as WorkflowOptions), headers: {} });
    // Handles from start target the latest run so they keep working after continue-as-new;
    // result() still starts from the run just started.
    return new WorkflowHandleImpl<T>(this, {
      workflowId: options.workflowId,
      firstExecutionRunId: runId,
      runIdForResult: runId,
      followRuns: options.followRuns ?? true,
    }) as WorkflowHandleWithFirstExecutionRunId<T>;
  }

  /**
   * Starts a workflow and waits for its result.
   *
   * @example
   * ```ts
   * const greeting = await client.workflow.execute(greet, { taskQueue: 'hello', workflowId: 'greet-2', args: ['Ada'] });
   * ```
   */
  async execute<T extends Workflow = Workflow>(
    workflowTypeOrFunction: string | T,
    options: WorkflowStartOptions<T>,
  ): Promise<WorkflowResultType<T>> {
    const handle = await this.start(workflowTypeOrFunction, options);
    return handle.result();
  }

  /**
   * A handle to an existing workflow. No RPC is made; methods of the handle reject with
   * `WorkflowNotFoundError` when there is no such workflow.
   *
   * @example
   * ```ts
   * const handle = client.workflow.getHandle('order-1');
   * await handle.signal('cancelOrder');
   * ```
   */
  getHandle<T extends Workflow = Workflow>(
    workflowId: string,
    runId?: string,
    options: { firstExecutionRunId?: string; followRuns?: boolean } = {},
  ): WorkflowHandle<T> {
    if (typeof workflowId !== 'string' || workflowId === '') {
      throw new InvalidOptionError('workflowId', 'must be a non-empty string');
    }
    if (runId !== undefined && typeof runId !== 'string') throw new InvalidOptionError('runId', 'must be a string');
    if (options.firstExecutionRunId !== undefined && typeof options.firstExecutionRunId !== 'string') {
      throw new InvalidOptionError('firstExecutionRunId', 'must be a string');
    }
    return new WorkflowHandleImpl<T>(this, {
      workflowId,
      runId: runId || undefined,
      firstExecutionRunId: options.firstExecutionRunId,
      runIdForResult: runId || options.firstExecutionRunId,
      followRuns: options.followRuns ?? true,
    });
  }

  /**
   * Sends a signal, starting the workflow first if it is not running.
   *
   * @example
   * ```ts
   * const handle = await client.workflow.signalWithStart(cart, {
   *   taskQueue: 'shop', workflowId: 'cart-7', signal: addItem, signalArgs: ['apple'],
   * });
   * ```
   */
  async signalWithStart<T extends Workflow = Workflow, SignalArgs extends unknown[] = unknown[]>(
    workflowTypeOrFunction: string | T,
    options: WorkflowSignalWithStartOptions<T, SignalArgs>,
  ): Promise<WorkflowHandleWithSignaledRunId<T>> {
    const workflowType = workflowTypeName(workflowTypeOrFunction);
    compileWorkflowOptions(options as WorkflowOptions, SIGNAL_WITH_START_KEYS);
    const signalName = definitionName(options.signal, 'signal');
    if (options.signalArgs !== undefined && !Array.isArray(options.signalArgs)) {
      throw new InvalidOptionError('signalArgs', 'must be an array');
    }
    const { signal: _signal, signalArgs, ...startOptions } = options;
    const run = composeInterceptors(this.interceptorsFor(options.workflowId), 'signalWithStart', (input) =>
      this.signalWithStartHandler(input),
    );
    const runId = await run({
      workflowType,
      signalName,
      signalArgs: signalArgs ?? [],
      options: interceptedWorkflowOptions(startOptions as WorkflowOptions),
      headers: {},
    });
    // The run that got the signal may be a pre-existing one, so it is not known to be the first.
    return new SignaledWorkflowHandleImpl<T>(
      this,
      { workflowId: options.workflowId, runIdForResult: runId, followRuns: options.followRuns ?? true },
      runId,
    );
  }

  /**
   * Update-with-start, returning once the update reached `waitForStage`.
   *
   * @example
   * ```ts
   * const update = await client.workflow.startUpdateWithStart(addItem, {
   *   args: ['pear'], waitForStage: 'ACCEPTED', startWorkflowOperation: startOp,
   * });
   * ```
   */
  async startUpdateWithStart<T extends Workflow, R = unknown, Args extends unknown[] = unknown[]>(
    def: UpdateDefinition<R, Args> | string,
    options: WorkflowUpdateOptions<Args> & {
      waitForStage: WorkflowUpdateStage;
      startWorkflowOperation: WithStartWorkflowOperation<T>;
    },
  ): Promise<WorkflowUpdateHandle<R>> {
    const updateName = definitionName(def, 'update');
    const op = options?.startWorkflowOperation;
    if (!(op instanceof WithStartWorkflowOperation)) {
      throw new InvalidOptionError('startWorkflowOperation', 'must be a WithStartWorkflowOperation');
    }
    if (options.waitForStage !== 'ACCEPTED' && options.waitForStage !== 'COMPLETED') {
      throw new InvalidOptionError('waitForStage', `must be 'ACCEPTED' or 'COMPLETED', got ${String(options.waitForStage)}`);
    }
    if (op[withStartUsed]) throw new InvalidOptionError('startWorkflowOperation', 'was already used');
    op[withStartUsed] = true;
    const run = composeInterceptors(this.interceptorsFor(op.options.workflowId), 'startUpdateWithStart', (input) =>
      this.updateWithStartHandler(input, op, options.waitForStage),
    );
    let output: WorkflowStartUpdateWithStartOutput;
    try {
      output = await run({
        workflowType: op.workflowType,
        workflowStartOptions: interceptedWorkflowOptions(op.options as WorkflowOptions),
        workflowStartHeaders: {},
        updateName,
        updateArgs: options.args ?? [],
        updateOptions: { updateId: options.updateId, waitForStage: options.waitForStage },
        updateHeaders: {},
      });
    } catch (err) {
      op[withStartReject](err);
      throw err;
    }
    // An interceptor may answer without reaching the server; the handle then follows its answer, so
    // workflowHandle() always settles. (Settling twice is a no-op for a promise.)
    op[withStartResolve](
      new WorkflowHandleImpl<T>(this, {
        workflowId: output.workflowExecution.workflowId,
        runIdForResult: output.workflowExecution.runId || undefined,
        followRuns: op.options.followRuns ?? true,
      }),
    );
    return this._updateHandle<R>(
      output.updateId,
      output.workflowExecution.workflowId,
      output.workflowExecution.runId,
      output.updateOutcome,
    );
  }

  /**
   * Update-with-start, waiting for the update's result.
   *
   * @example
   * ```ts
   * const total = await client.workflow.executeUpdateWithStart(addItem, { args: ['apple'], startWorkflowOperation: startOp });
   * ```
   */
  async executeUpdateWithStart<T extends Workflow, R = unknown, Args extends unknown[] = unknown[]>(
    def: UpdateDefinition<R, Args> | string,
    options: WorkflowUpdateOptions<Args> & { startWorkflowOperation: WithStartWorkflowOperation<T> },
  ): Promise<R> {
    const handle = await this.startUpdateWithStart<T, R, Args>(def, { ...options, waitForStage: 'COMPLETED' });
    return handle.result();
  }

  /**
   * Lists workflow executions matching a visibility query, fetching pages as the loop advances.
   *
   * @example
   * ```ts
   * for await (const wf of client.workflow.list({ query: "ExecutionStatus='Running'" })) console.log(wf.workflowId);
   * ```
   */
  list(options: ListOptions = {}): AsyncWorkflowListIterable {
    const o = topLevelOptions(options, { kind: 'list option', supported: ['query', 'pageSize'] });
    const { query, pageSize } = o as ListOptions;
    if (query !== undefined && typeof query !== 'string') throw new InvalidOptionError('query', 'must be a string');
    if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
      throw new InvalidOptionError('pageSize', 'must be a positive integer');
    }
    const { service, namespace, dataConverter } = this.deps;
    const executions: AsyncIterable<WorkflowExecutionInfo> = {
      async *[Symbol.asyncIterator]() {
        let nextPageToken: Uint8Array | undefined;
        do {
          const page = await service.call('ListWorkflowExecutions', { namespace, query, pageSize, nextPageToken });
          for (const raw of page.executions) yield await decodeExecutionInfo(raw, dataConverter);
          nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
        } while (nextPageToken);
      },
    };
    const fetchHistory = (workflowId: string, runId: string) => this._fetchHistory(workflowId, runId);
    return {
      [Symbol.asyncIterator]: () => executions[Symbol.asyncIterator](),
      intoHistories(historyOptions: IntoHistoriesOptions = {}): AsyncIterable<HistoryAndWorkflowId> {
        const h = topLevelOptions(historyOptions, { kind: 'intoHistories option', supported: ['concurrency', 'bufferLimit'] });
        const concurrency = optionalInteger(h.concurrency, 'concurrency', { min: 1 }) ?? 5;
        const ahead = Math.max(concurrency, optionalInteger(h.bufferLimit, 'bufferLimit', { min: 1 }) ?? concurrency);
        return {
          async *[Symbol.asyncIterator]() {
            yield* fetchAhead(executions, ahead, async (info) => ({
              workflowId: info.workflowId,
              history: await fetchHistory(info.workflowId, info.runId),
            }));
          },
        };
      },
    };
  }

  /**
   * Waits for a workflow's result (of the latest run, or of `runId`), following continue-as-new,
   * retry and cron runs unless `followRuns: false`.
   *
   * @example
   * ```ts
   * const total = await client.workflow.result<typeof orderWorkflow>('order-1');
   * ```
   */
  async result<T extends Workflow = Workflow>(workflowId: string, runId?: string, options: WorkflowResultOptions = {}): Promise<WorkflowResultType<T>> {
    requiredString(workflowId, 'workflowId');
    if (runId !== undefined && typeof runId !== 'string') throw new InvalidOptionError('runId', 'must be a string');
    const o = topLevelOptions(options, {
      kind: 'result option',
      supported: ['followRuns'],
      unsupported: { typeInfo: 'typed payload conversion hints are not supported; the data converter decides from the values' },
    });
    const followRuns = optionalBoolean(o.followRuns, 'followRuns') ?? true;
    return (await this._result(workflowId, runId || undefined, followRuns)) as WorkflowResultType<T>;
  }

  /**
   * Counts workflow executions matching a visibility query; with `GROUP BY` also per group.
   *
   * @example
   * ```ts
   * const { count } = await client.workflow.count({ query: "WorkflowType='order'" });
   * ```
   */
  async count(queryOrOptions?: string | { query?: string }): Promise<CountWorkflowExecution> {
    const query = typeof queryOrOptions === 'object' && queryOrOptions !== null ? queryOrOptions.query : queryOrOptions;
    if (query !== undefined && typeof query !== 'string') throw new InvalidOptionError('query', 'must be a string');
    const { service, namespace } = this.deps;
    const response = await service.call('CountWorkflowExecutions', { namespace, query });
    return {
      count: Number(response.count ?? 0),
      groups: (response.groups ?? []).map((group) => ({
        count: Number(group.count ?? 0),
        groupValues: (group.groupValues ?? []).map(decodeSearchAttributeValue),
      })),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Internals shared with handles. Each interceptor chain ends in one of the *Handler methods.

  /** @internal */
  _updateHandle<R>(
    updateId: string,
    workflowId: string,
    workflowRunId: string | undefined,
    outcome: temporal.api.update.v1.IOutcome | undefined,
  ): WorkflowUpdateHandle<R> {
    return new WorkflowUpdateHandleImpl<R>(this.deps, updateId, workflowId, workflowRunId, outcome);
  }

  /** @internal */
  _signal(input: WorkflowSignalInput): Promise<void> {
    return composeInterceptors(this.interceptorsFor(input.workflowExecution.workflowId, input.workflowExecution.runId), 'signal', (i) =>
      this.signalHandler(i),
    )(input);
  }

  /** @internal */
  _query(input: WorkflowQueryInput): Promise<unknown> {
    const withDefault =
      input.queryRejectCondition === undefined && this.deps.queryRejectCondition !== undefined
        ? { ...input, queryRejectCondition: this.deps.queryRejectCondition }
        : input;
    return composeInterceptors(this.interceptorsFor(input.workflowExecution.workflowId, input.workflowExecution.runId), 'query', (i) =>
      this.queryHandler(i),
    )(withDefault);
  }

  /** @internal */
  _startUpdate(input: WorkflowStartUpdateInput, waitForStage: WorkflowUpdateStage): Promise<WorkflowStartUpdateOutput> {
    return composeInterceptors(this.interceptorsFor(input.workflowExecution.workflowId, input.workflowExecution.runId), 'startUpdate', (i) =>
      this.startUpdateHandler(i, waitForStage),
    )(input);
  }

  /** @internal */
  _cancel(input: WorkflowCancelInput) {
    return composeInterceptors(this.interceptorsFor(input.workflowExecution.workflowId, input.workflowExecution.runId), 'cancel', (i) =>
      this.cancelHandler(i),
    )(input);
  }

  /** @internal */
  _terminate(input: WorkflowTerminateInput) {
    return composeInterceptors(this.interceptorsFor(input.workflowExecution.workflowId, input.workflowExecution.runId), 'terminate', (i) =>
      this.terminateHandler(i),
    )(input);
  }

  /** @internal */
  async _describe(input: WorkflowDescribeInput): Promise<WorkflowExecutionDescription> {
    const raw = await composeInterceptors(
      this.interceptorsFor(input.workflowExecution.workflowId, input.workflowExecution.runId),
      'describe',
      (i) => this.describeHandler(i),
    )(input);
    const info = await decodeExecutionInfo(raw.workflowExecutionInfo ?? {}, this.deps.dataConverter);
    return { ...info, raw };
  }

  /** @internal */
  async _fetchHistory(workflowId: string, runId: string | undefined): Promise<temporal.api.history.v1.History> {
    const { service, namespace } = this.deps;
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await service.call(
        'GetWorkflowExecutionHistory',
        { namespace, execution: { workflowId, runId: runId ?? '' }, nextPageToken },
        { workflowId, runId },
      );
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return temporal.api.history.v1.History.create({ events });
  }

  /**
   * Long-polls for the close event of `runId` (the latest run when absent) and turns it into the
   * result or the error; with `followRuns`, hops to the next run of a continue-as-new, retry or cron
   * chain until one closes for good.
   *
   * @internal
   */
  async _result(workflowId: string, runId: string | undefined, followRuns: boolean): Promise<unknown> {
    const { service, namespace, dataConverter } = this.deps;
    let currentRunId = runId ?? '';
    let nextPageToken: Uint8Array | undefined;
    for (;;) {
      const page = await service.call(
        'GetWorkflowExecutionHistory',
        {
          namespace,
          execution: { workflowId, runId: currentRunId },
          skipArchival: true,
          waitNewEvent: true,
          historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
          nextPageToken,
        },
        { workflowId, runId: currentRunId },
      );
      const event = page.history?.events?.[0];
      if (!event) {
        // The long poll timed out without the run closing; ask again from where the server left off.
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
        continue;
      }
      nextPageToken = undefined;
      const next = (newRunId: string | null | undefined): boolean => {
        if (!followRuns || !newRunId) return false;
        currentRunId = newRunId;
        return true;
      };

      const completed = event.workflowExecutionCompletedEventAttributes;
      if (completed) {
        if (next(completed.newExecutionRunId)) continue;
        return dataConverter.decodeOne(completed.result?.payloads?.[0]);
      }
      const failed = event.workflowExecutionFailedEventAttributes;
      if (failed) {
        if (next(failed.newExecutionRunId)) continue;
        const cause = failed.failure ? await dataConverter.decodeFailure(failed.failure) : undefined;
        throw new WorkflowFailedError('Workflow execution failed', cause, decodeRetryState(failed.retryState));
      }
      const canceled = event.workflowExecutionCanceledEventAttributes;
      if (canceled) {
        const details = await dataConverter.decode(canceled.details?.payloads);
        throw new WorkflowFailedError(
          'Workflow execution cancelled',
          new CancelledFailure('Workflow canceled', details),
          'NON_RETRYABLE_FAILURE',
        );
      }
      const terminated = event.workflowExecutionTerminatedEventAttributes;
      if (terminated) {
        const reason = terminated.reason || 'Workflow execution terminated';
        throw new WorkflowFailedError(reason, new TerminatedFailure(reason), 'NON_RETRYABLE_FAILURE');
      }
      const timedOut = event.workflowExecutionTimedOutEventAttributes;
      if (timedOut) {
        if (next(timedOut.newExecutionRunId)) continue;
        throw new WorkflowFailedError(
          'Workflow execution timed out',
          new TimeoutFailure('Workflow execution timed out', undefined, 'START_TO_CLOSE'),
          decodeRetryState(timedOut.retryState),
        );
      }
      const continued = event.workflowExecutionContinuedAsNewEventAttributes;
      if (continued) {
        const newRunId = continued.newExecutionRunId;
        if (!newRunId) throw new MalformedResponseError('GetWorkflowExecutionHistory', 'a ContinuedAsNew event without newExecutionRunId');
        if (!followRuns) throw new WorkflowContinuedAsNewError('Workflow execution continued as new', newRunId);
        currentRunId = newRunId;
        continue;
      }
      throw new MalformedResponseError('GetWorkflowExecutionHistory', `a close event of unexpected type ${String(event.eventType)}`);
    }
  }

  private async startRequestFields(
    workflowType: string,
    options: StartOptionsInput,
    headers: Record<string, temporal.api.common.v1.IPayload>,
  ): Promise<CompiledWorkflowOptions & temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> {
    const { namespace, identity, dataConverter } = this.deps;
    const compiled = compileWorkflowOptions(options);
    const memo = await dataConverter.encodeMap(options.memo);
    const summary = options.staticSummary === undefined ? undefined : await dataConverter.encodeOne(options.staticSummary);
    const details = options.staticDetails === undefined ? undefined : await dataConverter.encodeOne(options.staticDetails);
    return {
      ...compiled,
      namespace,
      identity,
      requestId: randomUUID(),
      workflowType: { name: workflowType },
      input: { payloads: await dataConverter.encode(options.args ?? []) },
      memo: memo === undefined ? undefined : { fields: memo },
      header: { fields: headers },
      userMetadata: summary === undefined && details === undefined ? undefined : { summary, details },
    };
  }

  private async startHandler(input: WorkflowStartInput): Promise<WorkflowStartOutput> {
    const request = await this.startRequestFields(input.workflowType, input.options, input.headers);
    const response = await this.deps.service.call('StartWorkflowExecution', request, {
      workflowId: request.workflowId,
      workflowType: input.workflowType,
    });
    // The core hands an eager first task to a worker of this connection itself; the response still carries it.
    return { runId: response.runId, eagerlyStarted: response.eagerWorkflowTask != null };
  }

  private async signalWithStartHandler(input: WorkflowSignalWithStartInput): Promise<string> {
    const fields = await this.startRequestFields(input.workflowType, input.options, input.headers);
    const response = await this.deps.service.call(
      'SignalWithStartWorkflowExecution',
      {
        ...fields,
        signalName: input.signalName,
        signalInput: { payloads: await this.deps.dataConverter.encode(input.signalArgs) },
      },
      { workflowId: fields.workflowId, workflowType: input.workflowType },
    );
    return response.runId;
  }

  private async signalHandler(input: WorkflowSignalInput): Promise<void> {
    const { service, namespace, identity, dataConverter } = this.deps;
    const { workflowId, runId } = input.workflowExecution;
    await service.call(
      'SignalWorkflowExecution',
      {
        namespace,
        identity,
        requestId: randomUUID(),
        workflowExecution: { workflowId, runId: runId ?? '' },
        signalName: input.signalName,
        input: { payloads: await dataConverter.encode(input.args) },
        header: { fields: input.headers },
      },
      { workflowId, runId },
    );
  }

  private async queryHandler(input: WorkflowQueryInput): Promise<unknown> {
    const { service, namespace, dataConverter } = this.deps;
    const { workflowId, runId } = input.workflowExecution;
    const response = await service.call(
      'QueryWorkflow',
      {
        namespace,
        execution: { workflowId, runId: runId ?? '' },
        query: {
          queryType: input.queryType,
          queryArgs: { payloads: await dataConverter.encode(input.args) },
          header: { fields: input.headers },
        },
        queryRejectCondition: input.queryRejectCondition,
      },
      { workflowId, runId },
    );
    if (response.queryRejected) {
      throw new QueryRejectedError(workflowExecutionStatus.decode(response.queryRejected.status));
    }
    return dataConverter.decodeOne(response.queryResult?.payloads?.[0]);
  }

  private async updateRequest(
    input: Pick<WorkflowStartUpdateInput, 'updateName' | 'args' | 'workflowExecution' | 'firstExecutionRunId' | 'headers'>,
    options: { updateId?: string; waitForStage?: WorkflowUpdateStage },
    waitForStage: WorkflowUpdateStage,
  ): Promise<temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest & { request: { meta: { updateId: string } } }> {
    const { namespace, identity, dataConverter } = this.deps;
    return {
      namespace,
      workflowExecution: { workflowId: input.workflowExecution.workflowId, runId: input.workflowExecution.runId ?? '' },
      firstExecutionRunId: input.firstExecutionRunId,
      waitPolicy: { lifecycleStage: updateStage.encode(options.waitForStage ?? waitForStage, 'waitForStage') },
      request: {
        meta: { updateId: options.updateId ?? randomUUID(), identity },
        input: {
          header: { fields: input.headers },
          name: input.updateName,
          args: { payloads: await dataConverter.encode(input.args) },
        },
      },
    };
  }

  private async startUpdateHandler(input: WorkflowStartUpdateInput, waitForStage: WorkflowUpdateStage): Promise<WorkflowStartUpdateOutput> {
    const request = await this.updateRequest(input, input.options, waitForStage);
    const { workflowId, runId } = input.workflowExecution;
    // The server answers once the update is durable or its own wait expired; until it reports at
    // least ACCEPTED, sending the same update id again is how to keep waiting.
    let response: temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse;
    do {
      response = await this.deps.service.call('UpdateWorkflowExecution', request, { workflowId, runId });
    } while ((response.stage ?? 0) < ACCEPTED);
    return {
      updateId: request.request.meta.updateId,
      workflowRunId: response.updateRef?.workflowExecution?.runId ?? runId ?? '',
      outcome: response.outcome ?? undefined,
    };
  }

  private async updateWithStartHandler<T extends Workflow>(
    input: WorkflowStartUpdateWithStartInput,
    op: WithStartWorkflowOperation<T>,
    waitForStage: WorkflowUpdateStage,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    const startRequest = await this.startRequestFields(
      input.workflowType,
      input.workflowStartOptions,
      input.workflowStartHeaders,
    );
    const workflowId = startRequest.workflowId;
    const updateRequest = await this.updateRequest(
      { updateName: input.updateName, args: input.updateArgs, workflowExecution: { workflowId }, headers: input.updateHeaders },
      input.updateOptions,
      waitForStage,
    );
    let seenStart = false;
    let response: temporal.api.workflowservice.v1.ExecuteMultiOperationResponse;
    let update: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse | null | undefined;
    try {
      do {
        response = await this.deps.service.call(
          'ExecuteMultiOperation',
          { namespace: this.deps.namespace, operations: [{ startWorkflow: startRequest }, { updateWorkflow: updateRequest }] },
          { workflowId, workflowType: input.workflowType },
        );
        const start = response.responses?.[0]?.startWorkflow;
        update = response.responses?.[1]?.updateWorkflow;
        if (!seenStart) {
          seenStart = true;
          op[withStartResolve](
            new WorkflowHandleImpl<T>(this, {
              workflowId,
              firstExecutionRunId: start?.started ? start.runId || undefined : undefined,
              runIdForResult: start?.runId || undefined,
              followRuns: input.workflowStartOptions.followRuns ?? true,
            }),
          );
        }
      } while ((update?.stage ?? 0) < ACCEPTED);
    } catch (err) {
      if (!seenStart) op[withStartReject](err);
      throw err;
    }
    return {
      workflowExecution: {
        workflowId: update?.updateRef?.workflowExecution?.workflowId || workflowId,
        runId: update?.updateRef?.workflowExecution?.runId ?? '',
      },
      updateId: updateRequest.request.meta.updateId,
      updateOutcome: update?.outcome ?? undefined,
    };
  }

  private async cancelHandler(input: WorkflowCancelInput) {
    const { service, namespace, identity } = this.deps;
    const { workflowId, runId } = input.workflowExecution;
    return service.call(
      'RequestCancelWorkflowExecution',
      {
        namespace,
        identity,
        requestId: randomUUID(),
        workflowExecution: { workflowId, runId: runId ?? '' },
        firstExecutionRunId: input.firstExecutionRunId,
      },
      { workflowId, runId },
    );
  }

  private async terminateHandler(input: WorkflowTerminateInput) {
    const { service, namespace, identity, dataConverter } = this.deps;
    const { workflowId, runId } = input.workflowExecution;
    return service.call(
      'TerminateWorkflowExecution',
      {
        namespace,
        identity,
        workflowExecution: { workflowId, runId: runId ?? '' },
        reason: input.reason,
        details: input.details ? { payloads: await dataConverter.encode(input.details) } : undefined,
        firstExecutionRunId: input.firstExecutionRunId,
      },
      { workflowId, runId },
    );
  }

  private async describeHandler(input: WorkflowDescribeInput) {
    const { service, namespace } = this.deps;
    const { workflowId, runId } = input.workflowExecution;
    return service.call(
      'DescribeWorkflowExecution',
      { namespace, execution: { workflowId, runId: runId ?? '' } },
      { workflowId, runId },
    );
  }
}

/**
 * Maps `source` through `fetch` in order, with up to `ahead` fetches running before the consumer
 * asks for them. A failed fetch rejects when the consumer reaches it; stopping early leaves no
 * fetch unobserved.
 */
async function* fetchAhead<T, R>(source: AsyncIterable<T>, ahead: number, fetch: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      while (!done && pending.length < ahead) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        const fetched = fetch(next.value);
        // Reported when consumed; a consumer that stops first must not cause an unhandled rejection.
        fetched.catch(() => undefined);
        pending.push(fetched);
      }
      const head = pending.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}
