/**
 * `temporal-native/activity`: what activity code imports. The names match `@temporalio/activity`
 * so that activities written for the official SDK move over by changing the import.
 *
 * @example
 * ```ts
 * import { heartbeat, sleep, activityInfo } from 'temporal-native/activity';
 *
 * export async function crunch(items: number): Promise<number> {
 *   const start = (activityInfo().heartbeatDetails as number | undefined) ?? 0;
 *   for (let i = start; i < items; i++) {
 *     await sleep(100);
 *     heartbeat(i);
 *   }
 *   return items;
 * }
 * ```
 */
import { Context } from './context';
import type { ActivityCancellationDetails } from './cancellation';
import type { Duration } from '../common/time';
import type { Info } from './info';
import type { Client } from '../client/client';
import type { Logger, LogLevel, LogMetadata } from '../worker/logger';

import type { MetricMeter } from '@temporalio/common';
export { Context, activityContextStorage, activityContextStorage as asyncLocalStorage } from './context';
export type { ContextParts } from './context';
export type { Info } from './info';
export type { Duration } from '../common/time';
export { CompleteAsyncError, ActivityContextError } from './errors';
export { ActivityCancellation } from './cancellation';
export type { ActivityCancelReason, ActivityCancellationDetails } from './cancellation';
export { MockActivityEnvironment, defaultMockActivityInfo, type MockActivityEnvironmentOptions } from './mock-environment';
export { ApplicationFailure, CancelledFailure } from '../common/failures';
export type { Logger, LogLevel, LogMetadata } from '../worker/logger';

/**
 * Info of the current activity. Throws `ActivityContextError` outside an activity.
 *
 * @example
 * ```ts
 * const { attempt, workflowExecution } = activityInfo();
 * ```
 */
export function activityInfo(): Info {
  return Context.current().info;
}

/**
 * Heartbeats the current activity; see {@link Context.heartbeat}.
 *
 * @example
 * ```ts
 * for (const [i, row] of rows.entries()) { await save(row); heartbeat(i); }
 * ```
 */
export function heartbeat(details?: unknown): void {
  Context.current().heartbeat(details);
}

/**
 * Sleeps, rejecting when the current activity is cancelled; see {@link Context.sleep}.
 *
 * @example
 * ```ts
 * await sleep('2s'); // throws CancelledFailure if the activity is cancelled meanwhile
 * ```
 */
export function sleep(ms: Duration): Promise<void> {
  return Context.current().sleep(ms);
}

/**
 * The current activity's `cancelled` promise; see {@link Context.cancelled}.
 *
 * @example
 * ```ts
 * await Promise.race([longComputation(), cancelled()]);
 * ```
 */
export function cancelled(): Promise<never> {
  return Context.current().cancelled;
}

/**
 * The current activity's AbortSignal; see {@link Context.cancellationSignal}.
 *
 * @example
 * ```ts
 * const response = await fetch(url, { signal: cancellationSignal() });
 * ```
 */
export function cancellationSignal(): AbortSignal {
  return Context.current().cancellationSignal;
}

/**
 * The worker's client; see {@link Context.client}.
 *
 * @example
 * ```ts
 * await getClient().workflow.getHandle(workflowId).signal('progress', 50);
 * ```
 */
export function getClient(): Client {
  return Context.current().client;
}

/**
 * Why the current activity was cancelled, or `undefined`.
 *
 * @example
 * ```ts
 * if (cancellationDetails()?.workerShutdown) await checkpoint();
 * ```
 */
export function cancellationDetails(): ActivityCancellationDetails | undefined {
  return Context.current().cancellationDetails;
}

/**
 * Logs through the current activity's logger (with its ids attached). Resolved on every call, so
 * it can be imported at module level and used from any activity.
 *
 * @example
 * ```ts
 * log.info('charging card', { amount });
 * ```
 */
export const log: Logger = {
  log: (level: LogLevel, message: string, meta?: LogMetadata) => Context.current().log.log(level, message, meta),
  trace: (message: string, meta?: LogMetadata) => Context.current().log.trace(message, meta),
  debug: (message: string, meta?: LogMetadata) => Context.current().log.debug(message, meta),
  info: (message: string, meta?: LogMetadata) => Context.current().log.info(message, meta),
  warn: (message: string, meta?: LogMetadata) => Context.current().log.warn(message, meta),
  error: (message: string, meta?: LogMetadata) => Context.current().log.error(message, meta),
};

/**
 * The current activity's meter (a shortcut for `Context.current().metricMeter`): metrics go to the
 * exporter configured with `Runtime.install`, tagged with the activity's namespace, task queue and
 * type. Throws `ActivityContextError` outside an activity.
 *
 * @example
 * ```ts
 * metricMeter.createCounter('rows_imported').add(rows.length, { source: 'csv' });
 * ```
 */
export const metricMeter: MetricMeter = {
  createCounter: (name, unit, description) => Context.current().metricMeter.createCounter(name, unit, description),
  createHistogram: (name, valueType, unit, description) => Context.current().metricMeter.createHistogram(name, valueType, unit, description),
  createGauge: (name, valueType, unit, description) => Context.current().metricMeter.createGauge(name, valueType, unit, description),
  withTags: (tags) => Context.current().metricMeter.withTags(tags),
};
export type { MetricMeter };

// The official activity function types, for typing activity modules as with @temporalio/activity.
export type { ActivityFunction, ActivityInterface, UntypedActivities } from '@temporalio/common';
