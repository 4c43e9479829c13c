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
export { WorkerStateTransitionError } from './worker-state';
export type { WorkerState } from './worker-state';
export { compileWorkerOptions } from './options';
export type { CompiledWorkerOptions, CompiledWorkflowOptions, WorkerConnection, WorkerOptions, WorkflowBundleOption } from './options';
export { ConsoleLogger, LevelLogger, LoggerWithAttributes, isLogger } from './logger';
export type { Logger, LogLevel, LogMetadata } from './logger';
export { composeActivityExecute } from './interceptors';
export type {
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
