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
import {
  InvalidOptionError,
  UnsupportedOptionError,
  checkOptionKeys,
  checkedOptions,
  optionalFunction,
  optionsObject,
} from '../common/options-validation';
import type * as esbuild from 'esbuild';
import { WORKER_DEFAULTS, defaultDebugMode } from './defaults';
import { compilePollerBehavior, compileTuner, type PollerBehavior, type WorkerTuner } from './tuner-options';
import type { ActivityFunction } from './activity/activity-execution';
import type { WorkerInterceptors } from './interceptors';
import type { InjectedSinks } from './workflow/sinks';
import { installedLogger } from '../runtime/runtime';
import { ConsoleLogger, isLogger, type Logger } from './logger';
import { compileActivityPoolOptions, type ActivityPoolOptions, type CompiledActivityPoolOptions } from './activity/pool/options';

/** Anything that holds a core connection: our client `Connection` (its `core`) or a `CoreConnection`. */
export type WorkerConnection = { readonly core: CoreConnection } | CoreConnection;

/** A bundle made ahead of time (e.g. by `bundleWorkflowCode`): the code (with its source map), or a file holding it. */
export type WorkflowBundleOption = { code: string; sourceMap?: string } | { codePath: string; sourceMapPath?: string };

/**
 * How `workflowsPath` is bundled (with esbuild, where the official worker uses webpack).
 *
 * @example
 * ```ts
 * bundlerOptions: {
 *   ignoreModules: ['fs'],
 *   esbuildConfigHook: (config) => ({ ...config, define: { ...config.define, 'process.env.STAGE': '"prod"' } }),
 * }
 * ```
 */
export interface BundlerOptions {
  /** Imports present in the workflow code but never run in a workflow; they become empty modules. */
  ignoreModules?: string[];
  /**
   * Called with the esbuild options of the workflow code's build; returns the options to build
   * with (add `plugins`, `define`, `alias`, `loader`, ...). The equivalent of the official
   * `webpackConfigHook`. A bundle built with a hook is not cached across processes.
   */
  esbuildConfigHook?: (options: esbuild.BuildOptions) => esbuild.BuildOptions;
}

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
  /**
   * After shutdown starts, how long `run()` waits for the worker to drain before it rejects with
   * {@link GracefulShutdownPeriodExpiredError} (tasks still running are then abandoned). Default:
   * wait as long as it takes.
   */
  shutdownForceTime?: Duration;
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
  /** How `workflowsPath` is bundled; see {@link BundlerOptions}. */
  bundlerOptions?: BundlerOptions;
  /**
   * Slot suppliers per kind of task, fixed-size or resource-based (exclusive with the
   * `maxConcurrent*Executions` options).
   */
  tuner?: WorkerTuner;
  /** Default `{ type: 'simple-maximum', maximum: maxConcurrentWorkflowTaskPolls }`. */
  workflowTaskPollerBehavior?: PollerBehavior;
  /** Default `{ type: 'simple-maximum', maximum: maxConcurrentActivityTaskPolls }`. */
  activityTaskPollerBehavior?: PollerBehavior;
  /**
   * Error class names that fail the workflow *execution* rather than the workflow task (which is
   * retried), by workflow type; `'*'` applies to every type. `'DeterminismViolationError'` and
   * `'NondeterminismError'` fail executions on non-determinism.
   *
   * @example
   * ```ts
   * workflowFailureErrorTypes: { '*': ['ValidationError'], order: ['NondeterminismError'] }
   * ```
   */
  workflowFailureErrorTypes?: Record<string, string[]>;
  /**
   * `true` (default): cached workflows share one V8 realm, each with its own module instances.
   * `false`: a realm per workflow (more memory and CPU, full separation of globals).
   */
  reuseV8Context?: boolean;
  /**
   * Lifts the limit on how long one call into workflow code may run, so that a debugger can stop
   * at a breakpoint. Default: on when `TEMPORAL_DEBUG` is set.
   */
  debugMode?: boolean;
  /** Longest one call into workflow code may run before the task fails. Default 5s. */
  isolateExecutionTimeout?: Duration;
  /** Include source excerpts in `__enhanced_stack_trace` query answers. Default `false`. */
  showStackTraceSources?: boolean;
  /** Activities the core may start eagerly per workflow task. Default 3. */
  maxEagerActivityReservationsPerWorkflowTask?: number;
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
  readonly payloadConverterPath: string | undefined;
  readonly failureConverterPath: string | undefined;
  readonly ignoreModules: readonly string[];
  readonly esbuildConfigHook: BundlerOptions['esbuildConfigHook'];
  readonly workflowFailureErrorTypes: Readonly<Record<string, readonly string[]>> | undefined;
  readonly reuseV8Context: boolean;
  readonly isolateExecutionTimeoutMs: number;
  readonly showStackTraceSources: boolean;
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
  /** `undefined`: `run()` waits for the drain however long it takes. */
  readonly shutdownForceTimeMs: number | undefined;
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

const SUPPORTED_OPTIONS = [
  'connection', 'namespace', 'taskQueue', 'activities', 'maxConcurrentActivityTaskExecutions',
  'maxConcurrentActivityTaskPolls', 'maxActivitiesPerSecond', 'maxTaskQueueActivitiesPerSecond',
  'maxHeartbeatThrottleInterval', 'defaultHeartbeatThrottleInterval', 'shutdownGraceTime', 'shutdownForceTime', 'identity',
  'buildId', 'interceptors', 'sinks', 'dataConverter', 'logger', 'handleSignals', 'enableNonLocalActivities',
  'workflowsPath', 'workflowBundle', 'bundlerOptions', 'maxConcurrentWorkflowTaskExecutions', 'maxConcurrentWorkflowTaskPolls',
  'maxConcurrentLocalActivityExecutions', 'maxCachedWorkflows', 'stickyQueueScheduleToStartTimeout',
  'nonStickyToStickyPollRatio', 'activityPool', 'tuner', 'workflowTaskPollerBehavior', 'activityTaskPollerBehavior',
  'workflowFailureErrorTypes', 'reuseV8Context', 'debugMode', 'isolateExecutionTimeout', 'showStackTraceSources',
  'maxEagerActivityReservationsPerWorkflowTask',
];

const NEXUS = 'Nexus is not supported by this SDK: serve Nexus operations from a worker of an official SDK';

/** Official `Worker.create` options we refuse, each with what to do instead. */
const UNSUPPORTED_OPTIONS: Record<string, string> = {
  nexusServices: NEXUS,
  maxConcurrentNexusTaskExecutions: NEXUS,
  maxConcurrentNexusTaskPolls: NEXUS,
  nexusTaskPollerBehavior: NEXUS,
  webpackConfigHook: 'the workflow bundler is esbuild: use bundlerOptions.esbuildConfigHook',
  workflowThreadPoolSize: 'workflows run in node:vm realms on the main thread; run more worker processes to use more cores',
  useVersioning: 'worker versioning is not supported yet: give each deployment its own task queue, and use buildId to tag the worker',
  workerDeploymentOptions: 'worker deployments are not supported yet: give each deployment its own task queue, and use buildId to tag the worker',
  enableSDKTracing: 'SDK tracing is gone from the official SDK too (the option is ignored there); remove it',
  plugins: 'worker plugins are not supported: pass their interceptors, sinks and data converter as Worker options',
  maxHeapMemory: "the workflow cache is bounded by maxCachedWorkflows and by 70 % of V8's heap limit; set maxCachedWorkflows",
};

const BUNDLER_KEYS = {
  kind: 'bundlerOptions option',
  supported: ['ignoreModules', 'esbuildConfigHook'],
  unsupported: {
    webpackConfigHook: 'the workflow bundler is esbuild, not webpack: use bundlerOptions.esbuildConfigHook (it receives and returns esbuild build options)',
    preloadModules:
      'each workflow execution gets its own instances of the workflow modules, so there is nothing shared to preload; remove it',
  },
};

/**
 * Validates `Worker.create` options and resolves their defaults (see `WORKER_DEFAULTS`). Every
 * problem is an `InvalidOptionError` (a `TypeError`) whose `field` names the option; a misspelled
 * key is an `UnknownOptionError` suggesting the right one, an official option we do not support an
 * `UnsupportedOptionError` saying what to use instead.
 *
 * @example
 * ```ts
 * compileWorkerOptions({ connection, taskQueue: '' }); // InvalidOptionError: taskQueue must be a non-empty string
 * compileWorkerOptions({ connection, taskQueue: 'q', activites: {} }); // UnknownOptionError: ... (did you mean 'activities'?)
 * ```
 */
export function compileWorkerOptions(options: unknown): CompiledWorkerOptions {
  const o = optionsObject(options, 'Worker options');
  checkOptionKeys(o, { kind: 'Worker option', supported: SUPPORTED_OPTIONS, unsupported: UNSUPPORTED_OPTIONS });

  const D = WORKER_DEFAULTS;
  const coreConnection = resolveCoreConnection(o.connection);
  const namespace = o.namespace === undefined ? D.namespace : nonEmptyString(o.namespace, 'namespace');
  const taskQueue = nonEmptyString(o.taskQueue, 'taskQueue');
  const identity =
    o.identity === undefined ? connectionIdentity(o.connection) ?? `${process.pid}@${os.hostname()}` : nonEmptyString(o.identity, 'identity');
  const buildId = o.buildId === undefined ? D.buildId : nonEmptyString(o.buildId, 'buildId');
  const logger = o.logger === undefined ? (installedLogger() ?? new ConsoleLogger('INFO')) : checkedLogger(o.logger);
  const activities = compileActivities(o.activities, logger);
  const activityPool = o.activityPool === undefined ? undefined : compileActivityPoolOptions(o.activityPool);

  const tuner = o.tuner === undefined ? undefined : compileTuner(o.tuner);
  if (tuner !== undefined) {
    for (const key of ['maxConcurrentWorkflowTaskExecutions', 'maxConcurrentActivityTaskExecutions', 'maxConcurrentLocalActivityExecutions']) {
      if (o[key] !== undefined) throw new InvalidOptionError(key, 'and tuner are exclusive: give the slots in the tuner');
    }
  }
  const maxConcurrentActivityTaskExecutions =
    tuner?.slots.activity ??
    positiveInteger(o.maxConcurrentActivityTaskExecutions, 'maxConcurrentActivityTaskExecutions', activityPool?.capacity ?? D.maxConcurrentActivityTaskExecutions);
  if (activityPool !== undefined && maxConcurrentActivityTaskExecutions > activityPool.capacity) {
    // Back-pressure: the worker must not take tasks that would wait in our queue beyond its bound.
    throw new InvalidOptionError(
      tuner === undefined ? 'maxConcurrentActivityTaskExecutions' : 'tuner.activityTaskSlotSupplier',
      `(${maxConcurrentActivityTaskExecutions}) may not exceed what activityPool can hold (max workers + maxQueueSize = ${activityPool.capacity})`,
    );
  }
  const activityTaskPollerBehavior = pollerBehavior(
    o,
    'activityTaskPollerBehavior',
    'maxConcurrentActivityTaskPolls',
    Math.min(D.maxConcurrentActivityTaskPolls, maxConcurrentActivityTaskExecutions),
  );
  const maxActivitiesPerSecond = optionalPositiveNumber(o.maxActivitiesPerSecond, 'maxActivitiesPerSecond');
  const maxTaskQueueActivitiesPerSecond = optionalPositiveNumber(o.maxTaskQueueActivitiesPerSecond, 'maxTaskQueueActivitiesPerSecond');
  const maxHeartbeatThrottleIntervalMs = duration(o.maxHeartbeatThrottleInterval, 'maxHeartbeatThrottleInterval', D.maxHeartbeatThrottleIntervalMs);
  const defaultHeartbeatThrottleIntervalMs = duration(o.defaultHeartbeatThrottleInterval, 'defaultHeartbeatThrottleInterval', D.defaultHeartbeatThrottleIntervalMs);
  const shutdownGraceTimeMs = duration(o.shutdownGraceTime, 'shutdownGraceTime', D.shutdownGraceTimeMs);
  const shutdownForceTimeMs = o.shutdownForceTime === undefined ? undefined : duration(o.shutdownForceTime, 'shutdownForceTime', 0);
  const interceptors = compileInterceptors(o.interceptors);
  const sinks = compileSinks(o.sinks);
  const handleSignals = optionalBoolean(o.handleSignals, 'handleSignals') ?? D.handleSignals;
  const enableNonLocalActivities = optionalBoolean(o.enableNonLocalActivities, 'enableNonLocalActivities') ?? D.enableNonLocalActivities;

  const workflowsPath = o.workflowsPath === undefined ? undefined : nonEmptyString(o.workflowsPath, 'workflowsPath');
  const workflowBundle = o.workflowBundle === undefined ? undefined : compileWorkflowBundle(o.workflowBundle);
  if (workflowsPath !== undefined && workflowBundle !== undefined) {
    throw new InvalidOptionError('workflowBundle', 'and workflowsPath are exclusive: give one of them');
  }
  const runsWorkflows = workflowsPath !== undefined || workflowBundle !== undefined;
  const dataConverter = compileDataConverter(o.dataConverter, runsWorkflows);
  const bundler = compileBundlerOptions(o.bundlerOptions);
  if (o.bundlerOptions !== undefined && workflowsPath === undefined) {
    throw new InvalidOptionError('bundlerOptions', 'applies to workflowsPath (a workflowBundle is already bundled): give workflowsPath, or bundle with bundleWorkflowCode');
  }
  const maxConcurrentWorkflowTaskExecutions =
    tuner?.slots.workflow ?? positiveInteger(o.maxConcurrentWorkflowTaskExecutions, 'maxConcurrentWorkflowTaskExecutions', D.maxConcurrentWorkflowTaskExecutions);
  const maxConcurrentLocalActivityExecutions =
    tuner?.slots.localActivity ??
    positiveInteger(o.maxConcurrentLocalActivityExecutions, 'maxConcurrentLocalActivityExecutions', D.maxConcurrentLocalActivityExecutions);
  const maxCachedWorkflows = nonNegativeInteger(o.maxCachedWorkflows, 'maxCachedWorkflows', D.maxCachedWorkflows);
  const workflowTaskPollerBehavior = pollerBehavior(o, 'workflowTaskPollerBehavior', 'maxConcurrentWorkflowTaskPolls', D.maxConcurrentWorkflowTaskPolls);
  const stickyQueueScheduleToStartTimeoutMs = duration(o.stickyQueueScheduleToStartTimeout, 'stickyQueueScheduleToStartTimeout', D.stickyQueueScheduleToStartTimeoutMs);
  const nonStickyToStickyPollRatio = o.nonStickyToStickyPollRatio === undefined ? D.nonStickyToStickyPollRatio : ratio(o.nonStickyToStickyPollRatio, 'nonStickyToStickyPollRatio');
  if (runsWorkflows && maxCachedWorkflows > 0 && 'simpleMaximum' in workflowTaskPollerBehavior && workflowTaskPollerBehavior.simpleMaximum < 2) {
    throw new InvalidOptionError(
      o.workflowTaskPollerBehavior === undefined ? 'maxConcurrentWorkflowTaskPolls' : 'workflowTaskPollerBehavior.maximum',
      'must be at least 2 when maxCachedWorkflows > 0 (sticky and normal queues are polled side by side)',
    );
  }
  const workflowFailureErrorTypes = compileWorkflowFailureErrorTypes(o.workflowFailureErrorTypes);
  const reuseV8Context = optionalBoolean(o.reuseV8Context, 'reuseV8Context') ?? D.reuseV8Context;
  const debugMode = optionalBoolean(o.debugMode, 'debugMode') ?? defaultDebugMode();
  const isolateExecutionTimeoutMs = debugMode
    ? // The largest timeout node:vm takes (~49 days): in debug mode a breakpoint may hold a call for as long as the user needs.
      0xffff_ffff
    : Math.max(1, Math.round(duration(o.isolateExecutionTimeout, 'isolateExecutionTimeout', D.isolateExecutionTimeoutMs)));
  const showStackTraceSources = optionalBoolean(o.showStackTraceSources, 'showStackTraceSources') ?? D.showStackTraceSources;
  const maxEagerActivityReservations =
    o.maxEagerActivityReservationsPerWorkflowTask === undefined
      ? undefined
      : nonNegativeInteger(o.maxEagerActivityReservationsPerWorkflowTask, 'maxEagerActivityReservationsPerWorkflowTask', 0);

  const hasActivities = activities.size > 0 || activityPool !== undefined;
  const pollsActivities = enableNonLocalActivities && hasActivities;
  if (!runsWorkflows && !pollsActivities) {
    throw new InvalidOptionError(
      'activities',
      'must register at least one function (or give workflowsPath/workflowBundle): a worker with neither has nothing to poll',
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
      ...(tuner === undefined ? {} : { nexus: tuner.slots.nexus }),
    },
    resourceBasedSlots: tuner?.resourceBasedSlots,
    maxCachedWorkflows: runsWorkflows ? maxCachedWorkflows : 0,
    stickyQueueScheduleToStartTimeoutMs: Math.max(1, Math.round(stickyQueueScheduleToStartTimeoutMs)),
    maxHeartbeatThrottleIntervalMs: Math.round(maxHeartbeatThrottleIntervalMs),
    defaultHeartbeatThrottleIntervalMs: Math.round(defaultHeartbeatThrottleIntervalMs),
    gracefulShutdownPeriodMs: Math.round(shutdownGraceTimeMs),
    maxActivitiesPerSecond: maxActivitiesPerSecond ?? 0,
    maxTaskQueueActivitiesPerSecond: maxTaskQueueActivitiesPerSecond ?? 0,
    workflowTaskPollerBehavior,
    activityTaskPollerBehavior,
    nonStickyToStickyPollRatio,
    maxEagerActivityReservations,
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
    shutdownForceTimeMs,
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
          payloadConverterPath: dataConverter?.payloadConverterPath,
          failureConverterPath: dataConverter?.failureConverterPath,
          ignoreModules: bundler.ignoreModules,
          esbuildConfigHook: bundler.esbuildConfigHook,
          workflowFailureErrorTypes,
          reuseV8Context,
          isolateExecutionTimeoutMs,
          showStackTraceSources,
        }
      : undefined,
    activityPool,
    core,
  };
}

/**
 * `<behavior>` in the official shape, or the older `<maxPolls>` count; not both. Without either,
 * a simple maximum of `fallback`.
 */
function pollerBehavior(o: Record<string, unknown>, behaviorKey: string, maxPollsKey: string, fallback: number): ReturnType<typeof compilePollerBehavior> {
  const maxPolls = positiveInteger(o[maxPollsKey], maxPollsKey, fallback);
  if (o[behaviorKey] === undefined) return { simpleMaximum: maxPolls };
  if (o[maxPollsKey] !== undefined) throw new InvalidOptionError(maxPollsKey, `and ${behaviorKey} are exclusive: give the maximum in ${behaviorKey}`);
  return compilePollerBehavior(o[behaviorKey], behaviorKey, fallback);
}

function compileWorkflowFailureErrorTypes(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined) return undefined;
  const o = optionsObject(value, 'workflowFailureErrorTypes');
  const out: Record<string, string[]> = {};
  for (const [type, names] of Object.entries(o)) {
    const field = `workflowFailureErrorTypes.${type}`;
    if (!Array.isArray(names)) throw new InvalidOptionError(field, 'must be an array of error class names');
    out[type] = names.map((name, i) => nonEmptyString(name, `${field}[${i}]`));
  }
  return out;
}

/** `bundlerOptions` of `Worker.create` and of the replay functions. */
export function compileBundlerOptions(value: unknown): { ignoreModules: string[]; esbuildConfigHook: BundlerOptions['esbuildConfigHook'] } {
  if (value === undefined) return { ignoreModules: [], esbuildConfigHook: undefined };
  const o = checkedOptions(value, 'bundlerOptions', BUNDLER_KEYS);
  let ignoreModules: string[] = [];
  if (o.ignoreModules !== undefined) {
    if (!Array.isArray(o.ignoreModules)) throw new InvalidOptionError('bundlerOptions.ignoreModules', 'must be an array of module names');
    ignoreModules = o.ignoreModules.map((m, i) => nonEmptyString(m, `bundlerOptions.ignoreModules[${i}]`));
  }
  return { ignoreModules, esbuildConfigHook: optionalFunction<NonNullable<BundlerOptions['esbuildConfigHook']>>(o.esbuildConfigHook, 'bundlerOptions.esbuildConfigHook') };
}

/** `{ iface: { fn: { fn, callDuringReplay? } } }`, each function checked. */
export function compileSinks(value: unknown): InjectedSinks {
  if (value === undefined) return {};
  optionsObject(value, 'sinks');
  const out: InjectedSinks = {};
  for (const [iface, fns] of Object.entries(value as Record<string, unknown>)) {
    if (iface === '__temporal_metrics') throw new InvalidOptionError('sinks.__temporal_metrics', 'is reserved for workflow metrics');
    optionsObject(fns, `sinks.${iface}`);
    out[iface] = {};
    for (const [name, sink] of Object.entries(fns as Record<string, unknown>)) {
      const s = sink as { fn?: unknown; callDuringReplay?: unknown } | null;
      if (s === null || typeof s !== 'object' || typeof s.fn !== 'function') {
        throw new InvalidOptionError(`sinks.${iface}.${name}`, 'must be { fn: (info, ...args) => void, callDuringReplay?: boolean }');
      }
      checkOptionKeys(s as Record<string, unknown>, { kind: 'sink option', supported: ['fn', 'callDuringReplay'] }, `sinks.${iface}.${name}`);
      optionalBoolean(s.callDuringReplay, `sinks.${iface}.${name}.callDuringReplay`);
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
  throw new InvalidOptionError('connection', 'must be a Connection (from Connection.connect or NativeConnection.connect)');
}

function connectionIdentity(value: unknown): string | undefined {
  const identity = (value as { identity?: unknown }).identity;
  return typeof identity === 'string' && identity.length > 0 ? identity : undefined;
}

function compileActivities(value: unknown, logger: Logger): Map<string, ActivityFunction> {
  const activities = new Map<string, ActivityFunction>();
  if (value === undefined || value === null) return activities;
  if (typeof value !== 'object') throw new InvalidOptionError('activities', 'must be an object mapping names to functions');
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
  const o = checkedOptions(value, 'interceptors', {
    kind: 'worker interceptors option',
    supported: ['activity', 'activityInbound', 'workflowModules'],
    unsupported: { nexus: NEXUS },
  });
  for (const key of ['activity', 'activityInbound'] as const) {
    const list = o[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new InvalidOptionError(`interceptors.${key}`, 'must be an array of factory functions');
    list.forEach((factory, i) => {
      if (typeof factory !== 'function') throw new InvalidOptionError(`interceptors.${key}[${i}]`, `must be a function, got ${describe(factory)}`);
    });
  }
  if (o.workflowModules !== undefined) {
    if (!Array.isArray(o.workflowModules)) throw new InvalidOptionError('interceptors.workflowModules', 'must be an array of module paths');
    o.workflowModules.forEach((path, i) => nonEmptyString(path, `interceptors.workflowModules[${i}]`));
  }
  return o as WorkerInterceptors;
}

const PATH_ONLY_IN_WORKFLOWS =
  'workflows run in a sandbox that cannot share objects with the worker, so a worker that runs workflows takes the converter by module path';

/**
 * Checks the shape; the converters themselves are loaded by `resolveDataConverter`. With workflows,
 * converter objects are refused: only a module path can reach the sandbox.
 */
function compileDataConverter(value: unknown, runsWorkflows: boolean): DataConverter | undefined {
  if (value === undefined) return undefined;
  const o = checkedOptions(value, 'dataConverter', {
    kind: 'data converter option',
    supported: ['payloadConverterPath', 'failureConverterPath', 'payloadCodecs', 'payloadConverter', 'failureConverter'],
  });
  if (runsWorkflows) {
    for (const name of ['payloadConverter', 'failureConverter'] as const) {
      if (o[name] !== undefined) {
        throw new UnsupportedOptionError(
          `dataConverter.${name}`,
          `${PATH_ONLY_IN_WORKFLOWS}: export it as '${name}' from a module and give dataConverter.${name}Path`,
        );
      }
    }
  }
  for (const name of ['payloadConverterPath', 'failureConverterPath'] as const) {
    if (o[name] !== undefined) nonEmptyString(o[name], `dataConverter.${name}`);
  }
  if (o.payloadCodecs !== undefined && !Array.isArray(o.payloadCodecs)) throw new InvalidOptionError('dataConverter.payloadCodecs', 'must be an array');
  return o as DataConverter;
}

function compileWorkflowBundle(value: unknown): WorkflowBundleOption {
  const field = 'workflowBundle';
  const o = optionsObject(value, field);
  if (o.code !== undefined) {
    checkOptionKeys(o, { kind: 'workflowBundle option', supported: ['code', 'sourceMap'] }, field);
    if (typeof o.code !== 'string') throw new InvalidOptionError('workflowBundle.code', 'must be a string');
    if (o.sourceMap !== undefined && typeof o.sourceMap !== 'string') throw new InvalidOptionError('workflowBundle.sourceMap', 'must be a string');
    return { code: o.code, ...(o.sourceMap === undefined ? {} : { sourceMap: o.sourceMap as string }) };
  }
  if (o.codePath !== undefined) {
    checkOptionKeys(o, { kind: 'workflowBundle option', supported: ['codePath', 'sourceMapPath'] }, field);
    const codePath = nonEmptyString(o.codePath, 'workflowBundle.codePath');
    const sourceMapPath = o.sourceMapPath === undefined ? undefined : nonEmptyString(o.sourceMapPath, 'workflowBundle.sourceMapPath');
    return { codePath, ...(sourceMapPath === undefined ? {} : { sourceMapPath }) };
  }
  throw new InvalidOptionError(field, 'must be { code: string, sourceMap?: string } or { codePath: string, sourceMapPath?: string }');
}

function checkedLogger(value: unknown): Logger {
  if (!isLogger(value)) throw new InvalidOptionError('logger', 'must implement log, trace, debug, info, warn and error');
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidOptionError(field, `must be a non-empty string, got ${describe(value)}`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InvalidOptionError(field, `must be a boolean, got ${describe(value)}`);
  return value;
}

function positiveInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidOptionError(field, `must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

function nonNegativeInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(field, `must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function optionalPositiveNumber(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(field, `must be a positive number, got ${describe(value)}`);
  }
  return value;
}

function ratio(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw new InvalidOptionError(field, `must be a number greater than 0 and at most 1, got ${describe(value)}`);
  }
  return value;
}

function duration(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value as Duration, field);
  } catch (error) {
    if (error instanceof ValueError) throw new InvalidOptionError(field, `must be a duration (milliseconds or an ms-style string like '10s'): ${error.message}`);
    throw error;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}
