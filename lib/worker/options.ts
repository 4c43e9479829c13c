/**
 * The `Worker.create` options: what users pass, their validation (a `TypeError` naming the field),
 * and their translation into the core's worker options.
 */
import * as os from 'node:os';
import { ValueError } from '../common/errors';
import { parseDuration, type Duration } from '../common/time';
import { Connection } from '../client/connection';
import type { CoreConnection, WorkerOptions as CoreWorkerOptions } from '../core/types';
import { workerOptionsWithDefaults } from '../core/options';
import type { DataConverter } from '../converter/types';
import type { ActivityFunction } from './activity/activity-execution';
import type { WorkerInterceptors } from './interceptors';
import type { InjectedSinks } from './workflow/sinks';
import { installedLogger } from '../runtime/runtime';
import { ConsoleLogger, isLogger, type Logger } from './logger';
import { compileActivityPoolOptions, type ActivityPoolOptions, type CompiledActivityPoolOptions } from './activity/pool/options';

/** Anything that holds a core connection: our client `Connection` (its `core`) or a `CoreConnection`. */
export type WorkerConnection = { readonly core: CoreConnection } | CoreConnection;

/** A bundle made ahead of time (e.g. by `bundleWorkflowCode`): the code, or a file holding it. */
export type WorkflowBundleOption = { code: string } | { codePath: string };

/**
 * Options of `Worker.create`. Names and defaults follow `@temporalio/worker`.
 *
 * @example
 * ```ts
 * const worker = await Worker.create({
 *   connection,
 *   taskQueue: 'orders',
 *   activities: { chargeCard, shipOrder },
 *   maxConcurrentActivityTaskExecutions: 200,
 *   shutdownGraceTime: '10s',
 * });
 * ```
 */
export interface WorkerOptions {
  /** The connection the worker polls through (`Connection.connect(...)`). */
  connection: WorkerConnection;
  /** Default `'default'`. */
  namespace?: string;
  taskQueue: string;
  /** Activity implementations by name; a function named `default` serves every unregistered type. */
  activities?: object;
  /** Default 100. Enforced by the core's slots. */
  maxConcurrentActivityTaskExecutions?: number;
  /** Default `min(10, maxConcurrentActivityTaskExecutions)`. */
  maxConcurrentActivityTaskPolls?: number;
  /** Per-worker rate limit; unlimited by default. */
  maxActivitiesPerSecond?: number;
  /** Task-queue-wide rate limit, enforced by the server; unlimited by default. */
  maxTaskQueueActivitiesPerSecond?: number;
  /** Default 60s. */
  maxHeartbeatThrottleInterval?: Duration;
  /** Default 30s (for activities without a heartbeat timeout). */
  defaultHeartbeatThrottleInterval?: Duration;
  /**
   * How long running activities may keep going after shutdown starts, before they are cancelled with
   * reason `WORKER_SHUTDOWN`. Default 0 (cancelled at once).
   */
  shutdownGraceTime?: Duration;
  /** Default: the connection's identity, else `<pid>@<hostname>`. */
  identity?: string;
  /** Default `temporal-native`. */
  buildId?: string;
  interceptors?: WorkerInterceptors;
  /**
   * Host functions workflows call through `proxySinks()` (the official `InjectedSinks` shape), e.g.
   * the span exporter of `@temporalio/interceptors-opentelemetry`'s `makeWorkflowExporter`.
   */
  sinks?: InjectedSinks;
  dataConverter?: DataConverter;
  /** Default: the logger given to `Runtime.install`, else a {@link ConsoleLogger} at `INFO`. */
  logger?: Logger;
  /** Shut down gracefully on SIGINT/SIGTERM while running. Default `true`. */
  handleSignals?: boolean;
  /** Set `false` to not poll for (remote) activity tasks even though activities are registered. */
  enableNonLocalActivities?: boolean;

  /** A module exporting the workflow functions; bundled when the worker is created. */
  workflowsPath?: string;
  workflowBundle?: WorkflowBundleOption;
  /** Default 40. */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Default 10. */
  maxConcurrentWorkflowTaskPolls?: number;
  /** Default 100. */
  maxConcurrentLocalActivityExecutions?: number;
  /** Default 1000. */
  maxCachedWorkflows?: number;
  /** Default 10s. */
  stickyQueueScheduleToStartTimeout?: Duration;
  /** Default 0.2. */
  nonStickyToStickyPollRatio?: number;
  /**
   * Runs the activities exported by `activityPool.modulePath` in a supervised pool of worker threads
   * or child processes (see {@link ActivityPoolOptions}); `activities` keep running in-process beside
   * them. With a pool, `maxConcurrentActivityTaskExecutions` defaults to, and may not exceed, what
   * the pool can hold (max workers + `maxQueueSize`).
   *
   * @example
   * ```ts
   * await Worker.create({ connection, taskQueue: 'images',
   *   activityPool: { modulePath: require.resolve('./resize'), isolation: 'thread', numWorkers: 2 } });
   * ```
   */
  activityPool?: ActivityPoolOptions;
}

/** Workflow-side settings, handed to the workflow activation loop. */
export interface CompiledWorkflowOptions {
  readonly workflowsPath: string | undefined;
  readonly workflowBundle: WorkflowBundleOption | undefined;
  readonly maxCachedWorkflows: number;
  readonly maxConcurrentWorkflowTaskExecutions: number;
  readonly workflowInterceptorModules: readonly string[];
}

/** Options after validation, with every default resolved. */
export interface CompiledWorkerOptions {
  readonly coreConnection: CoreConnection;
  /** The client `Connection` the worker was given, for `Context.client`; absent for a bare core connection. */
  readonly clientConnection: Connection | undefined;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly identity: string;
  readonly activities: ReadonlyMap<string, ActivityFunction>;
  readonly maxConcurrentActivityTaskExecutions: number;
  readonly shutdownGraceTimeMs: number;
  readonly interceptors: WorkerInterceptors;
  readonly sinks: InjectedSinks;
  readonly dataConverter: DataConverter | undefined;
  readonly logger: Logger;
  readonly handleSignals: boolean;
  /** `undefined` when the worker runs no workflows. */
  readonly workflows: CompiledWorkflowOptions | undefined;
  /** `undefined` without `activityPool`. */
  readonly activityPool: CompiledActivityPoolOptions | undefined;
  /** What the core's worker is created with. */
  readonly core: CoreWorkerOptions;
}

const KNOWN_OPTIONS = new Set<string>([
  'connection', 'namespace', 'taskQueue', 'activities', 'maxConcurrentActivityTaskExecutions',
  'maxConcurrentActivityTaskPolls', 'maxActivitiesPerSecond', 'maxTaskQueueActivitiesPerSecond',
  'maxHeartbeatThrottleInterval', 'defaultHeartbeatThrottleInterval', 'shutdownGraceTime', 'identity',
  'buildId', 'interceptors', 'sinks', 'dataConverter', 'logger', 'handleSignals', 'enableNonLocalActivities',
  'workflowsPath', 'workflowBundle', 'maxConcurrentWorkflowTaskExecutions', 'maxConcurrentWorkflowTaskPolls',
  'maxConcurrentLocalActivityExecutions', 'maxCachedWorkflows', 'stickyQueueScheduleToStartTimeout',
  'nonStickyToStickyPollRatio', 'activityPool',
]);

/**
 * Validates `Worker.create` options and resolves their defaults. Every problem is a `TypeError`
 * whose message starts with the option's name.
 *
 * @example
 * ```ts
 * compileWorkerOptions({ connection, taskQueue: '' }); // TypeError: taskQueue must be a non-empty string
 * ```
 */
export function compileWorkerOptions(options: unknown): CompiledWorkerOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('Worker options must be an object');
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`${key} is not a Worker option`);
  }

  const coreConnection = resolveCoreConnection(o.connection);
  const namespace = o.namespace === undefined ? 'default' : nonEmptyString(o.namespace, 'namespace');
  const taskQueue = nonEmptyString(o.taskQueue, 'taskQueue');
  const identity =
    o.identity === undefined ? connectionIdentity(o.connection) ?? `${process.pid}@${os.hostname()}` : nonEmptyString(o.identity, 'identity');
  const buildId = o.buildId === undefined ? 'temporal-native' : nonEmptyString(o.buildId, 'buildId');
  const logger = o.logger === undefined ? (installedLogger() ?? new ConsoleLogger('INFO')) : checkedLogger(o.logger);
  const activities = compileActivities(o.activities, logger);
  const activityPool = o.activityPool === undefined ? undefined : compileActivityPoolOptions(o.activityPool);
  const maxConcurrentActivityTaskExecutions = positiveInteger(
    o.maxConcurrentActivityTaskExecutions,
    'maxConcurrentActivityTaskExecutions',
    activityPool?.capacity ?? 100,
  );
  if (activityPool !== undefined && maxConcurrentActivityTaskExecutions > activityPool.capacity) {
    // Back-pressure: the worker must not take tasks that would wait in our queue beyond its bound.
    throw new TypeError(
      `maxConcurrentActivityTaskExecutions (${maxConcurrentActivityTaskExecutions}) may not exceed what activityPool can hold (max workers + maxQueueSize = ${activityPool.capacity})`,
    );
  }
  const maxConcurrentActivityTaskPolls = positiveInteger(
    o.maxConcurrentActivityTaskPolls,
    'maxConcurrentActivityTaskPolls',
    Math.min(10, maxConcurrentActivityTaskExecutions),
  );
  const maxActivitiesPerSecond = optionalPositiveNumber(o.maxActivitiesPerSecond, 'maxActivitiesPerSecond');
  const maxTaskQueueActivitiesPerSecond = optionalPositiveNumber(o.maxTaskQueueActivitiesPerSecond, 'maxTaskQueueActivitiesPerSecond');
  const maxHeartbeatThrottleIntervalMs = duration(o.maxHeartbeatThrottleInterval, 'maxHeartbeatThrottleInterval', 60_000);
  const defaultHeartbeatThrottleIntervalMs = duration(o.defaultHeartbeatThrottleInterval, 'defaultHeartbeatThrottleInterval', 30_000);
  const shutdownGraceTimeMs = duration(o.shutdownGraceTime, 'shutdownGraceTime', 0);
  const interceptors = compileInterceptors(o.interceptors);
  const sinks = compileSinks(o.sinks);
  const dataConverter = compileDataConverter(o.dataConverter);
  const handleSignals = optionalBoolean(o.handleSignals, 'handleSignals') ?? true;
  const enableNonLocalActivities = optionalBoolean(o.enableNonLocalActivities, 'enableNonLocalActivities') ?? true;

  const workflowsPath = o.workflowsPath === undefined ? undefined : nonEmptyString(o.workflowsPath, 'workflowsPath');
  const workflowBundle = o.workflowBundle === undefined ? undefined : compileWorkflowBundle(o.workflowBundle);
  if (workflowsPath !== undefined && workflowBundle !== undefined) {
    throw new TypeError('workflowsPath and workflowBundle are exclusive: give one of them');
  }
  const runsWorkflows = workflowsPath !== undefined || workflowBundle !== undefined;
  const maxConcurrentWorkflowTaskExecutions = positiveInteger(o.maxConcurrentWorkflowTaskExecutions, 'maxConcurrentWorkflowTaskExecutions', 40);
  const maxConcurrentWorkflowTaskPolls = positiveInteger(o.maxConcurrentWorkflowTaskPolls, 'maxConcurrentWorkflowTaskPolls', 10);
  const maxConcurrentLocalActivityExecutions = positiveInteger(o.maxConcurrentLocalActivityExecutions, 'maxConcurrentLocalActivityExecutions', 100);
  const maxCachedWorkflows = nonNegativeInteger(o.maxCachedWorkflows, 'maxCachedWorkflows', 1000);
  const stickyQueueScheduleToStartTimeoutMs = duration(o.stickyQueueScheduleToStartTimeout, 'stickyQueueScheduleToStartTimeout', 10_000);
  const nonStickyToStickyPollRatio = o.nonStickyToStickyPollRatio === undefined ? 0.2 : ratio(o.nonStickyToStickyPollRatio, 'nonStickyToStickyPollRatio');
  if (runsWorkflows && maxCachedWorkflows > 0 && maxConcurrentWorkflowTaskPolls < 2) {
    throw new TypeError('maxConcurrentWorkflowTaskPolls must be at least 2 when maxCachedWorkflows > 0 (sticky and normal queues are polled side by side)');
  }

  const hasActivities = activities.size > 0 || activityPool !== undefined;
  const pollsActivities = enableNonLocalActivities && hasActivities;
  if (!runsWorkflows && !pollsActivities) {
    throw new TypeError(
      'activities must register at least one function (or give workflowsPath/workflowBundle): a worker with neither has nothing to poll',
    );
  }

  const core = workerOptionsWithDefaults({
    namespace,
    taskQueue,
    buildId,
    identityOverride: identity,
    taskTypes: {
      workflows: runsWorkflows,
      activities: pollsActivities,
      localActivities: runsWorkflows && hasActivities,
      nexus: false,
    },
    slots: {
      workflow: maxConcurrentWorkflowTaskExecutions,
      activity: maxConcurrentActivityTaskExecutions,
      localActivity: maxConcurrentLocalActivityExecutions,
    },
    maxCachedWorkflows: runsWorkflows ? maxCachedWorkflows : 0,
    stickyQueueScheduleToStartTimeoutMs: Math.max(1, Math.round(stickyQueueScheduleToStartTimeoutMs)),
    maxHeartbeatThrottleIntervalMs: Math.round(maxHeartbeatThrottleIntervalMs),
    defaultHeartbeatThrottleIntervalMs: Math.round(defaultHeartbeatThrottleIntervalMs),
    gracefulShutdownPeriodMs: Math.round(shutdownGraceTimeMs),
    maxActivitiesPerSecond: maxActivitiesPerSecond ?? 0,
    maxTaskQueueActivitiesPerSecond: maxTaskQueueActivitiesPerSecond ?? 0,
    workflowTaskPollerBehavior: { simpleMaximum: maxConcurrentWorkflowTaskPolls },
    activityTaskPollerBehavior: { simpleMaximum: maxConcurrentActivityTaskPolls },
    nonStickyToStickyPollRatio,
  });

  return {
    coreConnection,
    clientConnection: o.connection instanceof Connection ? o.connection : undefined,
    namespace,
    taskQueue,
    identity,
    activities,
    maxConcurrentActivityTaskExecutions,
    shutdownGraceTimeMs,
    interceptors,
    sinks,
    dataConverter,
    logger,
    handleSignals,
    workflows: runsWorkflows
      ? {
          workflowsPath,
          workflowBundle,
          maxCachedWorkflows,
          maxConcurrentWorkflowTaskExecutions,
          workflowInterceptorModules: interceptors.workflowModules ?? [],
        }
      : undefined,
    activityPool,
    core,
  };
}

/** `{ iface: { fn: { fn, callDuringReplay? } } }`, each function checked. */
function compileSinks(value: unknown): InjectedSinks {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('sinks must be an object');
  const out: InjectedSinks = {};
  for (const [iface, fns] of Object.entries(value as Record<string, unknown>)) {
    if (iface === '__temporal_metrics') throw new TypeError('sinks.__temporal_metrics is reserved for workflow metrics');
    if (fns === null || typeof fns !== 'object') throw new TypeError(`sinks.${iface} must be an object of sink functions`);
    out[iface] = {};
    for (const [name, sink] of Object.entries(fns as Record<string, unknown>)) {
      const s = sink as { fn?: unknown; callDuringReplay?: unknown } | null;
      if (s === null || typeof s !== 'object' || typeof s.fn !== 'function') {
        throw new TypeError(`sinks.${iface}.${name} must be { fn: (info, ...args) => void, callDuringReplay?: boolean }`);
      }
      if (s.callDuringReplay !== undefined && typeof s.callDuringReplay !== 'boolean') {
        throw new TypeError(`sinks.${iface}.${name}.callDuringReplay must be a boolean`);
      }
      out[iface]![name] = sink as InjectedSinks[string][string];
    }
  }
  return out;
}

function isCoreConnection(value: unknown): value is CoreConnection {
  return value !== null && typeof value === 'object' && typeof (value as { createWorker?: unknown }).createWorker === 'function';
}

function resolveCoreConnection(value: unknown): CoreConnection {
  if (isCoreConnection(value)) return value;
  if (value !== null && typeof value === 'object' && isCoreConnection((value as { core?: unknown }).core)) {
    return (value as { core: CoreConnection }).core;
  }
  throw new TypeError('connection must be a Connection (from Connection.connect) or a core connection');
}

function connectionIdentity(value: unknown): string | undefined {
  const identity = (value as { identity?: unknown }).identity;
  return typeof identity === 'string' && identity.length > 0 ? identity : undefined;
}

function compileActivities(value: unknown, logger: Logger): Map<string, ActivityFunction> {
  const activities = new Map<string, ActivityFunction>();
  if (value === undefined || value === null) return activities;
  if (typeof value !== 'object') throw new TypeError('activities must be an object mapping names to functions');
  const skipped: string[] = [];
  // Own and inherited enumerable keys: `import * as activities` namespaces and class instances both
  // work. Like the official worker, values that are not functions (constants exported next to the
  // activities) are not registered; unlike it, the worker says so.
  for (const name in value) {
    const fn = (value as Record<string, unknown>)[name];
    if (typeof fn === 'function') activities.set(name, fn as ActivityFunction);
    else skipped.push(name);
  }
  if (skipped.length > 0) {
    logger.warn(`activities: not registering ${skipped.join(', ')} (not functions)`);
  }
  return activities;
}

function compileInterceptors(value: unknown): WorkerInterceptors {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') throw new TypeError('interceptors must be an object');
  const o = value as Record<string, unknown>;
  for (const key of ['activity', 'activityInbound'] as const) {
    const list = o[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new TypeError(`interceptors.${key} must be an array of factory functions`);
    list.forEach((factory, i) => {
      if (typeof factory !== 'function') throw new TypeError(`interceptors.${key}[${i}] must be a function, got ${describe(factory)}`);
    });
  }
  if (o.workflowModules !== undefined) {
    if (!Array.isArray(o.workflowModules)) throw new TypeError('interceptors.workflowModules must be an array of module paths');
    o.workflowModules.forEach((path, i) => nonEmptyString(path, `interceptors.workflowModules[${i}]`));
  }
  return o as WorkerInterceptors;
}

function compileDataConverter(value: unknown): DataConverter | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw new TypeError('dataConverter must be an object');
  const o = value as Record<string, unknown>;
  if (o.payloadCodecs !== undefined && !Array.isArray(o.payloadCodecs)) throw new TypeError('dataConverter.payloadCodecs must be an array');
  return o as DataConverter;
}

function compileWorkflowBundle(value: unknown): WorkflowBundleOption {
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.code === 'string') return { code: o.code };
    if (typeof o.codePath === 'string' && o.codePath.length > 0) return { codePath: o.codePath };
  }
  throw new TypeError('workflowBundle must be { code: string } or { codePath: string }');
}

function checkedLogger(value: unknown): Logger {
  if (!isLogger(value)) throw new TypeError('logger must implement log, trace, debug, info, warn and error');
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${field} must be a non-empty string, got ${describe(value)}`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${field} must be a boolean, got ${describe(value)}`);
  return value;
}

function positiveInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${field} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

function nonNegativeInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${field} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function optionalPositiveNumber(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${field} must be a positive number, got ${describe(value)}`);
  }
  return value;
}

function ratio(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw new TypeError(`${field} must be a number greater than 0 and at most 1, got ${describe(value)}`);
  }
  return value;
}

function duration(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value as Duration, field);
  } catch (error) {
    if (error instanceof ValueError) throw new TypeError(error.message);
    throw error;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}
