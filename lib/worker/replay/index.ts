/**
 * Replay: run recorded workflow histories through the current workflow code, on the core's
 * replayer, to prove a code change is safe for workflows already running.
 *
 * @example
 * ```ts
 * import { runReplayHistory, DeterminismViolationError } from 'temporal-native/worker/replay';
 *
 * try {
 *   await runReplayHistory({ workflowsPath: require.resolve('./workflows') }, await handle.fetchHistory());
 * } catch (error) {
 *   if (error instanceof DeterminismViolationError) console.error('not replay-safe:', error.message);
 * }
 * ```
 */
export { runReplayHistory, runReplayHistories } from './run-replay';
export { DeterminismViolationError, ReplayError } from './errors';
export { historyFromJSON, historyToJSON } from './history-json';
export type { History, HistoryAndWorkflowId, ReplayHistoriesIterable, ReplayHistory } from './history-input';
export type { ReplayWorkerOptions } from './replay-options';
export type { ReplayResult } from './replay-session';
