/**
 * The contract of the core layer: bytes in, bytes out.
 *
 * Both backends (`native`: our C++ addon over the C ABI; `neon`: the prebuilt official core inside
 * `@temporalio/core-bridge`) implement these interfaces, and one contract suite runs against each.
 * Nothing here knows Temporal semantics beyond the names of the calls: requests, responses,
 * activations and completions are serialized protobuf.
 */

/** Which implementation drives the Rust core. */
export type BackendName = 'native' | 'neon';

/** How a backend is chosen: `auto` prefers `native` when the C bridge library can be found. */
export type BackendChoice = BackendName | 'auto';

export type CoreLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** One log line emitted by the Rust core, forwarded to JS. */
export interface CoreLogRecord {
  level: CoreLogLevel;
  target: string;
  message: string;
  /** Milliseconds since the Unix epoch, as the core stamped it. */
  timestampMs: number;
  fields: Record<string, unknown>;
}

export interface RuntimeOptions {
  /** Backend selection; defaults to `TEMPORAL_CORE_BACKEND` or `auto`. */
  backend?: BackendChoice;
  /** Explicit path of `libtemporalio_sdk_core_c_bridge` (native backend only). */
  coreLibraryPath?: string;
  /** Core log filter in `tracing` env-filter syntax, e.g. `"temporal_sdk_core=WARN"`. */
  logFilter?: string;
  /**
   * Receives every forwarded core log line (those passing `logFilter`) on the JS thread. Without
   * it, the core's warnings and errors are written to stderr (see `consoleCoreLogger`).
   */
  logger?: (record: CoreLogRecord) => void;
  /**
   * How often workers report themselves to servers that support worker heartbeats; 0 disables
   * them. Default 60000, the core's default. Servers without the capability are never called.
   */
  workerHeartbeatIntervalMs?: number;
  /** Where the core's metrics (and SDK metrics made with `createMetric`) go; absent: nowhere. */
  metrics?: MetricsOptions;
}

/** A Prometheus scrape endpoint served by the core at `http://<bindAddress>/metrics`. */
export interface PrometheusMetricsOptions {
  /** `host:port`, e.g. `127.0.0.1:9464`. */
  bindAddress: string;
  countersTotalSuffix?: boolean;
  unitSuffix?: boolean;
  useSecondsForDurations?: boolean;
  /** Bucket boundaries per metric name (without the prefix). */
  histogramBucketOverrides?: Record<string, number[]>;
}

/** Periodic export to an OpenTelemetry collector (OTLP over gRPC, or HTTP with `http: true`). */
export interface OtelMetricsOptions {
  url: string;
  headers?: Record<string, string>;
  /** Default 1000. */
  metricsExportIntervalMs?: number;
  temporality?: 'cumulative' | 'delta';
  http?: boolean;
  useSecondsForDurations?: boolean;
  histogramBucketOverrides?: Record<string, number[]>;
}

/** Exactly one of `prometheus` and `otel`. */
export interface MetricsOptions {
  prometheus?: PrometheusMetricsOptions;
  otel?: OtelMetricsOptions;
  /** Default `temporal_`. */
  metricPrefix?: string;
  globalTags?: Record<string, string>;
  /** Default true: a `service_name` tag on every metric. */
  attachServiceName?: boolean;
}

/** The metric kinds the core's meter makes. */
export type CoreMetricKind = 'counter' | 'histogram' | 'histogram-f64' | 'gauge' | 'gauge-f64' | 'up-down-counter';

/** Attribute values a metric sample may carry. */
export type CoreMetricAttributes = Record<string, string | number | boolean>;

/** One metric on the core's meter: every sample reaches the runtime's exporter. */
export interface CoreMetric {
  readonly kind: CoreMetricKind;
  readonly name: string;
  /** Adds (counters), records (histograms) or sets (gauges) `value`. A no-op once the runtime is closed. */
  record(value: number, attributes?: CoreMetricAttributes): void;
}

export interface TlsOptions {
  /** PEM bytes of the root CA used to verify the server. */
  serverRootCaCert?: Uint8Array;
  /** Overrides the server name checked against the certificate. */
  serverNameOverride?: string;
  /** Client certificate and key, both or neither (mTLS). */
  clientCertPair?: { crt: Uint8Array; key: Uint8Array };
}

/**
 * How the core retries an RPC made with `retry: true`. Zero means what it says: `maxRetries: 0` or
 * `maxElapsedTimeMs: 0` turns retries off (the core itself reads 0 as "unlimited"; we translate).
 * `Infinity` lifts a limit.
 */
export interface RetryOptions {
  initialIntervalMs: number;
  randomizationFactor: number;
  multiplier: number;
  maxIntervalMs: number;
  /** Total time spent retrying; 0: no retries; `Infinity`: no limit. */
  maxElapsedTimeMs: number;
  /** Retry attempts after the first; 0: no retries; `Infinity`: no limit. */
  maxRetries: number;
}

/** HTTP/2 keepalive pings on the connection. */
export interface KeepAliveOptions {
  intervalMs: number;
  timeoutMs: number;
}

/** Resolving a host name to all its addresses and spreading calls across them. */
export interface DnsLoadBalancingOptions {
  resolutionIntervalMs: number;
}

export interface ConnectionOptions {
  /** `host:port` or a full `http(s)://host:port` URL. */
  address: string;
  /** `true` for system roots, an object for custom roots / mTLS; absent or `false` for plaintext. */
  tls?: boolean | TlsOptions;
  apiKey?: string;
  metadata?: Record<string, string>;
  binaryMetadata?: Record<string, Uint8Array>;
  identity: string;
  clientName: string;
  clientVersion: string;
  retry?: RetryOptions;
  /** Default: the core's (every 30 s, 15 s timeout); `false` turns keepalive off. */
  keepAlive?: KeepAliveOptions | false;
  /** Default: the core's (re-resolve every 30 s); `false` turns it off. */
  dnsLoadBalancing?: DnsLoadBalancingOptions | false;
  /** Request compression; default `gzip`, the core's and the official SDK's default. */
  grpcCompression?: 'gzip' | 'none';
  /** Reach the server through an HTTP CONNECT proxy (DNS load balancing is then off, as in the core). */
  proxy?: HttpConnectProxyOptions;
}

/** An HTTP CONNECT proxy between the core and the server. */
export interface HttpConnectProxyOptions {
  /** `host:port` of the proxy (an `http://host:port` URL is accepted and reduced to that). */
  targetHost: string;
  /** Basic credentials for the proxy; neither may contain `:` or `@`. */
  basicAuth?: { username: string; password: string };
}

export type ServiceName = 'workflow' | 'operator' | 'cloud' | 'test' | 'health';

export interface RpcCallOptions {
  /** Use the connection's retry policy (default false for raw calls). */
  retry?: boolean;
  metadata?: Record<string, string>;
  /** 0 or absent: no deadline. */
  timeoutMs?: number;
  /** Aborting cancels the in-flight call through a core cancellation token. */
  signal?: AbortSignal;
}

/**
 * How many pollers the core runs for one kind of task: a fixed maximum, or autoscaling between
 * `minimum` and `maximum` from `initial` (the core scales on the server's poller hints).
 */
export type PollerBehavior = { simpleMaximum: number } | { autoscaling: { minimum: number; maximum: number; initial: number } };

/**
 * A slot supplier the core sizes from resource use: between `minimumSlots` and `maximumSlots`,
 * handing out at most one new slot per `rampThrottleMs`, aiming at the target memory and CPU usage
 * (fractions of 1, shared by every resource-based supplier of a worker).
 */
export interface ResourceBasedSlots {
  minimumSlots: number;
  maximumSlots: number;
  rampThrottleMs: number;
  targetMemoryUsage: number;
  targetCpuUsage: number;
}

export interface WorkerOptions {
  namespace: string;
  taskQueue: string;
  identityOverride?: string;
  buildId: string;
  taskTypes: { workflows: boolean; activities: boolean; localActivities: boolean; nexus: boolean };
  /** Fixed-size slot counts per task kind; for a kind listed in `resourceBasedSlots`, its maximum. */
  slots: { workflow: number; activity: number; localActivity: number; nexus: number };
  /** Kinds whose slots the core's resource-based tuner supplies instead of a fixed count. */
  resourceBasedSlots?: Partial<Record<'workflow' | 'activity' | 'localActivity' | 'nexus', ResourceBasedSlots>>;
  maxCachedWorkflows: number;
  stickyQueueScheduleToStartTimeoutMs: number;
  maxHeartbeatThrottleIntervalMs: number;
  defaultHeartbeatThrottleIntervalMs: number;
  gracefulShutdownPeriodMs: number;
  /** 0 = unlimited. */
  maxActivitiesPerSecond: number;
  /** 0 = unlimited. */
  maxTaskQueueActivitiesPerSecond: number;
  workflowTaskPollerBehavior: PollerBehavior;
  activityTaskPollerBehavior: PollerBehavior;
  nexusTaskPollerBehavior: PollerBehavior;
  nonStickyToStickyPollRatio: number;
  /** Activities the core may start eagerly per workflow task (0 disables eager starts). */
  maxEagerActivityReservations: number;
}

/** The replay worker's identity. Its cache is the core's own: the core ignores a cache size there. */
export interface ReplayerOptions {
  namespace?: string;
  taskQueue?: string;
  buildId?: string;
}

export interface CoreRuntime {
  readonly backend: BackendName;
  connect(options: ConnectionOptions): Promise<CoreConnection>;
  createReplayer(options: ReplayerOptions): CoreReplayer;
  /**
   * A metric on the core's meter, or `undefined` when the runtime has no metrics exporter.
   * Asking twice for the same definition returns the same core metric. Both backends implement
   * it; it is optional so that a hand-made runtime (a test double) need not.
   */
  createMetric?(kind: CoreMetricKind, name: string, unit?: string, description?: string): CoreMetric | undefined;
  /** Frees the runtime once every connection and worker made from it is closed. */
  close(): Promise<void>;
}

export interface CoreConnection {
  /**
   * One unary gRPC call through the core's client. `rpc` is the exact PascalCase method name.
   * Rejects with `CoreError` carrying the gRPC status code, message and `google.rpc.Status` bytes.
   */
  rpcCall(service: ServiceName, rpc: string, request: Uint8Array, options?: RpcCallOptions): Promise<Uint8Array>;
  updateMetadata(metadata: Record<string, string>): void;
  updateBinaryMetadata(metadata: Record<string, Uint8Array>): void;
  updateApiKey(apiKey: string | undefined): void;
  createWorker(options: WorkerOptions): CoreWorker;
  close(): Promise<void>;
}

export interface CoreWorker {
  /** Checks the namespace with the server (DescribeNamespace). */
  validate(): Promise<void>;
  /** `coresdk.workflow_activation.WorkflowActivation` bytes, or `null` once the poller has shut down. */
  pollWorkflowActivation(): Promise<Uint8Array | null>;
  /** `coresdk.activity_task.ActivityTask` bytes, or `null` once the poller has shut down. */
  pollActivityTask(): Promise<Uint8Array | null>;
  /** `coresdk.workflow_completion.WorkflowActivationCompletion` bytes. */
  completeWorkflowActivation(completion: Uint8Array): Promise<void>;
  /** `coresdk.ActivityTaskCompletion` bytes. */
  completeActivityTask(completion: Uint8Array): Promise<void>;
  /** `coresdk.ActivityHeartbeat` bytes. Synchronous: the core queues and throttles it. */
  recordActivityHeartbeat(heartbeat: Uint8Array): void;
  requestWorkflowEviction(runId: string): void;
  /** Step 1 of the shutdown order: pollers then drain to `null`. */
  initiateShutdown(): void;
  /** Last step: only valid once every poller returned `null` and no completion is in flight. */
  finalizeShutdown(): Promise<void>;
}

export interface CoreReplayer {
  readonly worker: CoreWorker;
  /** Feeds one `temporal.api.history.v1.History` for a workflow id to the replay worker. */
  pushHistory(workflowId: string, history: Uint8Array): Promise<void>;
  /** Ends the history stream; the worker then shuts down like any other. */
  closeHistoryStream(): void;
}
