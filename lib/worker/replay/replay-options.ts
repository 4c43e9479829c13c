/**
 * Options of the replay functions: validation (a `TypeError` naming the field) and loading or
 * building the workflow bundle.
 */
import { readFile } from 'node:fs/promises';
import type { CoreRuntime } from '../../core/types';
import type { PayloadCodec } from '../../converter/types';
import { ConsoleLogger, isLogger, type Logger } from '../logger';
import { bundleWorkflowCode } from '../workflow/bundler';

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
}

/** Options after validation, with the bundle in hand. */
export interface CompiledReplayOptions {
  readonly bundle: { readonly code: string; readonly sourceMap?: string };
  readonly payloadCodecs: readonly PayloadCodec[];
  readonly logger: Logger;
  readonly replayName: string;
  readonly namespace: string;
  readonly runtime: CoreRuntime | undefined;
}

const KNOWN = new Set(['workflowsPath', 'workflowBundle', 'dataConverter', 'interceptors', 'logger', 'replayName', 'namespace', 'runtime']);

/**
 * Validates the options and produces the bundle (building it from `workflowsPath`, or reading
 * `workflowBundle.codePath`).
 *
 * @throws TypeError naming the option that is wrong; the bundler's errors for code that does not build.
 */
export async function compileReplayOptions(options: unknown): Promise<CompiledReplayOptions> {
  if (options === null || typeof options !== 'object') throw new TypeError('replay options must be an object');
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`${key} is not a replay option`);
  }
  const dataConverter = optionalObject(o.dataConverter, 'dataConverter');
  const interceptors = optionalObject(o.interceptors, 'interceptors');
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
    throw new TypeError('workflowsPath and workflowBundle are exclusive: give one of them');
  }
  let bundle: CompiledReplayOptions['bundle'];
  if (workflowsPath !== undefined) {
    bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: workflowModules, payloadConverterPath, failureConverterPath });
  } else if (o.workflowBundle !== undefined) {
    if (workflowModules.length > 0 || payloadConverterPath !== undefined || failureConverterPath !== undefined) {
      // A prebuilt bundle already contains its interceptors and converters; silently ignoring these would mislead.
      throw new TypeError(
        'interceptors.workflowModules and dataConverter.payloadConverterPath/failureConverterPath are bundled with the code: pass them to bundleWorkflowCode, not with workflowBundle',
      );
    }
    bundle = await loadBundle(o.workflowBundle);
  } else {
    throw new TypeError('workflowsPath or workflowBundle is required to replay histories');
  }
  return { bundle, payloadCodecs, logger, replayName, namespace, runtime };
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
  throw new TypeError('workflowBundle must be { code: string, sourceMap?: string } or { codePath: string, sourceMapPath?: string }');
}

async function readBundleFile(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TypeError(`${field}: cannot read ${path} (${(error as Error).message})`);
  }
}

function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${field} must be a non-empty string`);
  return value;
}

function stringArray(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${field} must be an array of module paths`);
  return value.map((item: unknown, i) => {
    if (typeof item !== 'string' || item.length === 0) throw new TypeError(`${field}[${i}] must be a non-empty string`);
    return item;
  });
}

function codecs(value: unknown): PayloadCodec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError('dataConverter.payloadCodecs must be an array');
  value.forEach((codec: unknown, i) => {
    const c = codec as Partial<PayloadCodec> | null;
    if (typeof c?.encode !== 'function' || typeof c.decode !== 'function') {
      throw new TypeError(`dataConverter.payloadCodecs[${i}] must have encode and decode methods`);
    }
  });
  return value as PayloadCodec[];
}

function checkedLogger(value: unknown): Logger {
  if (!isLogger(value)) throw new TypeError('logger must implement log, trace, debug, info, warn and error');
  return value;
}

function checkedRuntime(value: unknown): CoreRuntime {
  if (typeof (value as Partial<CoreRuntime> | null)?.createReplayer !== 'function') throw new TypeError('runtime must be a CoreRuntime');
  return value as CoreRuntime;
}
