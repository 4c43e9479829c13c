/**
 * The host side of workflow execution: bundling, the sandbox, running activations, the cache and
 * the activation loop. `Worker` composes these; they are exported for tools (pre-bundling in CI,
 * replay harnesses) and for tests.
 *
 * @example
 * ```ts
 * import { bundleWorkflowCode, WorkflowActivationLoop } from './worker/workflow';
 * const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows') });
 * await new WorkflowActivationLoop({ coreWorker, bundle, maxCachedWorkflows: 1000,
 *   maxConcurrentWorkflowTaskExecutions: 40, logger, namespace: 'default', taskQueue: 'orders' }).run();
 * ```
 *
 * @module
 */
export {
  bundleWorkflowCode,
  bundleCacheLookup,
  DisallowedModuleError,
  WorkflowBundleError,
  allowedBuiltinModules,
  hostOnlyPackages,
  type BundleOptions,
  type DisallowedImport,
  type WorkflowBundle,
} from './bundler';
export { WorkflowActivationLoop, type WorkflowActivationLoopOptions } from './activation-loop';
export { WorkflowRunner, type WorkflowRunnerOptions } from './workflow-runner';
export { WorkflowCache, defaultMaxHeapBytes, type EvictionReason, type WorkflowCacheOptions } from './workflow-cache';
export { WorkflowInstance, SharedRealmLeakError, UnhandledRejectionError, type SinkCall } from './workflow-instance';
export { MalformedActivationError } from './workflow-info';
export { SandboxFactory, WorkflowSandbox, type WorkflowIsolation } from './sandbox/sandbox';
export { SandboxTimeoutError, SandboxDestroyedError } from './sandbox/errors';
export type { InjectedSinks, InjectedSinkFunction } from './sinks';
