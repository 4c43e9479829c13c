import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { BundleCache, defaultCacheDir, digest, type BundleInput } from './bundle-cache';
import { bundleGlobalName, converterProxySource, joinParts, payloadConverterModule, runtimeEntrySource, userEntrySource, userGlobalName } from './entry';
import { DisallowedModuleError, WorkflowBundleError, type DisallowedImport } from './errors';
import { classifyImport, shimSource } from './module-policy';
import type { BundleOptions, WorkflowBundle } from './types';
import { checkOptionKeys, optionalFunction } from '../../../common/options-validation';
import { isLogger, type Logger } from '../../logger';

/** Bumped whenever the shape of the generated bundle changes, to invalidate old cache records. */
const BUNDLE_FORMAT = 4;

const caches = new Map<string, BundleCache>();

function cacheFor(dir: string | undefined): BundleCache {
  const key = dir ?? '';
  let cache = caches.get(key);
  if (!cache) caches.set(key, (cache = new BundleCache(dir)));
  return cache;
}

interface NormalizedOptions {
  workflowsPath: string;
  interceptorModules: string[];
  payloadConverterPath?: string;
  failureConverterPath?: string;
  ignoreModules: string[];
  cacheDir: string | undefined;
  esbuildConfigHook: BundleOptions['esbuildConfigHook'];
  logger: Logger | undefined;
}

const BUNDLE_OPTION_KEYS = {
  kind: 'bundleWorkflowCode option',
  supported: ['workflowsPath', 'workflowInterceptorModules', 'payloadConverterPath', 'failureConverterPath', 'ignoreModules', 'cacheDir', 'esbuildConfigHook', 'logger'],
  unsupported: {
    webpackConfigHook: 'the workflow bundler is esbuild, not webpack: use esbuildConfigHook (it receives and returns esbuild build options)',
    preloadModules: 'each workflow execution gets its own instances of the workflow modules, so there is nothing shared to preload; remove it',
  },
};

function existingPath(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new WorkflowBundleError(`'${field}' must be a non-empty path string`, field);
  }
  const absolute = resolve(value);
  if (!existsSync(absolute)) throw new WorkflowBundleError(`'${field}' does not exist: ${absolute}`, field);
  return absolute;
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new WorkflowBundleError(`'${field}' must be an array of non-empty strings`, field);
  }
  return value;
}

function normalize(options: BundleOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new WorkflowBundleError('bundleWorkflowCode expects an options object', 'options');
  }
  checkOptionKeys(options as unknown as Record<string, unknown>, BUNDLE_OPTION_KEYS);
  const esbuildConfigHook = optionalFunction<NonNullable<BundleOptions['esbuildConfigHook']>>(options.esbuildConfigHook, 'esbuildConfigHook');
  if (options.logger !== undefined && !isLogger(options.logger)) {
    throw new WorkflowBundleError(`'logger' must implement log, trace, debug, info, warn and error`, 'logger');
  }
  const workflowsPath = existingPath(options.workflowsPath, 'workflowsPath');
  if (statSync(workflowsPath).isDirectory() && !['index.ts', 'index.js', 'index.mts', 'index.mjs', 'index.cjs', 'index.cts'].some((f) => existsSync(join(workflowsPath, f)))) {
    throw new WorkflowBundleError(`'workflowsPath' is a folder without an index file: ${workflowsPath}`, 'workflowsPath');
  }
  // Interceptor modules may be package names; only path-like entries are resolved against the cwd.
  const interceptorModules = stringList(options.workflowInterceptorModules, 'workflowInterceptorModules').map((m) =>
    m.startsWith('.') || isAbsolute(m) ? existingPath(m, 'workflowInterceptorModules') : m,
  );
  const cacheDir = options.cacheDir;
  if (cacheDir !== undefined && cacheDir !== false && typeof cacheDir !== 'string') {
    throw new WorkflowBundleError(`'cacheDir' must be a path string or false`, 'cacheDir');
  }
  return {
    workflowsPath,
    interceptorModules,
    payloadConverterPath:
      options.payloadConverterPath === undefined ? undefined : existingPath(options.payloadConverterPath, 'payloadConverterPath'),
    failureConverterPath:
      options.failureConverterPath === undefined ? undefined : existingPath(options.failureConverterPath, 'failureConverterPath'),
    ignoreModules: stringList(options.ignoreModules, 'ignoreModules'),
    cacheDir: cacheDir === false ? undefined : resolve(cacheDir ?? defaultCacheDir()),
    esbuildConfigHook,
    logger: options.logger,
  };
}

/**
 * The folder from which `@temporalio/*` runtime packages are resolved for the whole bundle: the
 * user's own install when it has one (so their types and runtime agree), else ours. Every import of
 * those packages is pinned there so the bundle never carries two copies of the workflow runtime.
 */
function runtimeResolveDir(userDir: string): string {
  for (const paths of [[userDir], [__dirname]]) {
    try {
      return dirname(require.resolve('@temporalio/workflow/package.json', { paths }));
    } catch {
      // try the next candidate
    }
  }
  throw new WorkflowBundleError('Cannot resolve @temporalio/workflow from the workflows folder or from temporal-native', 'workflowsPath');
}

/** Our own `temporal-native/workflow` module, as TS source (tests, ts-node) or compiled JS (dist). */
function ownWorkflowModule(): string {
  const base = resolve(__dirname, '..', '..', '..', 'workflow', 'index');
  for (const ext of ['.js', '.ts']) if (existsSync(base + ext)) return base + ext;
  throw new WorkflowBundleError(`temporal-native/workflow module not found next to the bundler (${base})`, 'workflowsPath');
}

function packageVersion(pkgJson: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(pkgJson, 'utf8'));
  } catch {
    return 'unknown';
  }
  return typeof parsed === 'object' && parsed !== null && typeof (parsed as { version?: unknown }).version === 'string'
    ? (parsed as { version: string }).version
    : 'unknown';
}

/** The nearest tsconfig.json above the workflows: its `paths` and settings steer resolution. */
function nearestTsconfig(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function optionsKey(o: NormalizedOptions, runtimeDir: string): string {
  return JSON.stringify({
    format: BUNDLE_FORMAT,
    temporalNative: packageVersion(resolve(__dirname, '..', '..', '..', '..', 'package.json')),
    esbuild: esbuild.version,
    workflowRuntime: packageVersion(join(runtimeDir, 'package.json')),
    runtimeDir,
    workflowsPath: o.workflowsPath,
    interceptorModules: o.interceptorModules,
    payloadConverterPath: o.payloadConverterPath ?? null,
    failureConverterPath: o.failureConverterPath ?? null,
    ignoreModules: [...o.ignoreModules].sort(),
  });
}

function userDirOf(o: NormalizedOptions): string {
  return statSync(o.workflowsPath).isDirectory() ? o.workflowsPath : dirname(o.workflowsPath);
}

const sharedRuntimePackage = /^@temporalio\/(workflow|common|proto)(\/|$)/;

/** `.../@temporalio/interceptors-opentelemetry(-v2)/{src,lib}/workflow` and the contrib equivalent. */
const otelWorkflowDir = /[\\/](?:@temporalio|contrib)[\\/]interceptors-opentelemetry(?:-v2)?[\\/](?:src|lib)[\\/]workflow$/;

/**
 * The esbuild plugin enforcing the sandbox's module policy and wiring the runtime's virtual
 * modules. With `shared` set (the user build), runtime packages are left external and recorded:
 * the runtime build provides them once per realm.
 */
function sandboxModulesPlugin(
  o: NormalizedOptions,
  runtimeDir: string,
  violations: DisallowedImport[],
  shared: Set<string> | undefined,
): esbuild.Plugin {
  const pinned = { pinned: true };
  return {
    name: 'temporal-native-workflow-modules',
    setup(build) {
      build.onResolve({ filter: /^__temporal_custom_(payload|failure)_converter$/ }, (args) => {
        const path = args.path === payloadConverterModule ? o.payloadConverterPath : o.failureConverterPath;
        if (path === undefined) return { path: args.path, namespace: 'temporal-empty' };
        // The runtime reads the converter from the user part, where it shares module instances with the workflows.
        return shared === undefined ? { path: args.path, namespace: 'temporal-user-converter' } : { path };
      });
      build.onLoad({ filter: /.*/, namespace: 'temporal-user-converter' }, (args) => ({
        contents: converterProxySource(args.path === payloadConverterModule ? 'payloadConverter' : 'failureConverter'),
        loader: 'js',
      }));
      // The OpenTelemetry interceptor packages reach `@temporalio/workflow` through a stub module
      // that throws outside a workflow; a workflow bundle gets the module that re-exports the real
      // functions instead (the official bundler does the same with a module replacement).
      build.onResolve({ filter: /^\.\/workflow-imports(\.js)?$/ }, (args) => {
        if (!otelWorkflowDir.test(args.resolveDir)) return undefined;
        const js = join(args.resolveDir, 'workflow-imports-impl.js');
        return { path: existsSync(js) ? js : join(args.resolveDir, 'workflow-imports-impl.ts') };
      });
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === pinned) return undefined;
        const verdict = classifyImport(args.path, o.ignoreModules);
        switch (verdict.kind) {
          case 'shim':
            return { path: verdict.builtin, namespace: 'temporal-shim' };
          case 'ignored':
            return { path: args.path, namespace: 'temporal-empty' };
          case 'disallowed':
            violations.push({ module: args.path, importer: args.importer || o.workflowsPath });
            return { errors: [{ text: `Disallowed import '${args.path}' in workflow code` }] };
          case 'normal':
            break;
        }
        if (args.path === 'temporal-native/workflow') return { path: ownWorkflowModule() };
        if (sharedRuntimePackage.test(args.path)) {
          if (shared) {
            shared.add(args.path);
            // esbuild keeps `import()` of an external as a real dynamic import, which a vm script
            // cannot perform: route it through a module that `require`s the shared one instead.
            if (args.kind === 'dynamic-import') return { path: args.path, namespace: 'temporal-shared' };
            return { path: args.path, external: true };
          }
          const result = await build.resolve(args.path, { kind: args.kind, resolveDir: runtimeDir, pluginData: pinned });
          return result.errors.length > 0 ? { errors: result.errors } : { path: result.path, sideEffects: result.sideEffects };
        }
        return undefined;
      });
      // `require(/* webpackIgnore: true */ 'fs')` is a require the official (webpack) bundler leaves
      // out of the bundle, to fail at run time inside a guard (protobufjs probes for `fs` so).
      // The bundle gets the same: a call that throws, which the guard catches.
      build.onLoad({ filter: /\.(c|m)?js$/ }, async (args) => {
        if (args.namespace !== 'file') return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('webpackIgnore')) return undefined;
        return { contents: withoutIgnoredRequires(source), loader: 'js', resolveDir: dirname(args.path) };
      });
      build.onLoad({ filter: /.*/, namespace: 'temporal-shim' }, (args) => ({ contents: shimSource(args.path), loader: 'js' }));
      build.onLoad({ filter: /.*/, namespace: 'temporal-shared' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
        resolveDir: userDirOf(o),
      }));
      build.onLoad({ filter: /.*/, namespace: 'temporal-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

const ignoredRequire = /\brequire\(\s*\/\*\s*webpackIgnore:\s*true\s*\*\/\s*(['"])([^'"]+)\1\s*\)/g;

/** Every `require(/* webpackIgnore: true *\/ 'x')` replaced by a call that throws "Cannot find module 'x'". */
export function withoutIgnoredRequires(source: string): string {
  return source.replace(
    ignoredRequire,
    (_match, _quote: string, specifier: string) =>
      `(function () { throw new Error(${JSON.stringify(`Cannot find module '${specifier}' (left out of the workflow bundle by webpackIgnore)`)}); })()`,
  );
}

/**
 * `require.resolve(...)` in a file that workflows and host code share: the host resolves a path, the
 * sandbox has no module system to resolve in. It gets the specifier back, as a value that
 * workflows never act on.
 */
const requireResolveBanner = 'var __temporal_require_resolve = function (specifier) { return specifier; };';

/** Makes source paths absolute so stack traces name the user's files wherever the worker runs. */
function absoluteSourceMap(map: string, outDir: string): Record<string, unknown> {
  const parsed = JSON.parse(map) as { sources: string[]; sourceRoot?: string };
  parsed.sources = parsed.sources.map((s) => (s.includes(':') && !isAbsolute(s) ? s : resolve(outDir, s)));
  delete parsed.sourceRoot;
  return parsed;
}

interface PartResult {
  code: string;
  map?: Record<string, unknown>;
  inputs: string[];
}

async function buildPart(
  o: NormalizedOptions,
  runtimeDir: string,
  userDir: string,
  part: { entry: string; name: string; globalName: string; shared?: Set<string> },
): Promise<PartResult> {
  const violations: DisallowedImport[] = [];
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  const base: esbuild.BuildOptions & { write: false; metafile: true } = {
      stdin: { contents: part.entry, resolveDir: userDir, sourcefile: part.name, loader: 'js' },
      absWorkingDir: userDir,
      outfile: join(userDir, `${part.name}.bundle.js`),
      write: false,
      metafile: true,
      bundle: true,
      format: 'iife',
      globalName: part.globalName,
      // The browser platform, as the official (webpack, web target) bundler resolves: package.json
      // `browser` maps apply (OpenTelemetry maps its Node platform files, which import perf_hooks,
      // os and fs, to browser ones) and 'browser' is the first main field.
      platform: 'browser',
      mainFields: ['browser', 'main', 'module'],
      conditions: ['require', 'default'],
      resolveExtensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'],
      target: 'es2022',
      // Keeps `constructor.name` of user error classes intact: failure type names are built from it.
      keepNames: true,
      sourcemap: 'external',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [sandboxModulesPlugin(o, runtimeDir, violations, part.shared)],
      define: { 'require.resolve': '__temporal_require_resolve' },
      banner: { js: requireResolveBanner },
  };
  try {
    result = await esbuild.build(part.shared !== undefined && o.esbuildConfigHook !== undefined ? hooked(o.esbuildConfigHook, base) : base);
  } catch (error) {
    if (violations.length > 0) throw new DisallowedModuleError(violations);
    const messages = (error as { errors?: esbuild.Message[] }).errors;
    const detail = messages?.length
      ? messages.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join('\n')
      : String(error);
    throw new WorkflowBundleError(`Failed to bundle workflow code:\n${detail}`, undefined, { cause: error });
  }
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (!code) throw new WorkflowBundleError('esbuild produced no script for the workflow bundle');
  // Only real files are inputs; shims, empty modules and the generated entries live elsewhere.
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !/^[a-z-]+:/.test(p) && p !== part.name)
    .map((p) => resolve(userDir, p));
  return {
    code: code.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'),
    map: map ? absoluteSourceMap(map.text, userDir) : undefined,
    inputs,
  };
}

/**
 * The user's `esbuildConfigHook` applied to the options of the user part. What the bundle relies on
 * (one script in memory, the sandbox's module policy, the global the runtime reads) is kept: the
 * hook adds to the build, it cannot turn it into another kind of build.
 */
function hooked(
  hook: NonNullable<BundleOptions['esbuildConfigHook']>,
  base: esbuild.BuildOptions & { write: false; metafile: true },
): esbuild.BuildOptions & { write: false; metafile: true } {
  let changed: unknown;
  try {
    changed = hook({ ...base, plugins: [...(base.plugins ?? [])] });
  } catch (error) {
    throw new WorkflowBundleError(`esbuildConfigHook threw: ${error instanceof Error ? error.message : String(error)}`, 'esbuildConfigHook', { cause: error });
  }
  if (changed === null || typeof changed !== 'object') {
    throw new WorkflowBundleError('esbuildConfigHook must return the esbuild build options', 'esbuildConfigHook');
  }
  const c = changed as esbuild.BuildOptions;
  const ownPlugin = base.plugins![0]!;
  const userPlugins = (c.plugins ?? []).filter((p) => p !== ownPlugin);
  return {
    ...c,
    // User plugins run first so they can resolve and load their own files; ours still sees the rest.
    plugins: [...userPlugins, ownPlugin],
    stdin: base.stdin,
    outfile: base.outfile,
    write: false,
    metafile: true,
    bundle: true,
    format: base.format,
    globalName: base.globalName,
    sourcemap: base.sourcemap,
    define: { ...c.define, ...base.define },
    banner: base.banner,
  };
}

/**
 * Two builds, one script: the user part first (to learn which runtime modules it imports), then
 * the runtime part providing exactly those. The source map is an index map with one section each.
 */
async function build(o: NormalizedOptions, runtimeDir: string): Promise<{ bundle: Omit<WorkflowBundle, 'hash'>; inputs: string[] }> {
  const userDir = statSync(o.workflowsPath).isDirectory() ? o.workflowsPath : dirname(o.workflowsPath);
  const shared = new Set<string>(['@temporalio/workflow']);
  const user = await buildPart(o, runtimeDir, userDir, {
    entry: userEntrySource(o.workflowsPath, o.interceptorModules, { payloadConverterPath: o.payloadConverterPath, failureConverterPath: o.failureConverterPath }),
    name: 'temporal-native-user-entry.js',
    globalName: userGlobalName,
    shared,
  });
  const runtime = await buildPart(o, runtimeDir, userDir, {
    entry: runtimeEntrySource([...shared].sort()),
    name: 'temporal-native-runtime-entry.js',
    globalName: bundleGlobalName,
  });
  const { code, userLineOffset } = joinParts(runtime.code, user.code);
  const sourceMap =
    runtime.map && user.map
      ? JSON.stringify({
          version: 3,
          sections: [
            { offset: { line: 0, column: 0 }, map: runtime.map },
            { offset: { line: userLineOffset, column: 0 }, map: user.map },
          ],
        })
      : undefined;
  const tsconfig = nearestTsconfig(userDir);
  return { bundle: { code, sourceMap }, inputs: [...new Set([...user.inputs, ...runtime.inputs, ...(tsconfig ? [tsconfig] : [])])] };
}

/**
 * Bundles workflow code, its imports, the `@temporalio/workflow` runtime, interceptor modules and
 * optional converters into one script for the workflow sandbox.
 *
 * The result is cached by content: the hash covers every input file and every option, so a second
 * worker start with unchanged code skips esbuild entirely (memory first, then disk).
 *
 * @throws {DisallowedModuleError} when workflow code imports Node built-ins or host-only packages.
 * @throws {WorkflowBundleError} when an option is wrong (its `field` says which) or the build fails.
 *
 * @example
 * ```ts
 * const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows') });
 * await Worker.create({ connection, taskQueue: 'orders', workflowBundle: bundle });
 * ```
 */
export async function bundleWorkflowCode(options: BundleOptions): Promise<WorkflowBundle> {
  const o = normalize(options);
  const runtimeDir = runtimeResolveDir(statSync(o.workflowsPath).isDirectory() ? o.workflowsPath : dirname(o.workflowsPath));
  const key = optionsKey(o, runtimeDir);
  // A hook is a function: nothing in the key could tell two hooks apart, so its builds are not cached.
  const cache = o.esbuildConfigHook === undefined ? cacheFor(o.cacheDir) : undefined;
  const hit = cache?.get(key);
  if (hit) {
    o.logger?.debug('Workflow bundle loaded from the cache', { workflowsPath: o.workflowsPath, source: hit.source });
    return hit.record.bundle;
  }
  const started = Date.now();
  const { bundle, inputs } = await build(o, runtimeDir);
  const inputDigests: BundleInput[] = inputs.map((path) => ({ path, digest: digest(readFileSync(path)) }));
  const hash = digest(key + '\n' + inputDigests.map((i) => `${i.path}\0${i.digest}`).join('\n'));
  const full: WorkflowBundle = { ...bundle, hash };
  cache?.set(key, { inputs: inputDigests, bundle: full });
  o.logger?.info('Workflow bundle created', { workflowsPath: o.workflowsPath, sizeBytes: Buffer.byteLength(full.code), tookMs: Date.now() - started });
  return full;
}

/** Where a bundle came from on the last lookup; exposed for tests and startup diagnostics. */
export function bundleCacheLookup(options: BundleOptions): 'memory' | 'disk' | undefined {
  const o = normalize(options);
  const runtimeDir = runtimeResolveDir(statSync(o.workflowsPath).isDirectory() ? o.workflowsPath : dirname(o.workflowsPath));
  return cacheFor(o.cacheDir).get(optionsKey(o, runtimeDir))?.source;
}
