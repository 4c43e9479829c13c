/**
 * Client interceptors: user code wrapped around each workflow call, outermost first, in the shape of
 * the official `WorkflowClientInterceptor` so existing interceptors port by changing the import.
 */
import type { temporal } from '@temporalio/proto';
import type { Payload } from '../converter/types';
import type { CompiledScheduleOptions } from './schedule-options';
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
  readonly options: WorkflowOptions;
}

/**
 * Input or output of one `WorkflowClientInterceptor` method.
 *
 * @example
 * ```ts
 * signal: (input, next) => (log(input.signalName), next(input))
 * ```
 */
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
  readonly options: WorkflowOptions;
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
  readonly options: { updateId?: string; waitForStage: WorkflowUpdateStage };
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
  readonly workflowStartOptions: WorkflowOptions;
  readonly workflowStartHeaders: Headers;
  readonly updateName: string;
  readonly updateArgs: unknown[];
  readonly updateOptions: { updateId?: string; waitForStage: WorkflowUpdateStage };
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
  readonly workflowExecution: Required<WorkflowExecution>;
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
  start?: (
    input: WorkflowStartInput,
    next: (input: WorkflowStartInput) => Promise<string>,
  ) => Promise<string>;
  signal?: (
    input: WorkflowSignalInput,
    next: (input: WorkflowSignalInput) => Promise<void>,
  ) => Promise<void>;
  /** Resolves to the run id that received the signal. */
  signalWithStart?: (
    input: WorkflowSignalWithStartInput,
    next: (input: WorkflowSignalWithStartInput) => Promise<string>,
  ) => Promise<string>;
  query?: (
    input: WorkflowQueryInput,
    next: (input: WorkflowQueryInput) => Promise<unknown>,
  ) => Promise<unknown>;
  startUpdate?: (
    input: WorkflowStartUpdateInput,
    next: (input: WorkflowStartUpdateInput) => Promise<WorkflowStartUpdateOutput>,
  ) => Promise<WorkflowStartUpdateOutput>;
  startUpdateWithStart?: (
    input: WorkflowStartUpdateWithStartInput,
    next: (input: WorkflowStartUpdateWithStartInput) => Promise<WorkflowStartUpdateWithStartOutput>,
  ) => Promise<WorkflowStartUpdateWithStartOutput>;
  terminate?: (
    input: WorkflowTerminateInput,
    next: (input: WorkflowTerminateInput) => Promise<temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse>,
  ) => Promise<temporal.api.workflowservice.v1.ITerminateWorkflowExecutionResponse>;
  cancel?: (
    input: WorkflowCancelInput,
    next: (input: WorkflowCancelInput) => Promise<temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse>,
  ) => Promise<temporal.api.workflowservice.v1.IRequestCancelWorkflowExecutionResponse>;
  describe?: (
    input: WorkflowDescribeInput,
    next: (input: WorkflowDescribeInput) => Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse>,
  ) => Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse>;
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
  create?: (input: CreateScheduleInput, next: (input: CreateScheduleInput) => Promise<CreateScheduleOutput>) => Promise<CreateScheduleOutput>;
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
  workflow?: WorkflowClientInterceptor[];
  schedule?: ScheduleClientInterceptor[];
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
