/**
 * Options of the replay functions: validation (an `InvalidOptionError` naming the field) and loading or
 * building the workflow bundle.
 */
import { readFile } from 'node:fs/promises';
import type { CoreRuntime } from '../../core/types';
import type { PayloadCodec } from '../../converter/types';
import { ConsoleLogger, isLogger, type Logger } from '../logger';
import { bundleWorkflowCode } from '../workflow/bundler';
import { InvalidOptionError, checkedOptions } from '../../common/options-validation';
import { compileBundlerOptions, compileSinks, type BundlerOptions } from '../options';
import type { InjectedSinks } from '../workflow/sinks';

/**
 * What to replay histories against.
 *
 * @example
 * ```ts
 * const options: ReplayWorkerOptions = { workflowsPath: require.resolve('./workflows') };
 * ```
 */
export interface ReplayWorkerOptions {
  /** A module exporting the workflow functions; bundled (and cached by content) before replaying. */
  workflowsPath?: string;
  /** A bundle made ahead of time by `bundleWorkflowCode`: its code, or a file holding the code. */
  workflowBundle?: { code: string; sourceMap?: string } | { codePath: string; sourceMapPath?: string };
  /**
   * Converters used inside the workflow sandbox (by module path, as for `bundleWorkflowCode`) and
   * codecs applied on the host, the same as the worker that recorded the histories.
   */
  dataConverter?: {
    payloadConverterPath?: string;
    failureConverterPath?: string;
    payloadCodecs?: PayloadCodec[];
  };
  /** Workflow interceptor modules, bundled with `workflowsPath`. */
  interceptors?: { workflowModules?: string[] };
  /** Default: a console logger at `WARN`. */
  logger?: Logger;
  /** Prefix of the replay worker's task queue name; default `replay`. */
  replayName?: string;
  /** Namespace reported to workflows through `workflowInfo()`; default `default`. */
  namespace?: string;
  /** Runtime that hosts the replay worker; by default one shared runtime per process. */
  runtime?: CoreRuntime;
  /**
   * Host functions workflows call through `proxySinks()`. During replay only the sink functions
   * with `callDuringReplay: true` are called.
   */
  sinks?: InjectedSinks;
  /** How `workflowsPath` is bundled (as for `Worker.create`). */
  bundlerOptions?: BundlerOptions;
}

/** Options after validation, with the bundle in hand. */
export interface CompiledReplayOptions {
  readonly bundle: { readonly code: string; readonly sourceMap?: string };
  readonly payloadCodecs: readonly PayloadCodec[];
  readonly logger: Logger;
  readonly replayName: string;
  readonly namespace: string;
  readonly runtime: CoreRuntime | undefined;
  readonly sinks: InjectedSinks;
}

const REPLAY_KEYS = {
  kind: 'replay option',
  supported: ['workflowsPath', 'workflowBundle', 'dataConverter', 'interceptors', 'logger', 'replayName', 'namespace', 'runtime', 'sinks', 'bundlerOptions'],
  unsupported: {
    webpackConfigHook: 'the workflow bundler is esbuild: use bundlerOptions.esbuildConfigHook',
    debugMode: 'replay runs without a workflow execution time limit only in a debugger session of your own; remove it',
    reuseV8Context: 'replay runs each history in a realm shared the same way a worker does; remove it',
  },
};

/**
 * Validates the options and produces the bundle (building it from `workflowsPath`, or reading
 * `workflowBundle.codePath`).
 *
 * @throws TypeError naming the option that is wrong; the bundler's errors for code that does not build.
 */
export async function compileReplayOptions(options: unknown): Promise<CompiledReplayOptions> {
  const o = checkedOptions(options, 'replay options', REPLAY_KEYS);
  const dataConverter =
    o.dataConverter === undefined
      ? undefined
      : checkedOptions(o.dataConverter, 'dataConverter', {
          kind: 'replay data converter option',
          supported: ['payloadConverterPath', 'failureConverterPath', 'payloadCodecs'],
          unsupported: {
            payloadConverter: 'workflows replay in a sandbox that takes the converter by module path: give dataConverter.payloadConverterPath',
            failureConverter: 'workflows replay in a sandbox that takes the converter by module path: give dataConverter.failureConverterPath',
          },
        });
  const interceptors =
    o.interceptors === undefined ? undefined : checkedOptions(o.interceptors, 'interceptors', { kind: 'replay interceptors option', supported: ['workflowModules'] });
  const sinks = compileSinks(o.sinks);
  const bundler = compileBundlerOptions(o.bundlerOptions);
  const payloadConverterPath = optionalString(dataConverter?.payloadConverterPath, 'dataConverter.payloadConverterPath');
  const failureConverterPath = optionalString(dataConverter?.failureConverterPath, 'dataConverter.failureConverterPath');
  const payloadCodecs = codecs(dataConverter?.payloadCodecs);
  const workflowModules = stringArray(interceptors?.workflowModules, 'interceptors.workflowModules');
  const logger = o.logger === undefined ? new ConsoleLogger('WARN') : checkedLogger(o.logger);
  const replayName = optionalString(o.replayName, 'replayName') ?? 'replay';
  const namespace = optionalString(o.namespace, 'namespace') ?? 'default';
  const runtime = o.runtime === undefined ? undefined : checkedRuntime(o.runtime);

  const workflowsPath = optionalString(o.workflowsPath, 'workflowsPath');
  if (workflowsPath !== undefined && o.workflowBundle !== undefined) {
    throw new InvalidOptionError('workflowBundle', 'and workflowsPath are exclusive: give one of them');
  }
  let bundle: CompiledReplayOptions['bundle'];
  if (workflowsPath !== undefined) {
    bundle = await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: workflowModules,
      payloadConverterPath,
      failureConverterPath,
      ignoreModules: bundler.ignoreModules,
      esbuildConfigHook: bundler.esbuildConfigHook,
    });
  } else if (o.workflowBundle !== undefined) {
    if (workflowModules.length > 0 || payloadConverterPath !== undefined || failureConverterPath !== undefined || o.bundlerOptions !== undefined) {
      // A prebuilt bundle already contains its interceptors and converters; silently ignoring these would mislead.
      throw new InvalidOptionError(
        'workflowBundle',
        'already holds interceptors.workflowModules, bundlerOptions and dataConverter.payloadConverterPath/failureConverterPath are bundled with the code: pass them to bundleWorkflowCode, not with workflowBundle',
      );
    }
    bundle = await loadBundle(o.workflowBundle);
  } else {
    throw new InvalidOptionError('workflowsPath', 'or workflowBundle is required to replay histories');
  }
  return { bundle, payloadCodecs, logger, replayName, namespace, runtime, sinks };
}

async function loadBundle(value: unknown): Promise<CompiledReplayOptions['bundle']> {
  if (value !== null && typeof value === 'object') {
    const b = value as Record<string, unknown>;
    if (typeof b.code === 'string') {
      return { code: b.code, sourceMap: optionalString(b.sourceMap, 'workflowBundle.sourceMap') };
    }
    if (typeof b.codePath === 'string' && b.codePath.length > 0) {
      const sourceMapPath = optionalString(b.sourceMapPath, 'workflowBundle.sourceMapPath');
      return {
        code: await readBundleFile(b.codePath, 'workflowBundle.codePath'),
        sourceMap: sourceMapPath === undefined ? undefined : await readBundleFile(sourceMapPath, 'workflowBundle.sourceMapPath'),
      };
    }
  }
  throw new InvalidOptionError('workflowBundle', 'must be { code: string, sourceMap?: string } or { codePath: string, sourceMapPath?: string }');
}

async function readBundleFile(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidOptionError(field, `cannot read ${path} (${(error as Error).message})`);
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new InvalidOptionError(field, `must be a non-empty string`);
  return value;
}

function stringArray(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidOptionError(field, `must be an array of module paths`);
  return value.map((item: unknown, i) => {
    if (typeof item !== 'string' || item.length === 0) throw new InvalidOptionError(`${field}[${i}]`, `must be a non-empty string`);
    return item;
  });
}

function codecs(value: unknown): PayloadCodec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidOptionError('dataConverter.payloadCodecs', 'must be an array');
  value.forEach((codec: unknown, i) => {
    const c = codec as Partial<PayloadCodec> | null;
    if (typeof c?.encode !== 'function' || typeof c.decode !== 'function') {
      throw new InvalidOptionError(`dataConverter.payloadCodecs[${i}]`, 'must have encode and decode methods');
    }
  });
  return value as PayloadCodec[];
}

function checkedLogger(value: unknown): Logger {
  if (!isLogger(value)) throw new InvalidOptionError('logger', 'must implement log, trace, debug, info, warn and error');
  return value;
}

function checkedRuntime(value: unknown): CoreRuntime {
  if (typeof (value as Partial<CoreRuntime> | null)?.createReplayer !== 'function') throw new InvalidOptionError('runtime', 'must be a CoreRuntime');
  return value as CoreRuntime;
}
