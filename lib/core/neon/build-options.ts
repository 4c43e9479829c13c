/**
 * Translates the core layer's validated options into the option objects the Neon addon reads.
 *
 * The addon's convention: every property present, `null` for "unset" (it cannot tell a missing
 * property from `undefined`), durations in milliseconds.
 */
import type { ResolvedConnectionOptions, ResolvedReplayerOptions, ValidatedRuntimeOptions } from '../options';
import type { WorkerOptions } from '../types';
import type { NeonClientOptions, NeonMetadataValue, NeonRuntimeOptions, NeonWorkerOptions } from './bridge';

// Same warning thresholds as the official TypeScript SDK: the core logs (never fails) above them.
const PAYLOADS_WARN_SIZE = 512 * 1024;
const MEMO_WARN_SIZE = 2 * 1024;
// The official SDK's default; how many activities the core may start eagerly per workflow task.
const MAX_EAGER_ACTIVITY_RESERVATIONS = 3;

/** `RuntimeOptions` for `newRuntime`; `receiver` gets each batch of JSON log entries. */
export function neonRuntimeOptions(options: ValidatedRuntimeOptions, receiver: (entries: string[]) => void): NeonRuntimeOptions {
  return {
    // Without a logger, the "off" filter keeps the core from even formatting log lines.
    logExporter: { type: 'forward', filter: options.logger === undefined ? 'off' : options.logFilter, receiver },
    telemetry: { attachServiceName: false, metricPrefix: 'temporal_' },
    metricsExporter: null,
    workerHeartbeatIntervalMillis: options.workerHeartbeatIntervalMs === 0 ? null : options.workerHeartbeatIntervalMs,
  };
}

/** `ClientOptions` for `newClient`. Identity is a worker option in this addon; see `neonWorkerOptions`. */
export function neonClientOptions(options: ResolvedConnectionOptions): NeonClientOptions {
  return {
    targetUrl: options.targetUrl,
    clientName: options.clientName,
    clientVersion: options.clientVersion,
    tls: neonTls(options.tls),
    httpConnectProxy: null,
    dnsLoadBalancingConfig: null,
    grpcCompression: { codec: isLoopback(options.targetUrl) ? 'none' : 'gzip' },
    headers: neonHeaders(options.metadata ?? {}, options.binaryMetadata ?? {}),
    apiKey: options.apiKey ?? null,
    disableErrorCodeMetricTags: false,
    payloadsWarnSize: PAYLOADS_WARN_SIZE,
    memoWarnSize: MEMO_WARN_SIZE,
  };
}

/**
 * Whether the core dials this machine. Over loopback, gzip saves no bandwidth yet costs CPU twice per
 * RPC (deflate here, inflate in the server): measured on the activity benchmark against the dev
 * server, compressing cost ~0.1 ms of worker CPU and ~0.2 ms of server CPU per activity (-22% and
 * -19% without it). Remote servers keep gzip, the core's default.
 */
export function isLoopback(targetUrl: string): boolean {
  let host: string;
  try {
    host = new URL(targetUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}

function neonTls(tls: ResolvedConnectionOptions['tls']): NeonClientOptions['tls'] {
  if (tls === false) return null;
  if (tls === true) return { domain: null, serverRootCaCert: null, clientTlsOptions: null };
  return {
    domain: tls.serverNameOverride ?? null,
    serverRootCaCert: tls.serverRootCaCert === undefined ? null : Buffer.from(tls.serverRootCaCert),
    clientTlsOptions:
      tls.clientCertPair === undefined
        ? null
        : { clientCert: Buffer.from(tls.clientCertPair.crt), clientPrivateKey: Buffer.from(tls.clientCertPair.key) },
  };
}

/** One header map as the addon wants it: ASCII and binary values side by side, tagged. */
export function neonHeaders(
  metadata: Record<string, string>,
  binaryMetadata: Record<string, Uint8Array>,
): Record<string, NeonMetadataValue> {
  const headers: Record<string, NeonMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata)) headers[key] = { type: 'ascii', value };
  for (const [key, value] of Object.entries(binaryMetadata)) headers[key] = { type: 'binary', value: Buffer.from(value) };
  return headers;
}

/** `WorkerOptions` for `newWorker`. `identity` is the connection's unless the worker overrides it. */
export function neonWorkerOptions(options: WorkerOptions, connectionIdentity: string): NeonWorkerOptions {
  return {
    identity: options.identityOverride ?? connectionIdentity,
    buildId: options.buildId,
    useVersioning: false,
    workerDeploymentOptions: null,
    taskQueue: options.taskQueue,
    namespace: options.namespace,
    tuner: {
      workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: options.slots.workflow },
      activityTaskSlotSupplier: { type: 'fixed-size', numSlots: options.slots.activity },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: options.slots.localActivity },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: options.slots.nexus },
      resourceBasedTunerConfig: null,
    },
    nonStickyToStickyPollRatio: options.nonStickyToStickyPollRatio,
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: options.workflowTaskPollerBehavior.simpleMaximum },
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: options.activityTaskPollerBehavior.simpleMaximum },
    nexusTaskPollerBehavior: { type: 'simple-maximum', maximum: options.nexusTaskPollerBehavior.simpleMaximum },
    taskTypes: {
      enableWorkflows: options.taskTypes.workflows,
      enableLocalActivities: options.taskTypes.localActivities,
      enableRemoteActivities: options.taskTypes.activities,
      enableNexus: options.taskTypes.nexus,
    },
    stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeoutMs,
    maxCachedWorkflows: options.maxCachedWorkflows,
    maxHeartbeatThrottleInterval: options.maxHeartbeatThrottleIntervalMs,
    defaultHeartbeatThrottleInterval: options.defaultHeartbeatThrottleIntervalMs,
    // 0 means unlimited in our contract; the core wants "unset" for that (it rejects 0).
    maxTaskQueueActivitiesPerSecond: options.maxTaskQueueActivitiesPerSecond === 0 ? null : options.maxTaskQueueActivitiesPerSecond,
    maxActivitiesPerSecond: options.maxActivitiesPerSecond === 0 ? null : options.maxActivitiesPerSecond,
    maxEagerActivityReservationsPerWorkflowTask: MAX_EAGER_ACTIVITY_RESERVATIONS,
    shutdownGraceTime: options.gracefulShutdownPeriodMs,
    plugins: [],
    storageDrivers: [],
    workflowFailureErrors: [],
    workflowTypesToFailureErrors: {},
    disablePayloadErrorLimit: false,
  };
}

/** Worker options for the replay worker: workflows only, a small cache, no server behind it. */
export function neonReplayWorkerOptions(options: ResolvedReplayerOptions): NeonWorkerOptions {
  const pollers = Math.max(2, options.maxCachedWorkflows);
  return neonWorkerOptions(
    {
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      buildId: options.buildId,
      taskTypes: { workflows: true, activities: false, localActivities: false, nexus: false },
      slots: { workflow: pollers, activity: 1, localActivity: 1, nexus: 1 },
      maxCachedWorkflows: options.maxCachedWorkflows,
      stickyQueueScheduleToStartTimeoutMs: 10_000,
      maxHeartbeatThrottleIntervalMs: 60_000,
      defaultHeartbeatThrottleIntervalMs: 30_000,
      gracefulShutdownPeriodMs: 0,
      maxActivitiesPerSecond: 0,
      maxTaskQueueActivitiesPerSecond: 0,
      workflowTaskPollerBehavior: { simpleMaximum: pollers },
      activityTaskPollerBehavior: { simpleMaximum: 1 },
      nexusTaskPollerBehavior: { simpleMaximum: 1 },
      nonStickyToStickyPollRatio: 1,
    },
    'temporal-native-replayer',
  );
}
