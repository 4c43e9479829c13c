/**
 * Client interceptors: user code wrapped around each workflow call, outermost first, in the shape of
 * the official `WorkflowClientInterceptor` so existing interceptors port by changing the import.
 */
import type { google, temporal } from '@temporalio/proto';
import type { Duration } from '../common/time';
import type { Payload } from '../converter/types';
import type { CompiledScheduleOptions } from './schedule-options';
import type { SearchAttributes } from './search-attributes';
import type { WorkflowOptions, WorkflowUpdateStage } from './workflow-options';

/**
 * Header fields propagated to the workflow; build values with `dataConverter.payloadConverter.toPayload`.
 *
 * @example
 * ```ts
 * const headers: Headers = { tenant: client.dataConverter.payloadConverter.toPayload('blue') };
 * ```
 */
export type Headers = Record<string, Payload>;

/**
 * The target of a call: `runId` absent means the latest run of `workflowId`.
 *
 * @example
 * ```ts
 * const target: WorkflowExecution = { workflowId: 'order-1' }; // latest run
 * ```
 */
export interface WorkflowExecution {
  workflowId: string;
  runId?: string;
}

/**
 * The rest of the chain for one method: call it to proceed, or return without calling to short-circuit.
 *
 * @example
 * ```ts
 * const start: WorkflowClientInterceptor['start'] = (input, next) => next(input);
 * ```
 */
export type Next<I, M extends keyof I> = NonNullable<I[M]> extends (input: infer In, next: infer N) => unknown ? N : never;

/**
 * Start options as interceptors see them: `args` always present (empty when the caller gave
 * none), as in the official `CompiledWorkflowOptions`.
 *
 * @example
 * ```ts
 * start: (input, next) => next({ ...input, options: { ...input.options, args: [...input.options.args, 'extra'] } })
 * ```
 */
export type InterceptedWorkflowOptions = Omit<WorkflowOptions, 'args' | 'searchAttributes' | InterceptedDurationField> & {
  args: unknown[];
  /** An `undefined` value leaves that attribute out, as in the official client. */
  searchAttributes?: Record<string, SearchAttributes[string] | undefined>;
  workflowExecutionTimeout?: Duration | google.protobuf.IDuration;
  workflowRunTimeout?: Duration | google.protobuf.IDuration;
  workflowTaskTimeout?: Duration | google.protobuf.IDuration;
  startDelay?: Duration | google.protobuf.IDuration;
};

/**
 * Durations reach interceptors compiled to `google.protobuf.IDuration`, as in the official client;
 * an interceptor may put back either form.
 */
type InterceptedDurationField = 'workflowExecutionTimeout' | 'workflowRunTimeout' | 'workflowTaskTimeout' | 'startDelay';

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * start: (input, next) => next({ ...input, headers: { ...input.headers, tenant } })
 * ```
 */
export interface WorkflowStartInput {
  readonly workflowType: string;
  readonly headers: Headers;
  readonly options: InterceptedWorkflowOptions;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * signal: (input, next) => (log(input.signalName), next(input))
 * ```
 */
/**
 * What `startWithDetails` resolves to.
 *
 * @example
 * ```ts
 * startWithDetails: async (input, next) => { const out = await next(input); log(out.runId, out.eagerlyStarted); return out; }
 * ```
 */
export interface WorkflowStartOutput {
  readonly runId: string;
  /** True when the server returned the first workflow task with the start (`requestEagerStart`). */
  readonly eagerlyStarted: boolean;
}

export interface WorkflowSignalInput {
  readonly signalName: string;
  readonly args: unknown[];
  readonly workflowExecution: WorkflowExecution;
  readonly headers: Headers;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * signalWithStart: (input, next) => (log(input.signalName), next(input))
 * ```
 */
export interface WorkflowSignalWithStartInput {
  readonly workflowType: string;
  readonly signalName: string;
  readonly signalArgs: unknown[];
  readonly headers: Headers;
  readonly options: InterceptedWorkflowOptions;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * query: (input, next) => (log(input.queryType), next(input))
 * ```
 */
export interface WorkflowQueryInput {
  readonly queryType: string;
  readonly args: unknown[];
  readonly workflowExecution: WorkflowExecution;
  readonly queryRejectCondition?: temporal.api.enums.v1.QueryRejectCondition;
  readonly headers: Headers;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * startUpdate: (input, next) => (log(input.updateName), next(input))
 * ```
 */
export interface WorkflowStartUpdateInput {
  readonly updateName: string;
  readonly args: unknown[];
  readonly workflowExecution: WorkflowExecution;
  readonly firstExecutionRunId?: string;
  readonly headers: Headers;
  /** `waitForStage` overrides the stage the caller asked for (the official input carries only `updateId`). */
  readonly options: { updateId?: string; waitForStage?: WorkflowUpdateStage };
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * const { updateId, workflowRunId } = await next(input);
 * ```
 */
export interface WorkflowStartUpdateOutput {
  readonly updateId: string;
  readonly workflowRunId: string;
  /** Present when the update already completed (or was rejected) within the call. */
  readonly outcome?: temporal.api.update.v1.IOutcome;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * startUpdateWithStart: (input, next) => (log(input.updateName, input.workflowType), next(input))
 * ```
 */
export interface WorkflowStartUpdateWithStartInput {
  readonly workflowType: string;
  readonly workflowStartOptions: InterceptedWorkflowOptions;
  readonly workflowStartHeaders: Headers;
  readonly updateName: string;
  readonly updateArgs: unknown[];
  /** `waitForStage` overrides the stage the caller asked for (the official input carries only `updateId`). */
  readonly updateOptions: { updateId?: string; waitForStage?: WorkflowUpdateStage };
  readonly updateHeaders: Headers;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * const { workflowExecution, updateId } = await next(input);
 * ```
 */
export interface WorkflowStartUpdateWithStartOutput {
  readonly workflowExecution: WorkflowExecution;
  readonly updateId: string;
  readonly updateOutcome?: temporal.api.update.v1.IOutcome;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * terminate: (input, next) => (log(input.reason), next(input))
 * ```
 */
export interface WorkflowTerminateInput {
  readonly workflowExecution: WorkflowExecution;
  readonly reason?: string;
  readonly details?: unknown[];
  readonly firstExecutionRunId?: string;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * cancel: (input, next) => (log(input.workflowExecution.workflowId), next(input))
 * ```
 */
export interface WorkflowCancelInput {
  readonly workflowExecution: WorkflowExecution;
  readonly firstExecutionRunId?: string;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * describe: (input, next) => (log(input.workflowExecution.workflowId), next(input))
 * ```
 */
export interface WorkflowDescribeInput {
  readonly workflowExecution: WorkflowExecution;
}

/**
 * Intercepts workflow client calls. Each method receives the call's input and `next`; it may change
 * the input (e.g. add headers), observe the output, or throw.
 *
 * @example
 * ```ts
 * const tracing: WorkflowClientInterceptor = {
 *   async start(input, next) {
 *     const headers = { ...input.headers, traceId: converter.toPayload('abc') };
 *     return next({ ...input, headers });
 *   },
 * };
 * const client = new Client({ connection, interceptors: { workflow: [tracing] } });
 * ```
 */
export interface WorkflowClientInterceptor {
  /** Resolves to the new run id. */
  /**
   * Resolves to the new run id. An interceptor with `start` but no `startWithDetails` runs inside
   * the `startWithDetails` chain (as the official client adapts it).
   */
  start?(input: WorkflowStartInput, next: (input: WorkflowStartInput) => Promise<string>): Promise<string>;
  /** Resolves to the new run id and whether the server handed the first workflow task back eagerly. */
  startWithDetails?(input: WorkflowStartInput, next: (input: WorkflowStartInput) => Promise<WorkflowStartOutput>): Promise<WorkflowStartOutput>;
  signal?(input: WorkflowSignalInput, next: (input: WorkflowSignalInput) => Promise<void>): Promise<void>;
  /** Resolves to the run id that received the signal. */
  signalWithStart?(input: WorkflowSignalWithStartInput, next: (input: WorkflowSignalWithStartInput) => Promise<string>): Promise<string>;
  query?(input: WorkflowQueryInput, next: (input: WorkflowQueryInput) => Promise<unknown>): Promise<unknown>;
  startUpdate?(input: WorkflowStartUpdateInput, next: (input: WorkflowStartUpdateInput) => Promise<WorkflowStartUpdateOutput>): Promise<WorkflowStartUpdateOutput>;
  startUpdateWithStart?(input: WorkflowStartUpdateWithStartInput, next: (input: WorkflowStartUpdateWithStartInput) => Promise<WorkflowStartUpdateWithStartOutput>): Promise<WorkflowStartUpdateWithStartOutput>;
  terminate?(input: WorkflowTerminateInput, next: (input: WorkflowTerminateInput) => Promise<temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse>): Promise<temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse>;
  cancel?(input: WorkflowCancelInput, next: (input: WorkflowCancelInput) => Promise<temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse>): Promise<temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse>;
  describe?(input: WorkflowDescribeInput, next: (input: WorkflowDescribeInput) => Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse>): Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse>;
}

/**
 * Input of `ScheduleClientInterceptor.create`: the checked options (durations and specs already in
 * wire form, memo and args still plain values) and the headers to put on every workflow the schedule
 * starts.
 *
 * @example
 * ```ts
 * create: (input, next) => next({ ...input, headers: { ...input.headers, tenant: converter.toPayload('blue') } })
 * ```
 */
export interface CreateScheduleInput {
  readonly options: CompiledScheduleOptions;
  readonly headers: Headers;
}

/**
 * Output of `ScheduleClientInterceptor.create`.
 *
 * @example
 * ```ts
 * const { conflictToken } = await next(input);
 * ```
 */
export interface CreateScheduleOutput {
  readonly conflictToken: Uint8Array;
}

/**
 * Intercepts schedule client calls, as the official `ScheduleClientInterceptor` does (`create`).
 * Headers set here are stored with the schedule's action and reach every workflow it starts;
 * `update` keeps them.
 *
 * @example
 * ```ts
 * const audit: ScheduleClientInterceptor = {
 *   async create(input, next) {
 *     console.log('creating schedule', input.options.scheduleId);
 *     return next(input);
 *   },
 * };
 * const client = new Client({ connection, interceptors: { schedule: [audit] } });
 * ```
 */
export interface ScheduleClientInterceptor {
  create?(input: CreateScheduleInput, next: (input: CreateScheduleInput) => Promise<CreateScheduleOutput>): Promise<CreateScheduleOutput>;
}

/**
 * Interceptors by client area.
 *
 * @example
 * ```ts
 * const interceptors: ClientInterceptors = { workflow: [loggingInterceptor, tracingInterceptor], schedule: [audit] };
 * ```
 */
export interface ClientInterceptors {
  /** A list of interceptors, or (the official legacy form) factories called per workflow. */
  workflow?: WorkflowClientInterceptor[] | WorkflowClientInterceptors;
  schedule?: ScheduleClientInterceptor[];
}

/** Alias of {@link WorkflowClientInterceptor}, the name the official legacy factory form uses. */
export type WorkflowClientCallsInterceptor = WorkflowClientInterceptor;

/** What a legacy interceptor factory is called with: the workflow the call is about. */
export interface WorkflowClientCallsInterceptorFactoryInput {
  workflowId: string;
  runId?: string;
}

/**
 * Makes the interceptor for the calls about one workflow (the official legacy form).
 *
 * @example
 * ```ts
 * const factory: WorkflowClientCallsInterceptorFactory = ({ workflowId }) => ({
 *   signal: (input, next) => { console.log('signal', workflowId); return next(input); },
 * });
 * ```
 */
export type WorkflowClientCallsInterceptorFactory = (input: WorkflowClientCallsInterceptorFactoryInput) => WorkflowClientCallsInterceptor;

/**
 * The official legacy form of workflow interceptors: `{ calls: [factory, ...] }`, each factory
 * called for every call with the workflow it is about.
 *
 * @example
 * ```ts
 * const client = new Client({ connection, interceptors: { workflow: { calls: [(wf) => makeInterceptor(wf)] } } });
 * ```
 */
export interface WorkflowClientInterceptors {
  calls?: WorkflowClientCallsInterceptorFactory[];
}

/**
 * Runs an interceptor that has only the legacy `start` inside the `startWithDetails` chain, as the
 * official client does: its `next` resolves to the run id, and the eager-start flag of the call
 * below it is kept.
 */
export function adaptLegacyStart(interceptor: WorkflowClientInterceptor): WorkflowClientInterceptor {
  const start = interceptor.start;
  if (interceptor.startWithDetails !== undefined || start === undefined) return interceptor;
  return {
    ...interceptor,
    startWithDetails: async (input, next) => {
      let below: WorkflowStartOutput | undefined;
      const runId = await start.call(interceptor, input, async (i) => {
        below = await next(i);
        return below.runId;
      });
      return { runId, eagerlyStarted: below?.eagerlyStarted ?? false };
    },
  };
}

/**
 * Builds the call chain for `method`: the first interceptor in the list runs first, and `last` (the
 * real RPC) runs at the bottom.
 */
export function composeInterceptors<I extends object, M extends keyof I>(
  interceptors: readonly I[],
  method: M,
  last: Next<I, M>,
): Next<I, M> {
  type Step = (input: unknown, next: (input: unknown) => unknown) => unknown;
  let next = last as unknown as (input: unknown) => unknown;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i];
    const step = interceptor?.[method] as Step | undefined;
    if (!step) continue;
    const inner = next;
    next = (input) => step.call(interceptor, input, inner);
  }
  return next as unknown as Next<I, M>;
}
