/**
 * Chooses and starts the backend behind `createRuntime`: `native` (our addon over the C bridge
 * library) or `neon` (the prebuilt core inside `@temporalio/core-bridge`).
 */
import { coreLibrarySearchDescription } from './core-library';
import { CoreError } from './errors';
import { createNeonRuntime, NEON_PACKAGE, neonPackageInstalled } from './neon';
import type { BackendRuntime, ValidatedRuntimeOptions } from './options';
import type { BackendName } from './types';

/** What `lib/core/native/index.ts` provides. */
export interface NativeBackendModule {
  findCoreLibrary(explicitPath?: string): string | undefined;
  createNativeRuntime(options: ValidatedRuntimeOptions): Promise<BackendRuntime>;
}

// A variable specifier keeps the compiler from resolving the module statically, so the core layer
// builds and runs (on `neon`) in a checkout or install where the native backend is absent.
const NATIVE_BACKEND_MODULE = './native/index.js';

let nativeModule: Promise<NativeBackendModule> | undefined;

/**
 * Loads the native backend's module once. Rejects with `CoreError` when it is missing or does not
 * export `findCoreLibrary` and `createNativeRuntime`.
 */
export function loadNativeBackend(): Promise<NativeBackendModule> {
  nativeModule ??= importNative().catch((err: unknown) => {
    nativeModule = undefined;
    throw err;
  });
  return nativeModule;
}

async function importNative(): Promise<NativeBackendModule> {
  let loaded: unknown;
  try {
    loaded = await import(NATIVE_BACKEND_MODULE);
  } catch (err) {
    throw new CoreError(
      `The native backend could not be loaded (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
  const candidates = [loaded, (loaded as { default?: unknown } | null)?.default];
  for (const candidate of candidates) {
    if (isNativeBackendModule(candidate)) return candidate;
  }
  throw new CoreError('The native backend module does not export findCoreLibrary and createNativeRuntime');
}

function isNativeBackendModule(value: unknown): value is NativeBackendModule {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.findCoreLibrary === 'function' && typeof m.createNativeRuntime === 'function';
}

/**
 * Resolves `auto` to a concrete backend: `native` when its module loads and finds the C bridge
 * library, else `neon` when `@temporalio/core-bridge` (its optional peer dependency) is installed.
 * An explicit choice is returned as is.
 *
 * @throws CoreError for `auto` when neither backend can run here, naming what each one lacks.
 */
export async function resolveBackend(options: ValidatedRuntimeOptions): Promise<BackendName> {
  if (options.backend !== 'auto') return options.backend;
  let nativeProblem: string;
  try {
    const native = await loadNativeBackend();
    if (native.findCoreLibrary(options.coreLibraryPath) !== undefined) return 'native';
    nativeProblem = `the native backend found no libtemporalio_sdk_core_c_bridge (looked at: ${coreLibrarySearchDescription(options.coreLibraryPath)})`;
  } catch (err) {
    nativeProblem = `the native backend could not be loaded (${err instanceof Error ? err.message : String(err)})`;
  }
  if (neonPackageInstalled()) return 'neon';
  throw new CoreError(
    `No core backend can run here: ${nativeProblem}, and the neon backend needs ${NEON_PACKAGE}, which is not installed; ` +
      `set TEMPORAL_CORE_LIBRARY to a C bridge library (npm run build-core builds one) or install ${NEON_PACKAGE}`,
  );
}

/** Starts the runtime of the chosen backend. */
export async function startBackend(backend: BackendName, options: ValidatedRuntimeOptions): Promise<BackendRuntime> {
  if (backend === 'neon') return createNeonRuntime(options);

  const native = await loadNativeBackend();
  if (native.findCoreLibrary(options.coreLibraryPath) === undefined) {
    throw new CoreError(
      `The native backend needs libtemporalio_sdk_core_c_bridge and it was not found; looked at: ` +
        `${coreLibrarySearchDescription(options.coreLibraryPath)}. Run scripts/build-core, set TEMPORAL_CORE_LIBRARY, ` +
        'or use the neon backend',
    );
  }
  return native.createNativeRuntime(options);
}
