/**
 * The core layer: the Temporal Rust core as bytes in, bytes out, on one of two backends.
 *
 * @example
 * ```ts
 * import { createRuntime } from './core';
 *
 * const runtime = await createRuntime({ logger: (r) => console.log(r.level, r.message) });
 * const connection = await runtime.connect({
 *   address: 'localhost:7233', identity: 'me@host', clientName: 'temporal-native', clientVersion: '0.1.0',
 * });
 * const response = await connection.rpcCall('workflow', 'GetSystemInfo', request);
 * await connection.close();
 * await runtime.close();
 * ```
 */
import { loadNativeBackend, resolveBackend, startBackend } from './backend';
import { neonPackageInstalled } from './neon';
import { validateRuntimeOptions } from './options';
import type { BackendName, CoreRuntime, RuntimeOptions } from './types';
import { validatedRuntime } from './validated';

/**
 * Creates a core runtime. The backend comes from `options.backend`, else `TEMPORAL_CORE_BACKEND`,
 * else `auto` (the `native` backend when the C bridge library is found, else `neon` when
 * `@temporalio/core-bridge` is installed, else a `CoreError` naming both).
 * Everything passed to the returned runtime and its objects is validated first: bad input is a
 * `TypeError` naming the field.
 *
 * @throws TypeError for a bad option; CoreError when the chosen backend cannot start.
 * @example
 * ```ts
 * const runtime = await createRuntime({ backend: 'neon' });
 * runtime.backend; // 'neon'
 * ```
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<CoreRuntime> {
  const validated = validateRuntimeOptions(options);
  const backend = await resolveBackend(validated);
  return validatedRuntime(await startBackend(backend, validated));
}

/**
 * Which backend `createRuntime(options)` would use, without starting it.
 *
 * @example
 * ```ts
 * if ((await selectBackend()) === 'native') console.log('using the C bridge library');
 * ```
 */
export async function selectBackend(options: RuntimeOptions = {}): Promise<BackendName> {
  return resolveBackend(validateRuntimeOptions(options));
}

/**
 * The backends that can run in this process: `native` when its module loads and finds the C bridge
 * library (`coreLibraryPath` is passed to its search); `neon` when `@temporalio/core-bridge` (an
 * optional peer dependency) is installed.
 *
 * @example
 * ```ts
 * for (const backend of await availableBackends()) await createRuntime({ backend });
 * ```
 */
export async function availableBackends(coreLibraryPath?: string): Promise<BackendName[]> {
  const backends: BackendName[] = neonPackageInstalled() ? ['neon'] : [];
  try {
    const native = await loadNativeBackend();
    if (native.findCoreLibrary(coreLibraryPath) !== undefined) backends.unshift('native');
  } catch {
    // The native backend is simply not available here.
  }
  return backends;
}

export { CoreError, WorkerStateError } from './errors';
export { normalizeAddress } from './address';
export { coreLibraryFileName, coreLibrarySearchDescription, prebuiltCoreLibraryPath } from './core-library';
export {
  DEFAULT_LOG_FILTER,
  DEFAULT_REPLAYER_OPTIONS,
  DEFAULT_WORKER_OPTIONS,
  validateBinaryMetadata,
  validateConnectionOptions,
  validateMetadata,
  validateReplayerOptions,
  validateRpcCall,
  validateRuntimeOptions,
  validateWorkerOptions,
  workerOptionsWithDefaults,
} from './options';
export type {
  ResolvedConnectionOptions,
  ResolvedReplayerOptions,
  ValidatedRpcCall,
  ValidatedRuntimeOptions,
  WorkerOptionsInput,
} from './options';
export type * from './types';
