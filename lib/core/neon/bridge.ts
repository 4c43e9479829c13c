/**
 * Loads the prebuilt official core that ships inside `@temporalio/core-bridge` (a Neon addon).
 *
 * Loaded on first use only, so that picking the `native` backend never pays for (or depends on)
 * the Neon binary.
 */
import type { native as NeonNative } from '@temporalio/core-bridge';
import { CoreError } from '../errors';

/** The Neon addon's functions, typed by the package's own declarations. */
export type NeonApi = typeof NeonNative;
export type NeonRuntimeHandle = NeonNative.Runtime;
export type NeonClientHandle = NeonNative.Client;
export type NeonWorkerHandle = NeonNative.Worker;
export type NeonHistoryPusher = NeonNative.HistoryPusher;
export type NeonWorkerOptions = NeonNative.WorkerOptions;
export type NeonClientOptions = NeonNative.ClientOptions;
export type NeonRuntimeOptions = NeonNative.RuntimeOptions;
export type NeonMetadataValue = NeonNative.MetadataValue;
export type NeonRpcCall = NeonNative.RpcCall;

let api: NeonApi | undefined;

/**
 * Returns the Neon addon's function table, loading it once.
 *
 * @throws CoreError when the package or its binary for this platform cannot be loaded.
 * @example
 * ```ts
 * const neon = loadNeonApi();
 * const runtime = neon.newRuntime(options);
 * ```
 */
export function loadNeonApi(): NeonApi {
  if (api === undefined) {
    try {
      // The package's index wraps every native function so that its named errors become classes
      // (ServiceError with grpc Metadata, ShutdownError, ...); we classify them by name.
      api = (require('@temporalio/core-bridge') as { native: NeonApi }).native;
    } catch (err) {
      throw new CoreError(
        `The neon backend could not load @temporalio/core-bridge (${err instanceof Error ? err.message : String(err)}); ` +
          'install it for this platform or use the native backend',
        { cause: err },
      );
    }
  }
  return api;
}
