/**
 * The worker: hosts activities (and workflows) for a task queue.
 *
 * @example
 * ```ts
 * import { Worker } from 'temporal-native';
 *
 * const worker = await Worker.create({ connection, taskQueue: 'orders', activities: { chargeCard } });
 * await worker.run(); // until SIGINT/SIGTERM or worker.shutdown()
 * ```
 */
export { Worker } from './worker';
export { runReplayHistory, runReplayHistories, DeterminismViolationError, ReplayError, historyFromJSON, historyToJSON } from './replay';
export type { HistoryAndWorkflowId, ReplayHistory, ReplayResult, ReplayWorkerOptions } from './replay';
export type { TaskLoop } from './worker';
export { WorkerStateTransitionError, GracefulShutdownPeriodExpiredError } from './worker-state';
export { IllegalStateError } from '@temporalio/common';
export { Runtime } from '../runtime';
export { bundleWorkflowCode, DisallowedModuleError, WorkflowBundleError } from './workflow/bundler';
export type { BundleOptions, DisallowedImport, WorkflowBundle } from './workflow/bundler';
export { WORKER_DEFAULTS } from './defaults';
export type { InjectedSinks, InjectedSinkFunction } from './workflow/sinks';
export type {
  FixedSizeSlotSupplier,
  PollerBehavior,
  ResourceBasedSlotOptions,
  ResourceBasedSlotSupplier,
  ResourceBasedTuner,
  ResourceBasedTunerOptions,
  SlotSupplier,
  TunerHolder,
  WorkerTuner,
} from './tuner-options';
export type { WorkerState } from './worker-state';
export { compileWorkerOptions } from './options';
export type { BundlerOptions, CompiledWorkerOptions, CompiledWorkflowOptions, WorkerConnection, WorkerOptions, WorkflowBundleOption } from './options';
export { ConsoleLogger, DefaultLogger, LevelLogger, LoggerWithAttributes, isLogger } from './logger';
export type { LogEntry, Logger, LogLevel, LogMetadata } from './logger';
export { composeActivityExecute, composeActivityInterceptors } from './interceptors';
export type {
  ActivityInterceptorChains,
  ActivityOutboundCallsInterceptor,
  ActivityExecuteInput,
  ActivityExecuteNext,
  ActivityInboundCallsInterceptor,
  ActivityInboundCallsInterceptorFactory,
  ActivityInterceptors,
  ActivityInterceptorsFactory,
  WorkerInterceptors,
} from './interceptors';
export type { ActivityFunction } from './activity/activity-execution';
export { ActivityPoolFailureType } from './activity/pool/activity-pool';
export type { ActivityPool, ActivityPoolWorkerState, ActivityPoolWorkerStatus } from './activity/pool/activity-pool';
export type { ActivityPoolOptions } from './activity/pool/options';
