/**
 * `Runtime.install`: the process-wide configuration of the core runtime that `Connection.connect`
 * (and so every client and worker) shares, in the official SDK's shape: the SDK logger, the core's
 * logs, its metrics exporter (Prometheus or OpenTelemetry), worker heartbeats and the signals that
 * shut workers down.
 */
import { IllegalStateError } from '@temporalio/common';
import type { Duration } from '../common/time';
import { parseDuration } from '../common/time';
import { validateMetricsOptions, type ResolvedMetricsOptions } from '../core/options';
import { checkOptionKeys, checkedOptions } from '../common/options-validation';
import type { CoreLogRecord, CoreRuntime, RuntimeOptions as CoreRuntimeOptions } from '../core/types';
import type { Logger, LogLevel } from '../worker/logger';
import { noopMetricMeter, runtimeMetricMeter, type MetricMeter } from './metric-meter';

/** Core log levels, least to most severe. */
const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** The core's crates: `filter.core` applies to these, `filter.other` to everything else. */
const CORE_CRATES = ['temporalio_sdk_core', 'temporalio_client', 'temporalio_common', 'temporal_sdk_core', 'temporal_client', 'temporal_sdk'];

/** Levels per component for the core's log filter. */
export interface CoreLogFilterOptions {
  /** The core's own crates. */
  core: LogLevel;
  /** Everything else the core links (default `ERROR`). */
  other?: LogLevel;
}

/** What happens to the core's log lines. */
export interface LogExporterConfig {
  /** An env-filter string (`"WARN,temporalio_sdk_core=DEBUG"`) or levels per component. Default `{ core: 'WARN', other: 'ERROR' }`. */
  filter?: string | CoreLogFilterOptions;
  /** Forward core lines to `RuntimeOptions.logger` (with `sdkComponent: 'core'`). */
  forward?: Record<string, never>;
  /** Write core lines to stderr (the default). `format` is accepted for compatibility. */
  console?: { format?: 'compact' | 'pretty' | 'json' };
}

/** A Prometheus scrape endpoint (`http://<bindAddress>/metrics`). */
export interface PrometheusMetricsExporter {
  prometheus: {
    /** `ip:port`, e.g. `127.0.0.1:9464` (`0.0.0.0:9464` for every interface). */
    bindAddress: string;
    countersTotalSuffix?: boolean;
    unitSuffix?: boolean;
    useSecondsForDurations?: boolean;
    histogramBucketOverrides?: Record<string, number[]>;
  };
}

/** Periodic export to an OpenTelemetry collector. */
export interface OtelCollectorExporter {
  otel: {
    /** `http://host:4317` (OTLP/gRPC) or, with `http: true`, `http://host:4318/v1/metrics`. */
    url: string;
    http?: boolean;
    headers?: Record<string, string>;
    /** Default 1 second. */
    metricsExportInterval?: Duration;
    useSecondsForDurations?: boolean;
    temporality?: 'cumulative' | 'delta';
    histogramBucketOverrides?: Record<string, number[]>;
  };
}

/** Where the core's metrics (and every `metricMeter`'s) go. */
export type MetricsExporterConfig = {
  /** Default `temporal_`. */
  metricPrefix?: string;
  globalTags?: Record<string, string>;
  /** Default true. */
  attachServiceName?: boolean;
} & (PrometheusMetricsExporter | OtelCollectorExporter);

export interface TelemetryOptions {
  logging?: LogExporterConfig;
  metrics?: MetricsExporterConfig;
}

/** `Runtime.install` options (the official SDK's `RuntimeOptions`). */
export interface RuntimeOptions {
  /** The SDK's logger; it receives the core's lines when `telemetryOptions.logging.forward` is set. */
  logger?: Logger;
  telemetryOptions?: TelemetryOptions;
  /** How often workers heartbeat to servers that support it; 0 disables. Default 60 s. */
  workerHeartbeatInterval?: Duration;
  /** Signals that shut running workers down (those with `handleSignals`). Default SIGINT and SIGTERM. */
  shutdownSignals?: NodeJS.Signals[];
}

/** A refused `Runtime.install` (called too late or twice) is `@temporalio/common`'s `IllegalStateError`. */
export { IllegalStateError };

/** What `Runtime.install` resolved, read by the shared runtime and the workers. */
interface Installed {
  readonly logger: Logger | undefined;
  readonly core: CoreRuntimeOptions;
  readonly shutdownSignals: readonly NodeJS.Signals[] | undefined;
}

let installed: Installed | undefined;
let instance: Runtime | undefined;
/** Set once the first shared runtime was created: from then on the configuration is fixed. */
let started = false;
/** The shared runtimes now alive (one per backend choice); the newest serves `Runtime.metricMeter`. */
const liveRuntimes = new Set<CoreRuntime>();

/**
 * The process-wide runtime configuration.
 *
 * @example
 * ```ts
 * import { Runtime, Connection, Worker } from 'temporal-native';
 *
 * Runtime.install({
 *   telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:9464' } } },
 * });
 * const connection = await Connection.connect(); // its runtime exports to :9464/metrics
 * ```
 */
export class Runtime {
  private constructor(readonly options: Readonly<RuntimeOptions>) {}

  /**
   * Configures the runtime every `Connection.connect` (without its own `runtime`) uses. Call it
   * once, before the first connection.
   *
   * @throws IllegalStateError when a connection was already made or `install` was already called;
   *   TypeError naming the field for bad options (e.g. `telemetryOptions.metrics.prometheus.bindAddress`).
   * @example
   * ```ts
   * Runtime.install({
   *   logger: new ConsoleLogger('INFO'),
   *   telemetryOptions: {
   *     logging: { filter: { core: 'INFO' }, forward: {} },
   *     metrics: { otel: { url: 'http://127.0.0.1:4317' }, globalTags: { service: 'orders' } },
   *   },
   * });
   * ```
   */
  static install(options: RuntimeOptions): Runtime {
    if (installed !== undefined) throw new IllegalStateError('Runtime.install: the runtime has already been installed');
    if (started) {
      throw new IllegalStateError(
        'Runtime.install: a connection already created the runtime with the default options; call Runtime.install before the first Connection.connect',
      );
    }
    installed = resolveInstallOptions(options);
    instance = new Runtime(options);
    return instance;
  }

  /**
   * The installed runtime, or one with the default options (which then can no longer be changed).
   *
   * @example
   * ```ts
   * Runtime.instance().metricMeter.createCounter('jobs').add(1);
   * ```
   */
  static instance(): Runtime {
    instance ??= new Runtime({});
    return instance;
  }

  /** The SDK logger given to `install` (workers use it when they have none of their own). */
  get logger(): Logger | undefined {
    return this === instance ? installed?.logger : undefined;
  }

  /**
   * A meter on the runtime's metrics exporter (a no-op without one, or before the first connection
   * created the runtime).
   *
   * @example
   * ```ts
   * Runtime.instance().metricMeter.createHistogram('batch_size').record(42, { source: 'import' });
   * ```
   */
  get metricMeter(): MetricMeter {
    let newest: CoreRuntime | undefined;
    for (const runtime of liveRuntimes) newest = runtime;
    return newest === undefined ? noopMetricMeter : runtimeMetricMeter(newest);
  }
}

function resolveInstallOptions(options: unknown): Installed {
  const o = checkedOptions(options, 'Runtime.install options', {
    kind: 'Runtime.install option',
    supported: ['logger', 'telemetryOptions', 'workerHeartbeatInterval', 'shutdownSignals'],
  });
  const logger = o.logger === undefined ? undefined : checkLogger(o.logger);
  const telemetry =
    o.telemetryOptions === undefined
      ? {}
      : checkedOptions(o.telemetryOptions, 'telemetryOptions', {
          kind: 'telemetry option',
          supported: ['logging', 'metrics'],
          unsupported: {
            tracingFilter: 'use telemetryOptions.logging.filter (tracingFilter is deprecated in the official SDK too)',
            noTemporalPrefixForMetrics: "use telemetryOptions.metrics.metricPrefix: '' (noTemporalPrefixForMetrics is deprecated in the official SDK too)",
          },
        });
  const core: CoreRuntimeOptions = {};
  if (o.workerHeartbeatInterval !== undefined) {
    const ms = parseDurationAsTypeError(o.workerHeartbeatInterval, 'workerHeartbeatInterval');
    if (ms !== 0 && (ms < 1000 || ms > 60_000)) throw new TypeError('workerHeartbeatInterval must be 0 (disabled) or between 1s and 60s');
    core.workerHeartbeatIntervalMs = Math.round(ms);
  }
  if (telemetry.logging !== undefined) {
    const logging = plainObject(telemetry.logging, 'telemetryOptions.logging');
    if (logging.forward !== undefined && logging.console !== undefined) {
      throw new TypeError('telemetryOptions.logging must have at most one of forward, console');
    }
    if (logging.filter !== undefined) core.logFilter = logFilter(logging.filter);
    if (logging.forward !== undefined) {
      plainObject(logging.forward, 'telemetryOptions.logging.forward');
      if (logger === undefined) throw new TypeError('telemetryOptions.logging.forward needs RuntimeOptions.logger to forward to');
      core.logger = (record) => forwardCoreLog(logger, record);
    } else if (logging.console !== undefined) {
      plainObject(logging.console, 'telemetryOptions.logging.console');
    }
  }
  if (telemetry.metrics !== undefined) core.metrics = toCoreMetrics(telemetry.metrics);
  let shutdownSignals: readonly NodeJS.Signals[] | undefined;
  if (o.shutdownSignals !== undefined) {
    if (!Array.isArray(o.shutdownSignals)) throw new TypeError('shutdownSignals must be an array of signal names');
    o.shutdownSignals.forEach((signal, i) => {
      if (typeof signal !== 'string' || !/^SIG[A-Z0-9]+$/.test(signal)) throw new TypeError(`shutdownSignals[${i}] must be a signal name such as 'SIGTERM'`);
    });
    shutdownSignals = [...(o.shutdownSignals as NodeJS.Signals[])];
  }
  return { logger, core, shutdownSignals };
}

function toCoreMetrics(value: unknown): ResolvedMetricsOptions {
  const field = 'telemetryOptions.metrics';
  const m = plainObject(value, field);
  checkOptionKeys(m, { kind: 'metrics option', supported: ['prometheus', 'otel', 'metricPrefix', 'globalTags', 'attachServiceName', 'temporality'] }, field);
  const translated: Record<string, unknown> = { ...m };
  delete translated.temporality;
  if (m.otel !== undefined) {
    const otel = { ...plainObject(m.otel, `${field}.otel`) };
    if (otel.metricsExportInterval !== undefined) {
      otel.metricsExportIntervalMs = Math.round(parseDurationAsTypeError(otel.metricsExportInterval, `${field}.otel.metricsExportInterval`));
      delete otel.metricsExportInterval;
    }
    // The deprecated top-level `temporality` of the official SDK still applies to OTel.
    if (otel.temporality === undefined && m.temporality !== undefined) otel.temporality = m.temporality;
    translated.otel = otel;
  }
  return validateMetricsOptions(translated, field);
}

function logFilter(value: unknown): string {
  const field = 'telemetryOptions.logging.filter';
  if (typeof value === 'string') {
    if (value === '' || /[\n\0]/.test(value)) throw new TypeError(`${field} must be a non-empty string without newlines`);
    return value;
  }
  const f = plainObject(value, field);
  const level = (v: unknown, name: string, fallback: LogLevel): LogLevel => {
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !LEVELS.includes(v as LogLevel)) throw new TypeError(`${field}.${name} must be one of ${LEVELS.join(', ')}`);
    return v as LogLevel;
  };
  if (f.core === undefined) throw new TypeError(`${field}.core is required`);
  const core = level(f.core, 'core', 'WARN');
  const other = level(f.other, 'other', 'ERROR');
  return [other, ...CORE_CRATES.map((crate) => `${crate}=${core}`)].join(',');
}

function forwardCoreLog(logger: Logger, record: CoreLogRecord): void {
  logger.log(record.level, record.message, { sdkComponent: 'core', target: record.target, ...record.fields });
}

function checkLogger(value: unknown): Logger {
  const l = value as Record<string, unknown> | null;
  if (l === null || typeof l !== 'object' || typeof l.log !== 'function') {
    throw new TypeError('logger must be a Logger (an object with log, trace, debug, info, warn and error methods)');
  }
  return value as Logger;
}

function plainObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function parseDurationAsTypeError(value: unknown, field: string): number {
  try {
    return parseDuration(value as Duration, field);
  } catch (err) {
    throw new TypeError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The options of the next shared runtime (`Connection.connect`); fixes the configuration:
 * `Runtime.install` is refused from now on.
 *
 * @internal
 */
export function sharedRuntimeOptions(): CoreRuntimeOptions {
  started = true;
  return { ...(installed?.core ?? {}) };
}

/** Tracks the shared runtimes alive, for `Runtime.metricMeter`. @internal */
export function sharedRuntimeCreated(runtime: CoreRuntime): void {
  liveRuntimes.add(runtime);
}

/** @internal */
export function sharedRuntimeClosed(runtime: CoreRuntime): void {
  liveRuntimes.delete(runtime);
}

/** The signals `Runtime.install` set for running workers; undefined: the worker's own default. @internal */
export function installedShutdownSignals(): readonly NodeJS.Signals[] | undefined {
  return installed?.shutdownSignals;
}

/** The logger given to `Runtime.install`, if any. @internal */
export function installedLogger(): Logger | undefined {
  return installed?.logger;
}
