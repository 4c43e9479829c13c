/**
 * Locating and loading the compiled addon (`temporal_native.node`), and its JS surface as types.
 *
 * Load order: `TEMPORAL_NATIVE_ADDON` (an explicit path, used by the memcheck build), then
 * `prebuilds/<platform>-<arch>/temporal_native.node`, then `build/Release/temporal_native.node`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../core-library';
import { CoreError } from '../errors';
import type { ResolvedMetricsOptions } from '../options';
import type {
  ConnectionOptions,
  CoreMetricAttributes,
  CoreMetricKind,
  ReplayerOptions,
  RpcCallOptions,
  ServiceName,
  WorkerOptions,
} from '../types';

/** One forwarded core log line as the addon delivers it (fields still JSON text). */
export interface NativeLogRecord {
  level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  target: string;
  message: string;
  timestampMs: number;
  fieldsJson: string;
}

export interface NativeRuntimeOptions {
  logFilter?: string;
  workerHeartbeatIntervalMs?: number;
  logger?: (record: NativeLogRecord) => void;
  /** The SDK's default logger: any number of runtimes may share the log route with it. */
  loggerIsDefault?: boolean;
  /** Shape of `ResolvedMetricsOptions` (lib/core/options.ts). */
  metrics?: ResolvedMetricsOptions;
}

export type NativeWorkerState = 'running' | 'shutting-down' | 'finalizing' | 'finalized' | 'released';

export interface NativeWorker {
  readonly state: NativeWorkerState;
  validate(): Promise<void>;
  pollWorkflowActivation(): Promise<Buffer | null>;
  pollActivityTask(): Promise<Buffer | null>;
  completeWorkflowActivation(completion: Uint8Array): Promise<void>;
  completeActivityTask(completion: Uint8Array): Promise<void>;
  recordActivityHeartbeat(heartbeat: Uint8Array): void;
  requestWorkflowEviction(runId: string): void;
  initiateShutdown(): void;
  finalizeShutdown(): Promise<void>;
}

export interface NativeReplayer {
  readonly worker: NativeWorker;
  pushHistory(workflowId: string, history: Uint8Array): void;
  closeHistoryStream(): void;
}

export interface NativeRpcCallOptions extends RpcCallOptions {
  binaryMetadata?: Record<string, Uint8Array>;
}

export interface NativeConnection {
  rpcCall(service: ServiceName, rpc: string, request: Uint8Array, options?: NativeRpcCallOptions): Promise<Buffer>;
  updateMetadata(metadata: Record<string, string>): void;
  updateBinaryMetadata(metadata: Record<string, Uint8Array>): void;
  updateApiKey(apiKey: string | undefined): void;
  createWorker(options: WorkerOptions): NativeWorker;
  close(): void;
}

export interface NativeRuntime {
  connect(options: ConnectionOptions): Promise<NativeConnection>;
  createReplayer(options: ReplayerOptions): NativeReplayer;
  /** An id for `recordMetric`, or null when the runtime has no metrics exporter. */
  createMetric(kind: CoreMetricKind, name: string, unit: string, description: string): number | null;
  recordMetric(id: number, value: number, attributes?: CoreMetricAttributes): void;
  close(): void;
}

/** What `temporal_native.node` exports. */
export interface NativeAddon {
  /** Loads the C bridge library (once per path per process) and creates a core runtime. */
  createRuntime(libraryPath: string, options?: NativeRuntimeOptions): NativeRuntime;
  /** Every C bridge symbol the addon resolves from the library. */
  readonly entryPoints: readonly string[];
}

/** The candidate addon paths, in load order. */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates: string[] = [];
  if (env.TEMPORAL_NATIVE_ADDON) candidates.push(path.resolve(env.TEMPORAL_NATIVE_ADDON));
  candidates.push(path.join(PACKAGE_ROOT, 'prebuilds', `${process.platform}-${process.arch}`, 'temporal_native.node'));
  candidates.push(path.join(PACKAGE_ROOT, 'build', 'Release', 'temporal_native.node'));
  return candidates;
}

let loaded: NativeAddon | undefined;

/**
 * Loads the addon once per process (per JS environment).
 *
 * @throws CoreError naming every path tried when no addon can be loaded.
 * @example
 * ```ts
 * const addon = loadAddon();
 * console.log(addon.entryPoints.length);
 * ```
 */
export function loadAddon(): NativeAddon {
  if (loaded !== undefined) return loaded;
  const failures: string[] = [];
  for (const candidate of addonCandidates()) {
    if (!existsSync(candidate)) {
      failures.push(`${candidate} (missing)`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module: unknown = require(candidate);
      if (isNativeAddon(module)) {
        loaded = module;
        return module;
      }
      failures.push(`${candidate} (not the temporal-native addon)`);
    } catch (err) {
      failures.push(`${candidate} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  throw new CoreError(`The temporal-native addon could not be loaded; tried: ${failures.join('; ')}`);
}

function isNativeAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.createRuntime === 'function' && Array.isArray(candidate.entryPoints);
}
