/**
 * Worker interceptors, shaped like `@temporalio/worker`'s: a factory per activity attempt returns
 * the interceptors for that attempt, and inbound `execute` wraps the activity function.
 */
import type { Context } from '../activity/context';
import type { Payload } from '../converter/types';

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

/** The interceptors a factory returns for one activity attempt. */
export interface ActivityInterceptors {
  inbound?: ActivityInboundCallsInterceptor;
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

/**
 * Builds the `execute` chain for one attempt. With no interceptor configured the chain is `last`
 * itself, so the common case calls the activity function directly.
 */
export function composeActivityExecute(
  interceptors: WorkerInterceptors,
  context: Context,
  last: ActivityExecuteNext,
): ActivityExecuteNext {
  const inbound: ActivityInboundCallsInterceptor[] = [];
  for (const factory of interceptors.activity ?? []) {
    const made = factory(context).inbound;
    if (made !== undefined) inbound.push(made);
  }
  for (const factory of interceptors.activityInbound ?? []) inbound.push(factory(context));
  let next = last;
  for (let i = inbound.length - 1; i >= 0; i--) {
    const interceptor = inbound[i]!;
    if (interceptor.execute === undefined) continue;
    const downstream = next;
    next = (input) => interceptor.execute!(input, downstream);
  }
  return next;
}
