import { builtinModules } from 'node:module';

/**
 * Node built-ins a workflow may import. They are served by small deterministic shims backed by the
 * sandbox's own globals, never by the host's modules.
 */
export const allowedBuiltinModules: readonly string[] = ['assert', 'url', 'util'];

/** Packages that only make sense on the host side of a worker and must never enter the sandbox. */
export const hostOnlyPackages: readonly string[] = [
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  '@temporalio/core-bridge',
  'temporal-native',
  'temporal-native/activity',
  'temporal-native/testing',
];

const builtins = new Set(builtinModules);

/** What the bundler should do with one bare import specifier. */
export type ModuleVerdict =
  | { kind: 'shim'; builtin: string }
  | { kind: 'ignored' }
  | { kind: 'disallowed' }
  | { kind: 'normal' };

/** True when `specifier` is `name` itself or a subpath of it (`fs/promises` matches `fs`). */
function matches(specifier: string, name: string): boolean {
  return specifier === name || specifier.startsWith(name + '/');
}

/**
 * Decides how a bare import specifier found in workflow code is handled. `ignoreModules` wins over
 * everything so that users can silence an import that is present but never executed.
 */
export function classifyImport(specifier: string, ignoreModules: readonly string[]): ModuleVerdict {
  const bare = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  if (ignoreModules.some((m) => matches(specifier, m) || matches(bare, m))) return { kind: 'ignored' };
  if (specifier.startsWith('node:') || builtins.has(bare) || builtins.has(bare.split('/')[0]!)) {
    return allowedBuiltinModules.includes(bare) ? { kind: 'shim', builtin: bare } : { kind: 'disallowed' };
  }
  // `temporal-native/workflow` is the one entry point of our package that belongs in workflows.
  if (specifier === 'temporal-native/workflow') return { kind: 'normal' };
  if (hostOnlyPackages.some((p) => matches(specifier, p))) return { kind: 'disallowed' };
  return { kind: 'normal' };
}

/**
 * Source of the shim served for an allowed built-in. Each shim reads the sandbox's globals, so a
 * workflow gets the per-context objects the sandbox installed rather than host singletons.
 */
export function shimSource(builtin: string): string {
  switch (builtin) {
    case 'assert':
      return 'module.exports = globalThis.assert;';
    case 'url':
      return 'module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };';
    case 'util':
      return 'module.exports = { TextEncoder: globalThis.TextEncoder, TextDecoder: globalThis.TextDecoder };';
    default:
      throw new RangeError(`No sandbox shim for built-in module '${builtin}'`);
  }
}
