/**
 * The `neon` backend: the prebuilt official Rust core inside `@temporalio/core-bridge`, driven
 * through that package's Neon functions.
 */
import type { BackendRuntime, ValidatedRuntimeOptions } from '../options';
import { NeonRuntime } from './runtime';

export { neonPackageInstalled, NEON_PACKAGE } from './bridge';

/**
 * Creates a core runtime on the `neon` backend. Options must already be validated
 * (`validateRuntimeOptions`); `createRuntime` in `lib/core` does that.
 *
 * @example
 * ```ts
 * const runtime = createNeonRuntime(validateRuntimeOptions({ logger: console.log }));
 * ```
 */
export function createNeonRuntime(options: ValidatedRuntimeOptions): BackendRuntime {
  return NeonRuntime.create(options);
}
