/**
 * Finding the C bridge library for the native backend: explicit path, then
 * `TEMPORAL_CORE_LIBRARY`, then the package's `prebuilds/core/<platform>-<arch>/` folder.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { prebuiltCoreLibraryPath } from '../core-library';

/**
 * The first existing library in lookup order, as an absolute path; `undefined` when none exists.
 * An explicit path is authoritative: when given, it is the only place looked at, so a typo never
 * silently loads a different library.
 *
 * @example
 * ```ts
 * findCoreLibrary();                      // TEMPORAL_CORE_LIBRARY or the prebuilt, if present
 * findCoreLibrary('/opt/lib/libtemporalio_sdk_core_c_bridge.so');
 * ```
 */
export function findCoreLibrary(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicitPath !== undefined) return existsSync(explicitPath) ? path.resolve(explicitPath) : undefined;
  const candidates = [env.TEMPORAL_CORE_LIBRARY || undefined, prebuiltCoreLibraryPath()];
  for (const candidate of candidates) {
    if (candidate !== undefined && existsSync(candidate)) return path.resolve(candidate);
  }
  return undefined;
}
