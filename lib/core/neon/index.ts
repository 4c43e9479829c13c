/**
 * The `neon` backend: the prebuilt official Rust core inside `@temporalio/core-bridge`, driven
 * through that package's Neon functions.
 */
import type { ValidatedRuntimeOptions } from '../options';
import type { CoreRuntime } from '../types';
import { NeonRuntime } from './runtime';

/**
 * Creates a core runtime on the `neon` backend. Options must already be validated
 * (`validateRuntimeOptions`); `createRuntime` in `lib/core` does that.
 *
 * @example
 * ```ts
 * const runtime = createNeonRuntime(validateRuntimeOptions({ logger: console.log }));
 * ```
 */
export function createNeonRuntime(options: ValidatedRuntimeOptions): CoreRuntime {
  return NeonRuntime.create(options);
}
