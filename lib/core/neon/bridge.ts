/**
 * Loads the prebuilt official core that ships inside `@temporalio/core-bridge` (a Neon addon).
 *
 * Loaded on first use only, so that picking the `native` backend never pays for (or depends on)
 * the Neon binary.
 */
import type { native as NeonNative } from '@temporalio/core-bridge';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../core-library';
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

/** The package the neon backend drives: an optional peer dependency of temporal-native. */
export const NEON_PACKAGE = '@temporalio/core-bridge';

/**
 * Whether `@temporalio/core-bridge` can be resolved from this package (it is an optional peer
 * dependency: installed in a development clone, absent from a plain install of temporal-native).
 *
 * @example
 * ```ts
 * if (!neonPackageInstalled()) console.log('only the native backend can run here');
 * ```
 */
export function neonPackageInstalled(): boolean {
  try {
    require.resolve(`${NEON_PACKAGE}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** The version of the package the SDK was built against (the peer dependency's range). */
function pinnedNeonVersion(): string | undefined {
  try {
    const pkg = require(path.join(PACKAGE_ROOT, 'package.json')) as { peerDependencies?: Record<string, string> };
    return pkg.peerDependencies?.[NEON_PACKAGE];
  } catch {
    return undefined;
  }
}

/**
 * Returns the Neon addon's function table, loading it once.
 *
 * @throws CoreError naming `@temporalio/core-bridge` when the package is not installed, or when it
 * or its binary for this platform cannot be loaded.
 * @example
 * ```ts
 * const neon = loadNeonApi();
 * const runtime = neon.newRuntime(options);
 * ```
 */
export function loadNeonApi(): NeonApi {
  if (api === undefined) {
    if (!neonPackageInstalled()) {
      const version = pinnedNeonVersion();
      throw new CoreError(
        `The neon backend needs ${NEON_PACKAGE}, an optional peer dependency of temporal-native that is not installed; ` +
          `install it (npm install ${NEON_PACKAGE}${version === undefined ? '' : `@${version}`}) or use the native backend`,
      );
    }
    try {
      // The package's index wraps every native function so that its named errors become classes
      // (ServiceError with grpc Metadata, ShutdownError, ...); we classify them by name.
      api = (require(NEON_PACKAGE) as { native: NeonApi }).native;
    } catch (err) {
      throw new CoreError(
        `The neon backend could not load ${NEON_PACKAGE} (${err instanceof Error ? err.message : String(err)}); ` +
          'install it for this platform or use the native backend',
        { cause: err },
      );
    }
  }
  return api;
}
