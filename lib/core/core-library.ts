/**
 * Where the C bridge library (`libtemporalio_sdk_core_c_bridge`) is expected, in the order the
 * native backend searches: explicit option, `TEMPORAL_CORE_LIBRARY`, the package's prebuilt folder.
 * `scripts/build-core` writes to that prebuilt folder.
 */
import * as path from 'node:path';

/** Root of this package: two levels above `lib/core` (sources) or `dist/core` (compiled). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/** File name of the C bridge library on this platform. */
export function coreLibraryFileName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'temporalio_sdk_core_c_bridge.dll';
  return `libtemporalio_sdk_core_c_bridge.${platform === 'darwin' ? 'dylib' : 'so'}`;
}

/** `prebuilds/core/<platform>-<arch>/<library>` inside this package. */
export function prebuiltCoreLibraryPath(): string {
  return path.join(PACKAGE_ROOT, 'prebuilds', 'core', `${process.platform}-${process.arch}`, coreLibraryFileName());
}

/**
 * The places searched for the library, in order, described for an error message.
 *
 * @example
 * ```ts
 * coreLibrarySearchDescription(undefined);
 * // 'TEMPORAL_CORE_LIBRARY (unset), /app/node_modules/temporal-native/prebuilds/core/linux-x64/libtemporalio_sdk_core_c_bridge.so'
 * ```
 */
export function coreLibrarySearchDescription(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const places: string[] = [];
  if (explicitPath !== undefined) places.push(`coreLibraryPath ${explicitPath}`);
  const fromEnv = env.TEMPORAL_CORE_LIBRARY;
  places.push(fromEnv ? `TEMPORAL_CORE_LIBRARY ${fromEnv}` : 'TEMPORAL_CORE_LIBRARY (unset)');
  places.push(prebuiltCoreLibraryPath());
  return places.join(', ');
}
