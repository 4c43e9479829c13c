/**
 * Where the C bridge library (`libtemporalio_sdk_core_c_bridge`) is expected, in the order the
 * native backend searches:
 *
 * 1. the explicit `coreLibraryPath` option (when given, the only place looked at);
 * 2. the `TEMPORAL_CORE_LIBRARY` environment variable;
 * 3. the package's own library ({@link prebuiltCoreLibraryPath}):
 *    `prebuilds/core/<platform>-<arch>/` in a development clone (where `scripts/build-core` installs
 *    it), else `prebuilds/<platform>-<arch>/` next to the prebuilt addon (where `npm run prebuild`
 *    stages it for the published tarball: the only one an installed package has).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Root of this package: two levels above `lib/core` (sources) or `dist/core` (compiled). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/** File name of the C bridge library on this platform. */
export function coreLibraryFileName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'temporalio_sdk_core_c_bridge.dll';
  return `libtemporalio_sdk_core_c_bridge.${platform === 'darwin' ? 'dylib' : 'so'}`;
}

/**
 * The package's own library locations, in search order: the development build
 * (`prebuilds/core/<platform>-<arch>/`, written by `scripts/build-core`), then the packed product
 * (`prebuilds/<platform>-<arch>/`, staged by `npm run prebuild` and shipped in the tarball).
 */
export function packageCoreLibraryPaths(): string[] {
  const platformDir = `${process.platform}-${process.arch}`;
  return [
    path.join(PACKAGE_ROOT, 'prebuilds', 'core', platformDir, coreLibraryFileName()),
    path.join(PACKAGE_ROOT, 'prebuilds', platformDir, coreLibraryFileName()),
  ];
}

/**
 * The package's own library: the first of {@link packageCoreLibraryPaths} that exists, else the
 * packed product's path (`prebuilds/<platform>-<arch>/<library>`), where an installed package has it.
 *
 * @example
 * ```ts
 * prebuiltCoreLibraryPath();
 * // '/app/node_modules/temporal-native/prebuilds/linux-x64/libtemporalio_sdk_core_c_bridge.so'
 * ```
 */
export function prebuiltCoreLibraryPath(): string {
  const candidates = packageCoreLibraryPaths();
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[candidates.length - 1];
}

/**
 * The places searched for the library, in order, described for an error message.
 *
 * @example
 * ```ts
 * coreLibrarySearchDescription(undefined);
 * // 'TEMPORAL_CORE_LIBRARY (unset), /app/node_modules/temporal-native/prebuilds/core/linux-x64/libtemporalio_sdk_core_c_bridge.so,
 * //  /app/node_modules/temporal-native/prebuilds/linux-x64/libtemporalio_sdk_core_c_bridge.so'
 * ```
 */
export function coreLibrarySearchDescription(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicitPath !== undefined) return `coreLibraryPath ${explicitPath}`;
  const places: string[] = [];
  const fromEnv = env.TEMPORAL_CORE_LIBRARY;
  places.push(fromEnv ? `TEMPORAL_CORE_LIBRARY ${fromEnv}` : 'TEMPORAL_CORE_LIBRARY (unset)');
  places.push(...packageCoreLibraryPaths());
  return places.join(', ');
}
