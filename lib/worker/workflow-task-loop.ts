import { readFile } from 'node:fs/promises';
import { InvalidOptionError } from '../common/options-validation';
import type { CoreWorker } from '../core/types';
import type { LoadedDataConverter } from '../converter/types';
import type { Logger } from './logger';
import type { CompiledWorkflowOptions } from './options';
import { WorkflowActivationLoop } from './workflow/activation-loop';
import { bundleWorkflowCode } from './workflow/bundler';
import type { InjectedSinks } from './workflow/sinks';

/** The workflow code a worker runs, bundled. */
export interface PreparedWorkflowBundle {
  readonly code: string;
  readonly sourceMap?: string;
  readonly hash?: string;
}

/**
 * Loads or builds the workflow bundle before the core worker is created, so that a bundling error
 * (or a missing `codePath`) rejects `Worker.create` instead of surfacing once polling started.
 */
export async function prepareWorkflowBundle(options: CompiledWorkflowOptions): Promise<PreparedWorkflowBundle> {
  const given = options.workflowBundle;
  if (given !== undefined) {
    if ('code' in given) return { code: given.code, sourceMap: given.sourceMap };
    return { code: await readBundleFile(given.codePath, 'workflowBundle.codePath'), sourceMap: given.sourceMapPath === undefined ? undefined : await readBundleFile(given.sourceMapPath, 'workflowBundle.sourceMapPath') };
  }
  if (options.workflowsPath === undefined) {
    throw new InvalidOptionError('workflowsPath', 'or workflowBundle is required to run workflows');
  }
  const bundle = await bundleWorkflowCode({
    workflowsPath: options.workflowsPath,
    workflowInterceptorModules: [...options.workflowInterceptorModules],
    payloadConverterPath: options.payloadConverterPath,
    failureConverterPath: options.failureConverterPath,
    ignoreModules: [...options.ignoreModules],
    esbuildConfigHook: options.esbuildConfigHook,
  });
  return { code: bundle.code, sourceMap: bundle.sourceMap, hash: bundle.hash };
}

async function readBundleFile(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidOptionError(field, `cannot be read (${path}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What the worker hands its workflow loop. */
export interface WorkflowTaskLoopOptions {
  readonly coreWorker: CoreWorker;
  readonly bundle: PreparedWorkflowBundle;
  readonly workflows: CompiledWorkflowOptions;
  readonly dataConverter: LoadedDataConverter;
  readonly logger: Logger;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly registeredActivityNames: Iterable<string>;
  /** User sinks plus `__temporal_metrics`. */
  readonly sinks?: InjectedSinks;
  readonly onFatalError: (error: unknown) => void;
  readonly onPollerShutdown: () => void;
}

/**
 * The workflow side of a worker: the activation loop of `lib/worker/workflow`, which runs the
 * bundled workflows in the sandbox and, like the activity loop, settles only once its poller is
 * drained and every completion acknowledged.
 */
export function createWorkflowTaskLoop(options: WorkflowTaskLoopOptions): WorkflowActivationLoop {
  return new WorkflowActivationLoop({
    coreWorker: options.coreWorker,
    bundle: options.bundle,
    maxCachedWorkflows: options.workflows.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: options.workflows.maxConcurrentWorkflowTaskExecutions,
    dataConverter: options.dataConverter,
    logger: options.logger,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    registeredActivityNames: options.registeredActivityNames,
    sinks: options.sinks,
    workflowFailureErrorTypes: options.workflows.workflowFailureErrorTypes,
    workflowIsolation: options.workflows.reuseV8Context ? 'shared-realm' : 'realm-per-workflow',
    isolateExecutionTimeoutMs: options.workflows.isolateExecutionTimeoutMs,
    showStackTraceSources: options.workflows.showStackTraceSources,
    onFatalError: options.onFatalError,
    onPollerShutdown: options.onPollerShutdown,
  });
}
