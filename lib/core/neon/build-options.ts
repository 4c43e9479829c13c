/**
 * Translates the core layer's validated options into the option objects the Neon addon reads.
 *
 * The addon's convention: every property present, `null` for "unset" (it cannot tell a missing
 * property from `undefined`), durations in milliseconds.
 */
import {
  CORE_CONNECTION_DEFAULTS,
  type ResolvedConnectionOptions,
  type ResolvedMetricsOptions,
  type ResolvedReplayerOptions,
  type ValidatedRuntimeOptions,
} from '../options';
import type { PollerBehavior, WorkerOptions } from '../types';
import type { NeonClientOptions, NeonMetadataValue, NeonRuntimeOptions, NeonWorkerOptions } from './bridge';


/** `RuntimeOptions` for `newRuntime`; `receiver` gets each batch of JSON log entries. */
export function neonRuntimeOptions(options: ValidatedRuntimeOptions, receiver: (entries: string[]) => void): NeonRuntimeOptions {
  return {
    logExporter: { type: 'forward', filter: options.logFilter, receiver },
    telemetry: {
      attachServiceName: options.metrics?.attachServiceName ?? false,
      metricPrefix: options.metrics?.metricPrefix ?? 'temporal_',
    },
    metricsExporter: neonMetricsExporter(options.metrics),
    workerHeartbeatIntervalMillis: options.workerHeartbeatIntervalMs === 0 ? null : options.workerHeartbeatIntervalMs,
  };
}

function neonMetricsExporter(metrics: ResolvedMetricsOptions | undefined): NeonRuntimeOptions['metricsExporter'] {
  if (metrics === undefined) return null;
  if (metrics.prometheus !== undefined) {
    const p = metrics.prometheus;
    return {
      type: 'prometheus',
      socketAddr: p.bindAddress,
      globalTags: metrics.globalTags,
      countersTotalSuffix: p.countersTotalSuffix,
      unitSuffix: p.unitSuffix,
      useSecondsForDurations: p.useSecondsForDurations,
      histogramBucketOverrides: p.histogramBucketOverrides,
    };
  }
  const o = metrics.otel!;
  return {
    type: 'otel',
    url: o.url,
    headers: o.headers,
    metricPeriodicity: o.metricsExportIntervalMs,
    metricTemporality: o.temporality,
    globalTags: metrics.globalTags,
    useSecondsForDurations: o.useSecondsForDurations,
    histogramBucketOverrides: o.histogramBucketOverrides,
    protocol: o.http ? 'http' : 'grpc',
  };
}

/** `ClientOptions` for `newClient`. Identity is a worker option in this addon; see `neonWorkerOptions`. */
export function neonClientOptions(options: ResolvedConnectionOptions): NeonClientOptions {
  return {
    targetUrl: options.targetUrl,
    clientName: options.clientName,
    clientVersion: options.clientVersion,
    tls: neonTls(options.tls),
    httpConnectProxy:
      options.proxy === undefined ? null : { targetHost: options.proxy.targetHost, basicAuth: options.proxy.basicAuth ?? null },
    // The core turns DNS load balancing off behind a proxy (with a warning): leave it off here.
    dnsLoadBalancingConfig:
      options.dnsLoadBalancing === false || options.proxy !== undefined
        ? null
        : { resolutionIntervalMillis: options.dnsLoadBalancing.resolutionIntervalMs },
    grpcCompression: { codec: options.grpcCompression },
    headers: neonHeaders(options.metadata ?? {}, options.binaryMetadata ?? {}),
    apiKey: options.apiKey ?? null,
    disableErrorCodeMetricTags: false,
    payloadsWarnSize: CORE_CONNECTION_DEFAULTS.payloadsWarnSize,
    memoWarnSize: CORE_CONNECTION_DEFAULTS.memoWarnSize,
  };
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

function neonPollerBehavior(behavior: PollerBehavior): NeonWorkerOptions['workflowTaskPollerBehavior'] {
  if ('autoscaling' in behavior) return { type: 'autoscaling', ...behavior.autoscaling };
  return { type: 'simple-maximum', maximum: behavior.simpleMaximum };
}

/**
 * The addon's tuner: fixed-size suppliers, except for kinds with resource-based slots. The addon
 * takes one resource target for the whole worker (the core's resource-based tuner is shared by
 * every kind); validation made sure the kinds agree on it.
 */
function neonTuner(options: WorkerOptions): NeonWorkerOptions['tuner'] {
  const resource = options.resourceBasedSlots ?? {};
  let target: { targetMemoryUsage: number; targetCpuUsage: number } | undefined;
  const supplier = (kind: 'workflow' | 'activity' | 'localActivity' | 'nexus'): NeonWorkerOptions['tuner']['workflowTaskSlotSupplier'] => {
    const r = resource[kind];
    if (r === undefined) return { type: 'fixed-size', numSlots: options.slots[kind] };
    target = { targetMemoryUsage: r.targetMemoryUsage, targetCpuUsage: r.targetCpuUsage };
    return { type: 'resource-based', minimumSlots: r.minimumSlots, maximumSlots: r.maximumSlots, rampThrottle: r.rampThrottleMs };
  };
  const tuner = {
    workflowTaskSlotSupplier: supplier('workflow'),
    activityTaskSlotSupplier: supplier('activity'),
    localActivityTaskSlotSupplier: supplier('localActivity'),
    nexusTaskSlotSupplier: supplier('nexus'),
  };
  return { ...tuner, resourceBasedTunerConfig: target === undefined ? null : { type: 'options', ...target } };
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
    tuner: neonTuner(options),
    nonStickyToStickyPollRatio: options.nonStickyToStickyPollRatio,
    workflowTaskPollerBehavior: neonPollerBehavior(options.workflowTaskPollerBehavior),
    activityTaskPollerBehavior: neonPollerBehavior(options.activityTaskPollerBehavior),
    nexusTaskPollerBehavior: neonPollerBehavior(options.nexusTaskPollerBehavior),
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
    maxEagerActivityReservationsPerWorkflowTask: options.maxEagerActivityReservations,
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
  const pollers = 2;
  return neonWorkerOptions(
    {
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      buildId: options.buildId,
      taskTypes: { workflows: true, activities: false, localActivities: false, nexus: false },
      slots: { workflow: pollers, activity: 1, localActivity: 1, nexus: 1 },
      maxCachedWorkflows: pollers,
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
      maxEagerActivityReservations: 0,
    },
    'temporal-native-replayer',
  );
}
