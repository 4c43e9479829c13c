/**
 * Validation and defaults for every option object of the core layer.
 *
 * Both backends receive options only after they passed through here, so a bad value is a
 * `TypeError` naming the field (`worker options.slots.workflow must be ...`) rather than a Rust
 * panic, a silently truncated integer, or a C string with an embedded newline.
 */
import { normalizeAddress } from './address';
import { consoleCoreLogger } from './console-logger';
import { checkOptionKeys, InvalidOptionError, type OptionKeys } from '../common/options-validation';
import type {
  BackendChoice,
  ConnectionOptions,
  CoreConnection,
  CoreLogRecord,
  CoreMetricAttributes,
  CoreMetricKind,
  CoreRuntime,
  DnsLoadBalancingOptions,
  HttpConnectProxyOptions,
  KeepAliveOptions,
  MetricsOptions,
  PollerBehavior,
  ReplayerOptions,
  RetryOptions,
  RuntimeOptions,
  ServiceName,
  TlsOptions,
  WorkerOptions,
} from './types';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'native', 'neon'];
export const SERVICE_NAMES: readonly ServiceName[] = ['workflow', 'operator', 'cloud', 'test', 'health'];

/** The log filter used when `RuntimeOptions.logFilter` is absent: warnings and errors from every crate. */
export const DEFAULT_LOG_FILTER = 'WARN';

/** The core's default for `workerHeartbeatIntervalMs` (servers without the capability are never called). */
export const DEFAULT_WORKER_HEARTBEAT_INTERVAL_MS = 60_000;

/** Runtime options after validation: the backend choice is resolved against the environment. */
export interface ValidatedRuntimeOptions {
  backend: BackendChoice;
  coreLibraryPath: string | undefined;
  logFilter: string;
  /** The caller's logger, or `consoleCoreLogger` when none was given. */
  logger: (record: CoreLogRecord) => void;
  /** True when `logger` is the default: any number of runtimes may share it. */
  loggerIsDefault: boolean;
  workerHeartbeatIntervalMs: number;
  /** Every default filled in; absent: no metrics exporter. */
  metrics: ResolvedMetricsOptions | undefined;
}

/** Metrics options after validation, every default filled in. */
export interface ResolvedMetricsOptions {
  prometheus?: Required<NonNullable<MetricsOptions['prometheus']>>;
  otel?: Required<NonNullable<MetricsOptions['otel']>>;
  metricPrefix: string;
  globalTags: Record<string, string>;
  attachServiceName: boolean;
}

/**
 * The core's own connection defaults (`temporalio-client` 0.7 `ConnectionOptions`), applied by both
 * backends whenever the caller leaves a setting out, so that a zero-initialised C struct never
 * silently turns a feature off.
 */
export const CORE_CONNECTION_DEFAULTS = {
  keepAlive: { intervalMs: 30_000, timeoutMs: 15_000 },
  dnsLoadBalancing: { resolutionIntervalMs: 30_000 },
  grpcCompression: 'gzip',
  /** Outbound payload fields above this size are logged as a warning (still sent). */
  payloadsWarnSize: 512 * 1024,
  /** Outbound memos above this size are logged as a warning (still sent). */
  memoWarnSize: 2 * 1024,
} as const;

/**
 * Retry settings in the core's convention, where 0 means "unlimited" for both limits. Only present
 * when retries are on at all (see `ResolvedConnectionOptions.retriesDisabled`).
 */
export interface CoreRetryOptions {
  initialIntervalMs: number;
  randomizationFactor: number;
  multiplier: number;
  maxIntervalMs: number;
  /** 0: no limit (core convention). */
  maxElapsedTimeMs: number;
  /** 0: no limit (core convention). */
  maxRetries: number;
}

/** Connection options after validation: `address` and `targetUrl` hold the full URL the core dials. */
export interface ResolvedConnectionOptions extends Omit<ConnectionOptions, 'retry'> {
  readonly targetUrl: string;
  /** `false`: plaintext; `true`: TLS with system roots; object: custom roots and/or mTLS. */
  readonly tls: boolean | TlsOptions;
  /** The caller's retry policy translated to the core's convention; absent: the core's default. */
  readonly retry: CoreRetryOptions | undefined;
  /** True when the caller's policy allows no retry (a limit of 0): calls are then never retried. */
  readonly retriesDisabled: boolean;
  readonly keepAlive: KeepAliveOptions | false;
  readonly dnsLoadBalancing: DnsLoadBalancingOptions | false;
  readonly grpcCompression: 'gzip' | 'none';
}

/**
 * What a backend implements: a `CoreRuntime` whose `connect` receives options that already passed
 * `validateConnectionOptions` (the facade in `validated.ts` validates once, for both backends).
 */
export interface BackendRuntime extends Omit<CoreRuntime, 'connect'> {
  connect(options: ResolvedConnectionOptions): Promise<CoreConnection>;
}

/** Replayer options with every default filled in. */
export type ResolvedReplayerOptions = Required<ReplayerOptions>;

/**
 * What `workerOptionsWithDefaults` needs: the three identifying fields; everything else defaults to
 * the values of the official TypeScript SDK.
 */
export type WorkerOptionsInput = Pick<WorkerOptions, 'namespace' | 'taskQueue' | 'buildId'> &
  Partial<Omit<WorkerOptions, 'namespace' | 'taskQueue' | 'buildId' | 'taskTypes' | 'slots'>> & {
    taskTypes?: Partial<WorkerOptions['taskTypes']>;
    slots?: Partial<WorkerOptions['slots']>;
  };

/** Defaults shared with the official TypeScript SDK's worker (1.24). */
export const DEFAULT_WORKER_OPTIONS: Omit<WorkerOptions, 'namespace' | 'taskQueue' | 'buildId' | 'identityOverride'> = {
  taskTypes: { workflows: true, activities: true, localActivities: true, nexus: false },
  slots: { workflow: 40, activity: 100, localActivity: 100, nexus: 100 },
  maxCachedWorkflows: 1000,
  stickyQueueScheduleToStartTimeoutMs: 10_000,
  maxHeartbeatThrottleIntervalMs: 60_000,
  defaultHeartbeatThrottleIntervalMs: 30_000,
  gracefulShutdownPeriodMs: 0,
  maxActivitiesPerSecond: 0,
  maxTaskQueueActivitiesPerSecond: 0,
  workflowTaskPollerBehavior: { simpleMaximum: 10 },
  activityTaskPollerBehavior: { simpleMaximum: 10 },
  nexusTaskPollerBehavior: { simpleMaximum: 10 },
  nonStickyToStickyPollRatio: 0.2,
  maxEagerActivityReservations: 3,
};

/** Defaults for the replay worker (one history at a time, as the official SDKs replay). */
export const DEFAULT_REPLAYER_OPTIONS: ResolvedReplayerOptions = {
  namespace: 'default',
  taskQueue: 'replay',
  buildId: 'replay',
};

// ---------------------------------------------------------------------------------------------
// Runtime

/**
 * Validates runtime options and resolves the backend choice (`option`, then
 * `TEMPORAL_CORE_BACKEND`, then `auto`).
 *
 * @example
 * ```ts
 * const opts = validateRuntimeOptions({ backend: 'neon', logger: (r) => console.log(r.message) });
 * ```
 */
export function validateRuntimeOptions(
  options: unknown,
  env: NodeJS.ProcessEnv = process.env,
): ValidatedRuntimeOptions {
  const o = objectOrEmpty(options, 'runtime options');
  const field = (name: string) => `runtime options.${name}`;

  let backend: BackendChoice;
  if (o.backend !== undefined) {
    backend = oneOf(o.backend, BACKEND_CHOICES, field('backend'));
  } else if (env.TEMPORAL_CORE_BACKEND !== undefined && env.TEMPORAL_CORE_BACKEND !== '') {
    backend = oneOf(env.TEMPORAL_CORE_BACKEND, BACKEND_CHOICES, 'environment variable TEMPORAL_CORE_BACKEND');
  } else {
    backend = 'auto';
  }

  const coreLibraryPath = optionalString(o.coreLibraryPath, field('coreLibraryPath'));
  const logFilter = optionalString(o.logFilter, field('logFilter')) ?? DEFAULT_LOG_FILTER;
  if (o.logger !== undefined && typeof o.logger !== 'function') {
    throw new TypeError(`${field('logger')} must be a function`);
  }
  const workerHeartbeatIntervalMs = o.workerHeartbeatIntervalMs === undefined ? DEFAULT_WORKER_HEARTBEAT_INTERVAL_MS : integer(o.workerHeartbeatIntervalMs, field('workerHeartbeatIntervalMs'), 0);
  if (workerHeartbeatIntervalMs !== 0 && (workerHeartbeatIntervalMs < 1000 || workerHeartbeatIntervalMs > 60_000)) {
    throw new TypeError(`${field('workerHeartbeatIntervalMs')} must be 0 (disabled) or between 1000 and 60000`);
  }
  return {
    backend,
    coreLibraryPath,
    logFilter,
    logger: (o.logger as ((record: CoreLogRecord) => void) | undefined) ?? consoleCoreLogger,
    loggerIsDefault: o.logger === undefined,
    workerHeartbeatIntervalMs,
    metrics: o.metrics === undefined ? undefined : validateMetricsOptions(o.metrics, field('metrics')),
  };
}

/**
 * Validates metrics options (exactly one of `prometheus` and `otel`) and fills in the defaults of
 * the official SDK. `field` names the object in errors, e.g. `telemetryOptions.metrics`.
 *
 * @example
 * ```ts
 * validateMetricsOptions({ prometheus: { bindAddress: '127.0.0.1:9464' } }, 'metrics');
 * // { prometheus: { bindAddress: '127.0.0.1:9464', countersTotalSuffix: false, ... }, metricPrefix: 'temporal_', ... }
 * ```
 */
export function validateMetricsOptions(value: unknown, field: string): ResolvedMetricsOptions {
  const o = object(value, field);
  const sub = (name: string) => `${field}.${name}`;
  if ((o.prometheus === undefined) === (o.otel === undefined)) {
    throw new TypeError(`${field} must have exactly one of prometheus, otel`);
  }
  const flag = (v: unknown, name: string) => (v === undefined ? false : boolean(v, name));
  const resolved: ResolvedMetricsOptions = {
    metricPrefix: o.metricPrefix === undefined ? 'temporal_' : stringWithoutNewline(o.metricPrefix, sub('metricPrefix')),
    globalTags: o.globalTags === undefined ? {} : stringMap(o.globalTags, sub('globalTags')),
    attachServiceName: o.attachServiceName === undefined ? true : boolean(o.attachServiceName, sub('attachServiceName')),
  };
  if (o.prometheus !== undefined) {
    const f = (name: string) => `${field}.prometheus.${name}`;
    const p = object(o.prometheus, sub('prometheus'));
    resolved.prometheus = {
      bindAddress: socketAddress(p.bindAddress, f('bindAddress')),
      countersTotalSuffix: flag(p.countersTotalSuffix, f('countersTotalSuffix')),
      unitSuffix: flag(p.unitSuffix, f('unitSuffix')),
      useSecondsForDurations: flag(p.useSecondsForDurations, f('useSecondsForDurations')),
      histogramBucketOverrides: bucketOverrides(p.histogramBucketOverrides, f('histogramBucketOverrides')),
    };
  } else {
    const f = (name: string) => `${field}.otel.${name}`;
    const t = object(o.otel, sub('otel'));
    const url = nonEmptyString(t.url, f('url'));
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`${f('url')} must be a URL such as http://localhost:4317 (got ${JSON.stringify(url)})`);
    }
    if (!['http:', 'https:', 'grpc:', 'grpcs:'].includes(parsed.protocol)) {
      throw new TypeError(`${f('url')} must start with http://, https://, grpc:// or grpcs:// (got ${JSON.stringify(url)})`);
    }
    const interval = t.metricsExportIntervalMs === undefined ? 1000 : integer(t.metricsExportIntervalMs, f('metricsExportIntervalMs'), 1);
    if (interval > 0xffffffff) throw new TypeError(`${f('metricsExportIntervalMs')} must be at most ${0xffffffff}`);
    resolved.otel = {
      url,
      headers: t.headers === undefined ? {} : stringMap(t.headers, f('headers')),
      metricsExportIntervalMs: interval,
      temporality: t.temporality === undefined ? 'cumulative' : oneOf(t.temporality, ['cumulative', 'delta'] as const, f('temporality')),
      http: flag(t.http, f('http')),
      useSecondsForDurations: flag(t.useSecondsForDurations, f('useSecondsForDurations')),
      histogramBucketOverrides: bucketOverrides(t.histogramBucketOverrides, f('histogramBucketOverrides')),
    };
  }
  return resolved;
}

const METRIC_KINDS: readonly CoreMetricKind[] = ['counter', 'histogram', 'histogram-f64', 'gauge', 'gauge-f64', 'up-down-counter'];

/**
 * Validates a metric definition for `CoreRuntime.createMetric`.
 *
 * @example
 * ```ts
 * validateMetricDefinition('counter', 'orders_charged', 'orders', 'Orders charged');
 * ```
 */
export function validateMetricDefinition(
  kind: unknown,
  name: unknown,
  unit: unknown,
  description: unknown,
): { kind: CoreMetricKind; name: string; unit: string; description: string } {
  return {
    kind: oneOf(kind, METRIC_KINDS, 'createMetric kind'),
    name: nonEmptyString(name, 'createMetric name'),
    unit: unit === undefined ? '' : stringWithoutNewline(unit, 'createMetric unit'),
    description: description === undefined ? '' : stringWithoutNewline(description, 'createMetric description'),
  };
}

/**
 * Validates the attributes of one metric sample: string, finite number or boolean values.
 *
 * @example
 * ```ts
 * validateMetricAttributes({ region: 'eu', retried: false }, 'attributes');
 * ```
 */
export function validateMetricAttributes(value: unknown, field: string): CoreMetricAttributes {
  const o = object(value, field);
  for (const [key, v] of Object.entries(o)) {
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new TypeError(`${field}["${key}"] must be a string, a finite number or a boolean`);
  }
  return o as CoreMetricAttributes;
}

function stringWithoutNewline(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string`);
  if (/[\n\0]/.test(value)) throw new TypeError(`${field} must not contain newline or NUL characters`);
  return value;
}

function stringMap(value: unknown, field: string): Record<string, string> {
  const o = object(value, field);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(o)) {
    if (key === '' || /[\n\0]/.test(key)) throw new TypeError(`${field} key ${JSON.stringify(key)} must be non-empty, without newline or NUL`);
    out[key] = stringWithoutNewline(v, `${field}["${key}"]`);
  }
  return out;
}

function bucketOverrides(value: unknown, field: string): Record<string, number[]> {
  if (value === undefined) return {};
  const o = object(value, field);
  const out: Record<string, number[]> = {};
  for (const [key, v] of Object.entries(o)) {
    if (key === '' || /[\n\0]/.test(key)) throw new TypeError(`${field} key ${JSON.stringify(key)} must be non-empty, without newline or NUL`);
    if (!Array.isArray(v) || v.some((b) => typeof b !== 'number' || !Number.isFinite(b))) {
      throw new TypeError(`${field}["${key}"] must be an array of finite numbers`);
    }
    out[key] = [...(v as number[])];
  }
  return out;
}

/** `host:port` with a numeric port, which is what the core's exporter binds (no host names resolved). */
function socketAddress(value: unknown, field: string): string {
  const address = nonEmptyString(value, field);
  const match = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+):(\d{1,5})$/.exec(address);
  if (match === null || Number(match[2]) > 65535) {
    throw new TypeError(`${field} must be an IP address and port such as 127.0.0.1:9464 or [::1]:9464 (got ${JSON.stringify(address)})`);
  }
  return address;
}

// ---------------------------------------------------------------------------------------------
// Connection

/**
 * Validates connection options and resolves the address into the URL the core dials. An API key
 * without an explicit `tls` turns TLS on, as in the official SDKs.
 *
 * @example
 * ```ts
 * const resolved = validateConnectionOptions({
 *   address: 'localhost:7233', identity: 'me@host', clientName: 'temporal-native', clientVersion: '0.1.0',
 * });
 * resolved.targetUrl; // 'http://localhost:7233'
 * ```
 */
export function validateConnectionOptions(options: unknown): ResolvedConnectionOptions {
  const o = object(options, 'connection options');
  checkOptionKeys(o, CORE_CONNECTION_KEYS, 'connection options');
  const field = (name: string) => `connection options.${name}`;

  const apiKey = optionalHeaderValue(o.apiKey, field('apiKey'));
  const tls = validateTls(o.tls, apiKey !== undefined);
  const targetUrl = normalizeAddress(o.address, tls !== false);
  const identity = nonEmptyString(o.identity, field('identity'));
  const clientName = nonEmptyString(o.clientName, field('clientName'));
  const clientVersion = nonEmptyString(o.clientVersion, field('clientVersion'));
  const metadata = o.metadata === undefined ? undefined : validateMetadata(o.metadata, field('metadata'));
  const binaryMetadata =
    o.binaryMetadata === undefined ? undefined : validateBinaryMetadata(o.binaryMetadata, field('binaryMetadata'));
  const retryPolicy = o.retry === undefined ? undefined : validateRetry(o.retry);
  const retriesDisabled = retryPolicy !== undefined && (retryPolicy.maxRetries === 0 || retryPolicy.maxElapsedTimeMs === 0);
  const retry = retryPolicy === undefined || retriesDisabled ? undefined : toCoreRetry(retryPolicy);
  const keepAlive = validateKeepAlive(o.keepAlive);
  const dnsLoadBalancing = validateDnsLoadBalancing(o.dnsLoadBalancing);
  const grpcCompression =
    o.grpcCompression === undefined
      ? CORE_CONNECTION_DEFAULTS.grpcCompression
      : oneOf(o.grpcCompression, ['gzip', 'none'] as const, field('grpcCompression'));

  return {
    address: targetUrl,
    targetUrl,
    tls,
    apiKey,
    metadata,
    binaryMetadata,
    identity,
    clientName,
    clientVersion,
    retry,
    retriesDisabled,
    keepAlive,
    dnsLoadBalancing,
    grpcCompression,
    ...(o.proxy === undefined ? {} : { proxy: validateProxy(o.proxy, field('proxy')) }),
  };
}

const CORE_CONNECTION_KEYS: OptionKeys = {
  kind: 'core connection option',
  supported: [
    'address', 'tls', 'apiKey', 'metadata', 'binaryMetadata', 'identity', 'clientName', 'clientVersion', 'retry',
    'keepAlive', 'dnsLoadBalancing', 'grpcCompression', 'proxy',
  ],
};

const PROXY_HOST = /^(?:http:\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/;

/**
 * Validates an HTTP CONNECT proxy. The core dials `host:port` in plaintext HTTP (an `http://` URL is
 * reduced to that); credentials travel in a Basic header, which cannot carry `:` in the user name.
 */
export function validateProxy(value: unknown, field: string): HttpConnectProxyOptions {
  const o = object(value, field);
  checkOptionKeys(o, { kind: 'proxy option', supported: ['type', 'targetHost', 'basicAuth'] }, field);
  if (o.type !== undefined && o.type !== 'http-connect') {
    throw new InvalidOptionError(`${field}.type`, `must be 'http-connect' (the only proxy kind the core supports), got ${JSON.stringify(o.type)}`);
  }
  const target = nonEmptyString(o.targetHost, `${field}.targetHost`);
  const match = PROXY_HOST.exec(target);
  if (match === null || Number(match[2]) === 0 || Number(match[2]) > 65535) {
    throw new InvalidOptionError(`${field}.targetHost`, `must be 'host:port' or 'http://host:port' with a port, got ${JSON.stringify(target)}`);
  }
  const proxy: HttpConnectProxyOptions = { targetHost: `${match[1]}:${match[2]}` };
  if (o.basicAuth !== undefined) {
    const auth = object(o.basicAuth, `${field}.basicAuth`);
    checkOptionKeys(auth, { kind: 'proxy basicAuth option', supported: ['username', 'password'] }, `${field}.basicAuth`);
    const credential = (name: 'username' | 'password'): string => {
      const v = nonEmptyString(auth[name], `${field}.basicAuth.${name}`);
      if (/[:@]/.test(v) || !ASCII_VALUE.test(v)) {
        throw new InvalidOptionError(`${field}.basicAuth.${name}`, "must be printable ASCII without ':' or '@'");
      }
      return v;
    };
    proxy.basicAuth = { username: credential('username'), password: credential('password') };
  }
  return proxy;
}

function validateKeepAlive(value: unknown): KeepAliveOptions | false {
  const field = 'connection options.keepAlive';
  if (value === undefined) return { ...CORE_CONNECTION_DEFAULTS.keepAlive };
  if (value === false) return false;
  const o = object(value, field);
  return { intervalMs: integer(o.intervalMs, `${field}.intervalMs`, 1), timeoutMs: integer(o.timeoutMs, `${field}.timeoutMs`, 1) };
}

function validateDnsLoadBalancing(value: unknown): DnsLoadBalancingOptions | false {
  const field = 'connection options.dnsLoadBalancing';
  if (value === undefined) return { ...CORE_CONNECTION_DEFAULTS.dnsLoadBalancing };
  if (value === false) return false;
  const o = object(value, field);
  return { resolutionIntervalMs: integer(o.resolutionIntervalMs, `${field}.resolutionIntervalMs`, 1) };
}

function toCoreRetry(policy: RetryOptions): CoreRetryOptions {
  return {
    ...policy,
    maxElapsedTimeMs: policy.maxElapsedTimeMs === Infinity ? 0 : policy.maxElapsedTimeMs,
    maxRetries: policy.maxRetries === Infinity ? 0 : policy.maxRetries,
  };
}

function validateTls(value: unknown, hasApiKey: boolean): boolean | TlsOptions {
  const field = 'connection options.tls';
  if (value === undefined) return hasApiKey;
  if (typeof value === 'boolean') return value;
  const o = object(value, field);
  const serverRootCaCert = optionalBytes(o.serverRootCaCert, `${field}.serverRootCaCert`);
  const serverNameOverride = optionalString(o.serverNameOverride, `${field}.serverNameOverride`);
  let clientCertPair: TlsOptions['clientCertPair'];
  if (o.clientCertPair !== undefined) {
    const pair = object(o.clientCertPair, `${field}.clientCertPair`);
    clientCertPair = {
      crt: bytes(pair.crt, `${field}.clientCertPair.crt`, true),
      key: bytes(pair.key, `${field}.clientCertPair.key`, true),
    };
  }
  return { serverRootCaCert, serverNameOverride, clientCertPair };
}

function validateRetry(value: unknown): RetryOptions {
  const field = (name: string) => `connection options.retry.${name}`;
  const o = object(value, 'connection options.retry');
  const initialIntervalMs = integer(o.initialIntervalMs, field('initialIntervalMs'), 1);
  const randomizationFactor = finite(o.randomizationFactor, field('randomizationFactor'), 0);
  const multiplier = finite(o.multiplier, field('multiplier'), 1);
  const maxIntervalMs = integer(o.maxIntervalMs, field('maxIntervalMs'), initialIntervalMs);
  const maxElapsedTimeMs = o.maxElapsedTimeMs === Infinity ? Infinity : integer(o.maxElapsedTimeMs, field('maxElapsedTimeMs'), 0);
  const maxRetries = o.maxRetries === Infinity ? Infinity : integer(o.maxRetries, field('maxRetries'), 0);
  return { initialIntervalMs, randomizationFactor, multiplier, maxIntervalMs, maxElapsedTimeMs, maxRetries };
}

// ---------------------------------------------------------------------------------------------
// Metadata

// gRPC header names: lowercase token characters only; keys must not collide with the newline
// separator the C ABI uses between key and value.
const METADATA_KEY = /^[0-9a-z_.-]+$/;
// Printable ASCII (space to tilde), which is what HTTP/2 allows in a non-binary header value.
const ASCII_VALUE = /^[\x20-\x7e]*$/;

/**
 * Validates ASCII gRPC metadata: lowercase keys not ending in `-bin`, printable-ASCII values.
 *
 * @example
 * ```ts
 * validateMetadata({ 'x-tenant': 'blue' }, 'rpcCall options.metadata');
 * ```
 */
export function validateMetadata(value: unknown, field: string): Record<string, string> {
  const o = object(value, field);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(o)) {
    checkMetadataKey(key, field);
    if (key.endsWith('-bin')) {
      throw new TypeError(`${field} key "${key}" ends with "-bin"; binary values belong in binary metadata`);
    }
    if (typeof v !== 'string' || !ASCII_VALUE.test(v)) {
      throw new TypeError(`${field}["${key}"] must be a string of printable ASCII characters`);
    }
    out[key] = v;
  }
  return out;
}

/**
 * Validates binary gRPC metadata: lowercase keys ending in `-bin`, `Uint8Array` values.
 *
 * @example
 * ```ts
 * validateBinaryMetadata({ 'trace-bin': new Uint8Array([1, 2]) }, 'connection options.binaryMetadata');
 * ```
 */
export function validateBinaryMetadata(value: unknown, field: string): Record<string, Uint8Array> {
  const o = object(value, field);
  const out: Record<string, Uint8Array> = {};
  for (const [key, v] of Object.entries(o)) {
    checkMetadataKey(key, field);
    if (!key.endsWith('-bin')) {
      throw new TypeError(`${field} key "${key}" must end with "-bin"`);
    }
    out[key] = bytes(v, `${field}["${key}"]`, false);
  }
  return out;
}

function checkMetadataKey(key: string, field: string): void {
  if (!METADATA_KEY.test(key)) {
    throw new TypeError(`${field} key ${JSON.stringify(key)} must be non-empty and use only 0-9 a-z _ . -`);
  }
}

// ---------------------------------------------------------------------------------------------
// rpcCall

/** The arguments of `CoreConnection.rpcCall`, after validation. */
export interface ValidatedRpcCall {
  service: ServiceName;
  rpc: string;
  request: Uint8Array;
  retry: boolean;
  metadata: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Validates the arguments of one `rpcCall`.
 *
 * @example
 * ```ts
 * validateRpcCall('workflow', 'GetSystemInfo', new Uint8Array(), { timeoutMs: 5000 });
 * ```
 */
export function validateRpcCall(service: unknown, rpc: unknown, request: unknown, options: unknown): ValidatedRpcCall {
  const s = oneOf(service, SERVICE_NAMES, 'rpcCall service');
  if (typeof rpc !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(rpc)) {
    throw new TypeError('rpcCall rpc must be a PascalCase gRPC method name, e.g. "StartWorkflowExecution"');
  }
  const req = bytes(request, 'rpcCall request', false);
  const o = objectOrEmpty(options, 'rpcCall options');
  const retry = o.retry === undefined ? false : boolean(o.retry, 'rpcCall options.retry');
  const metadata = o.metadata === undefined ? {} : validateMetadata(o.metadata, 'rpcCall options.metadata');
  const timeoutMs = o.timeoutMs === undefined ? 0 : integer(o.timeoutMs, 'rpcCall options.timeoutMs', 0);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError('rpcCall options.signal must be an AbortSignal');
  }
  return { service: s, rpc, request: req, retry, metadata, timeoutMs, signal: o.signal as AbortSignal | undefined };
}

// ---------------------------------------------------------------------------------------------
// Worker

/**
 * Fills every worker option the caller left out with the official SDK's default.
 *
 * @example
 * ```ts
 * const options = workerOptionsWithDefaults({ namespace: 'default', taskQueue: 'orders', buildId: 'v1' });
 * connection.createWorker(options);
 * ```
 */
export function workerOptionsWithDefaults(input: WorkerOptionsInput): WorkerOptions {
  const d = DEFAULT_WORKER_OPTIONS;
  return {
    ...d,
    ...stripUndefined(input),
    namespace: input.namespace,
    taskQueue: input.taskQueue,
    buildId: input.buildId,
    taskTypes: { ...d.taskTypes, ...stripUndefined(input.taskTypes ?? {}) },
    slots: { ...d.slots, ...stripUndefined(input.slots ?? {}) },
  };
}

/**
 * Validates a complete `WorkerOptions` object (see `workerOptionsWithDefaults` to build one).
 *
 * @example
 * ```ts
 * validateWorkerOptions(workerOptionsWithDefaults({ namespace: 'default', taskQueue: 'q', buildId: 'b' }));
 * ```
 */
export function validateWorkerOptions(options: unknown): WorkerOptions {
  const o = object(options, 'worker options');
  const field = (name: string) => `worker options.${name}`;

  const t = object(o.taskTypes, field('taskTypes'));
  const taskTypes = {
    workflows: boolean(t.workflows, field('taskTypes.workflows')),
    activities: boolean(t.activities, field('taskTypes.activities')),
    localActivities: boolean(t.localActivities, field('taskTypes.localActivities')),
    nexus: boolean(t.nexus, field('taskTypes.nexus')),
  };
  if (!taskTypes.workflows && !taskTypes.activities && !taskTypes.localActivities) {
    throw new TypeError(`${field('taskTypes')} must enable at least one of workflows, activities, localActivities`);
  }
  if (taskTypes.localActivities && !taskTypes.workflows) {
    throw new TypeError(`${field('taskTypes.localActivities')} requires taskTypes.workflows (local activities run inside workflow tasks)`);
  }
  if (taskTypes.nexus) {
    // The contract has no nexus poll/complete, and the core will not finish shutting down a worker
    // whose nexus poller was never drained.
    throw new TypeError(`${field('taskTypes.nexus')} must be false: the core layer has no nexus task calls`);
  }

  const s = object(o.slots, field('slots'));
  const slots = {
    workflow: integer(s.workflow, field('slots.workflow'), 1),
    activity: integer(s.activity, field('slots.activity'), 1),
    localActivity: integer(s.localActivity, field('slots.localActivity'), 1),
    nexus: integer(s.nexus, field('slots.nexus'), 1),
  };

  const resourceBasedSlots = o.resourceBasedSlots === undefined ? undefined : validateResourceBasedSlots(o.resourceBasedSlots, field('resourceBasedSlots'));

  const maxCachedWorkflows = integer(o.maxCachedWorkflows, field('maxCachedWorkflows'), 0);
  const workflowTaskPollerBehavior = pollerBehavior(o.workflowTaskPollerBehavior, field('workflowTaskPollerBehavior'));
  if (maxCachedWorkflows > 0 && 'simpleMaximum' in workflowTaskPollerBehavior && workflowTaskPollerBehavior.simpleMaximum < 2) {
    // The core polls the sticky and the normal queue side by side once it caches workflows.
    throw new TypeError(`${field('workflowTaskPollerBehavior.simpleMaximum')} must be at least 2 when maxCachedWorkflows > 0`);
  }
  const nonStickyToStickyPollRatio = finite(o.nonStickyToStickyPollRatio, field('nonStickyToStickyPollRatio'), 0);
  if (nonStickyToStickyPollRatio <= 0 || nonStickyToStickyPollRatio > 1) {
    throw new TypeError(`${field('nonStickyToStickyPollRatio')} must be greater than 0 and at most 1`);
  }

  return {
    namespace: nonEmptyString(o.namespace, field('namespace')),
    taskQueue: nonEmptyString(o.taskQueue, field('taskQueue')),
    identityOverride: optionalString(o.identityOverride, field('identityOverride')),
    buildId: nonEmptyString(o.buildId, field('buildId')),
    taskTypes,
    slots,
    ...(resourceBasedSlots === undefined ? {} : { resourceBasedSlots }),
    maxCachedWorkflows,
    stickyQueueScheduleToStartTimeoutMs: integer(o.stickyQueueScheduleToStartTimeoutMs, field('stickyQueueScheduleToStartTimeoutMs'), 1),
    maxHeartbeatThrottleIntervalMs: integer(o.maxHeartbeatThrottleIntervalMs, field('maxHeartbeatThrottleIntervalMs'), 0),
    defaultHeartbeatThrottleIntervalMs: integer(o.defaultHeartbeatThrottleIntervalMs, field('defaultHeartbeatThrottleIntervalMs'), 0),
    gracefulShutdownPeriodMs: integer(o.gracefulShutdownPeriodMs, field('gracefulShutdownPeriodMs'), 0),
    maxActivitiesPerSecond: finite(o.maxActivitiesPerSecond, field('maxActivitiesPerSecond'), 0),
    maxTaskQueueActivitiesPerSecond: finite(o.maxTaskQueueActivitiesPerSecond, field('maxTaskQueueActivitiesPerSecond'), 0),
    workflowTaskPollerBehavior,
    activityTaskPollerBehavior: pollerBehavior(o.activityTaskPollerBehavior, field('activityTaskPollerBehavior')),
    nexusTaskPollerBehavior: pollerBehavior(o.nexusTaskPollerBehavior, field('nexusTaskPollerBehavior')),
    nonStickyToStickyPollRatio,
    maxEagerActivityReservations: integer(o.maxEagerActivityReservations, field('maxEagerActivityReservations'), 0),
  };
}

function pollerBehavior(value: unknown, field: string): PollerBehavior {
  const o = object(value, field);
  if (o.autoscaling !== undefined) {
    const a = object(o.autoscaling, `${field}.autoscaling`);
    const minimum = integer(a.minimum, `${field}.autoscaling.minimum`, 1);
    const maximum = integer(a.maximum, `${field}.autoscaling.maximum`, minimum);
    const initial = integer(a.initial, `${field}.autoscaling.initial`, minimum);
    if (initial > maximum) throw new TypeError(`${field}.autoscaling.initial must be between minimum and maximum`);
    return { autoscaling: { minimum, maximum, initial } };
  }
  return { simpleMaximum: integer(o.simpleMaximum, `${field}.simpleMaximum`, 1) };
}

const SLOT_KINDS = ['workflow', 'activity', 'localActivity', 'nexus'] as const;

function validateResourceBasedSlots(value: unknown, field: string): NonNullable<WorkerOptions['resourceBasedSlots']> {
  const o = object(value, field);
  const out: NonNullable<WorkerOptions['resourceBasedSlots']> = {};
  for (const key of Object.keys(o)) {
    if (!(SLOT_KINDS as readonly string[]).includes(key)) throw new TypeError(`${field}.${key} is not a slot kind (${SLOT_KINDS.join(', ')})`);
  }
  for (const kind of SLOT_KINDS) {
    if (o[kind] === undefined) continue;
    const k = `${field}.${kind}`;
    const r = object(o[kind], k);
    const minimumSlots = integer(r.minimumSlots, `${k}.minimumSlots`, 0);
    const maximumSlots = integer(r.maximumSlots, `${k}.maximumSlots`, Math.max(1, minimumSlots));
    const usage = (name: string): number => {
      const v = finite(r[name], `${k}.${name}`, 0);
      if (v <= 0 || v > 1) throw new TypeError(`${k}.${name} must be greater than 0 and at most 1`);
      return v;
    };
    out[kind] = {
      minimumSlots,
      maximumSlots,
      rampThrottleMs: integer(r.rampThrottleMs, `${k}.rampThrottleMs`, 0),
      targetMemoryUsage: usage('targetMemoryUsage'),
      targetCpuUsage: usage('targetCpuUsage'),
    };
  }
  const targets = new Set(Object.values(out).map((r) => `${r.targetMemoryUsage}/${r.targetCpuUsage}`));
  if (targets.size > 1) {
    // The core runs one resource-based tuner per worker, shared by every kind it supplies.
    throw new TypeError(`${field}: every kind must have the same targetMemoryUsage and targetCpuUsage`);
  }
  return out;
}

/**
 * Validates replayer options and fills in defaults.
 *
 * @example
 * ```ts
 * validateReplayerOptions({ taskQueue: 'orders' }); // namespace 'default', buildId 'replay', ...
 * ```
 */
export function validateReplayerOptions(options: unknown): ResolvedReplayerOptions {
  const o = objectOrEmpty(options, 'replayer options');
  const d = DEFAULT_REPLAYER_OPTIONS;
  const field = (name: string) => `replayer options.${name}`;
  if (o.maxCachedWorkflows !== undefined) {
    throw new TypeError(`${field('maxCachedWorkflows')} is not supported: the core sizes the replay worker's cache itself and ignores it`);
  }
  return {
    namespace: o.namespace === undefined ? d.namespace : nonEmptyString(o.namespace, field('namespace')),
    taskQueue: o.taskQueue === undefined ? d.taskQueue : nonEmptyString(o.taskQueue, field('taskQueue')),
    buildId: o.buildId === undefined ? d.buildId : nonEmptyString(o.buildId, field('buildId')),
  };
}

// ---------------------------------------------------------------------------------------------
// Arguments of individual calls

/**
 * Checks a byte argument (completion, heartbeat, history) of a core call.
 *
 * @example
 * ```ts
 * validateBytes(completion, 'completeWorkflowActivation completion');
 * ```
 */
export function validateBytes(value: unknown, field: string): Uint8Array {
  return bytes(value, field, false);
}

/**
 * Checks a string argument (run id, workflow id) of a core call.
 *
 * @example
 * ```ts
 * validateNonEmptyString(runId, 'requestWorkflowEviction runId');
 * ```
 */
export function validateNonEmptyString(value: unknown, field: string): string {
  return nonEmptyString(value, field);
}

// ---------------------------------------------------------------------------------------------
// Primitive checks. Strings reaching the core must be free of NUL and newline: the C ABI uses
// newline as the key/value separator and some paths treat input as C strings.

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${field} must be an object`);
  }
  return value as Record<string, unknown>;
}

function objectOrEmpty(value: unknown, field: string): Record<string, unknown> {
  return value === undefined ? {} : object(value, field);
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${field} must be a non-empty string`);
  }
  if (/[\n\0]/.test(value)) {
    throw new TypeError(`${field} must not contain newline or NUL characters`);
  }
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : nonEmptyString(value, field);
}

function optionalHeaderValue(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  const s = nonEmptyString(value, field);
  if (!ASCII_VALUE.test(s)) throw new TypeError(`${field} must contain only printable ASCII characters`);
  return s;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${field} must be a boolean`);
  return value;
}

function finite(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`${field} must be a finite number >= ${min}`);
  }
  return value;
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${field} must be an integer >= ${min}`);
  }
  return value;
}

function bytes(value: unknown, field: string, nonEmpty: boolean): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${field} must be a Uint8Array`);
  if (nonEmpty && value.length === 0) throw new TypeError(`${field} must not be empty`);
  return value;
}

function optionalBytes(value: unknown, field: string): Uint8Array | undefined {
  return value === undefined ? undefined : bytes(value, field, true);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(`${field} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
