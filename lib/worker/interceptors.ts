/**
 * Worker interceptors, shaped like `@temporalio/worker`'s: a factory per activity attempt returns
 * the interceptors for that attempt, and inbound `execute` wraps the activity function.
 */
import type { Context } from '../activity/context';
import type { Payload } from '../converter/types';
import type { MetricTags } from '../runtime/metric-meter';

/** What reaches an activity's inbound interceptors: decoded arguments and the raw header payloads. */
export interface ActivityExecuteInput {
  readonly args: unknown[];
  readonly headers: Record<string, Payload>;
}

/** Calls the next interceptor, or the activity function itself after the last one. */
export type ActivityExecuteNext = (input: ActivityExecuteInput) => Promise<unknown>;

/**
 * Intercepts the execution of one activity attempt.
 *
 * @example
 * ```ts
 * const timing: ActivityInboundCallsInterceptor = {
 *   async execute(input, next) {
 *     const started = Date.now();
 *     try { return await next(input); } finally { metrics.record(Date.now() - started); }
 *   },
 * };
 * ```
 */
export interface ActivityInboundCallsInterceptor {
  execute?(input: ActivityExecuteInput, next: ActivityExecuteNext): Promise<unknown>;
}

/**
 * Intercepts what an activity attempt sends out: the attributes of every `Context.log` line and the
 * tags of every `Context.metricMeter` metric. Shaped like `@temporalio/worker`'s.
 *
 * @example
 * ```ts
 * const tenant: ActivityOutboundCallsInterceptor = {
 *   getLogAttributes: (input, next) => next({ ...input, tenant: 'acme' }),
 *   getMetricTags: (input, next) => next({ ...input, tenant: 'acme' }),
 * };
 * ```
 */
export interface ActivityOutboundCallsInterceptor {
  getLogAttributes?(input: Record<string, unknown>, next: (input: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown>;
  getMetricTags?(input: MetricTags, next: (input: MetricTags) => MetricTags): MetricTags;
}

/** The interceptors a factory returns for one activity attempt. */
export interface ActivityInterceptors {
  inbound?: ActivityInboundCallsInterceptor;
  outbound?: ActivityOutboundCallsInterceptor;
}

/**
 * Called once per activity attempt with its {@link Context}.
 *
 * @example
 * ```ts
 * const factory: ActivityInterceptorsFactory = (ctx) => ({
 *   inbound: { execute: (input, next) => { ctx.log.info('starting'); return next(input); } },
 * });
 * ```
 */
export type ActivityInterceptorsFactory = (ctx: Context) => ActivityInterceptors;

/** The older form: a factory returning only the inbound interceptor. */
export type ActivityInboundCallsInterceptorFactory = (ctx: Context) => ActivityInboundCallsInterceptor;

/**
 * The `interceptors` worker option. For `activity`, the first factory's interceptor is the
 * outermost: it sees the call first and the result last.
 *
 * @example
 * ```ts
 * await Worker.create({ connection, taskQueue: 'q', activities, interceptors: { activity: [factory] } });
 * ```
 */
export interface WorkerInterceptors {
  activity?: ActivityInterceptorsFactory[];
  /** Deprecated spelling kept for code written against older official SDKs; runs after `activity`. */
  activityInbound?: ActivityInboundCallsInterceptorFactory[];
  /** Module paths of workflow interceptors, bundled into the workflow sandbox. */
  workflowModules?: string[];
}

/** The chains built for one attempt from the worker's interceptor factories. */
export interface ActivityInterceptorChains {
  readonly execute: ActivityExecuteNext;
  /** Composed `getLogAttributes`; `undefined` when no outbound interceptor defines it. */
  readonly logAttributes: ((input: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** Composed `getMetricTags`; `undefined` when no outbound interceptor defines it. */
  readonly metricTags: ((input: MetricTags) => MetricTags) | undefined;
}

/**
 * Calls each factory once for the attempt and builds its chains. The first factory's interceptor is
 * the outermost of every chain. With no interceptor configured `execute` is `last` itself, so the
 * common case calls the activity function directly.
 */
export function composeActivityInterceptors(
  interceptors: WorkerInterceptors,
  context: Context,
  last: ActivityExecuteNext,
): ActivityInterceptorChains {
  const inbound: ActivityInboundCallsInterceptor[] = [];
  const outbound: ActivityOutboundCallsInterceptor[] = [];
  for (const factory of interceptors.activity ?? []) {
    const made = factory(context);
    if (made.inbound !== undefined) inbound.push(made.inbound);
    if (made.outbound !== undefined) outbound.push(made.outbound);
  }
  for (const factory of interceptors.activityInbound ?? []) inbound.push(factory(context));
  let next = last;
  for (let i = inbound.length - 1; i >= 0; i--) {
    const interceptor = inbound[i]!;
    if (interceptor.execute === undefined) continue;
    const downstream = next;
    next = (input) => interceptor.execute!(input, downstream);
  }
  return {
    execute: next,
    logAttributes: chain<Record<string, unknown>>(outbound, 'getLogAttributes'),
    metricTags: chain<MetricTags>(outbound, 'getMetricTags'),
  };
}

/** The `method` chain over `outbound`, first interceptor outermost, ending with the input itself. */
function chain<T>(
  outbound: readonly ActivityOutboundCallsInterceptor[],
  method: 'getLogAttributes' | 'getMetricTags',
): ((input: T) => T) | undefined {
  type Step = (input: T) => T;
  type Method = (this: ActivityOutboundCallsInterceptor, input: T, next: Step) => T;
  const defined = outbound.filter((o) => o[method] !== undefined);
  if (defined.length === 0) return undefined;
  let next: Step = (input) => input;
  for (let i = defined.length - 1; i >= 0; i--) {
    const interceptor = defined[i]!;
    const fn = interceptor[method] as unknown as Method;
    const downstream = next;
    next = (input) => fn.call(interceptor, input, downstream);
  }
  return next;
}

/**
 * The `execute` chain alone (see {@link composeActivityInterceptors}).
 *
 * @example
 * ```ts
 * const execute = composeActivityExecute({ activity: [factory] }, context, (input) => fn(...input.args));
 * ```
 */
export function composeActivityExecute(interceptors: WorkerInterceptors, context: Context, last: ActivityExecuteNext): ActivityExecuteNext {
  return composeActivityInterceptors(interceptors, context, last).execute;
}
