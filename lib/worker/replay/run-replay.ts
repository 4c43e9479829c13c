import { ReplayError } from './errors';
import { prepareHistory, splitHistoryEntry, type HistoryAndWorkflowId, type ReplayHistory } from './history-input';
import { compileReplayOptions, type ReplayWorkerOptions } from './replay-options';
import { ReplaySession, type ReplayResult } from './replay-session';

/**
 * Replays one history against the given workflow code and resolves when the code reproduced it
 * exactly.
 *
 * @param history a `History` (e.g. from `handle.fetchHistory()`), its encoded bytes, or proto3 JSON
 * @param workflowId the id to replay under; defaults to the one recorded in the history
 * @throws DeterminismViolationError when the code produces other commands than the history
 *   recorded; the message names the event and the command.
 * @throws ReplayError when the replay fails otherwise (workflow task failure, worker failure).
 * @throws TypeError naming the field when the options or the history are malformed.
 * @example
 * ```ts
 * const history = await client.workflow.getHandle('order-1').fetchHistory();
 * await runReplayHistory({ workflowsPath: require.resolve('./workflows') }, history);
 * ```
 */
export async function runReplayHistory(options: ReplayWorkerOptions, history: ReplayHistory, workflowId?: string): Promise<void> {
  const prepared = prepareHistory(history, workflowId, 'history', 'replay-workflow');
  for await (const result of runReplayHistories(options, [{ workflowId: prepared.workflowId, history: prepared.bytes }])) {
    if (result.error) throw result.error;
  }
}

/**
 * Replays many histories on one replay worker, one at a time, and yields one result per history
 * in order. A history that does not replay is reported in its result's `error`; iteration goes on.
 * The replay worker is shut down when the iteration ends, including when the caller stops early.
 *
 * @param histories an iterable or async iterable of `{ workflowId?, history }` or bare histories
 * @throws TypeError naming the entry (`histories[2]`) when an entry is not a history; ReplayError
 *   when the replay worker itself fails.
 * @example
 * ```ts
 * const histories = client.workflow.list({ query: 'WorkflowType = "order"' }).intoHistories();
 * for await (const { workflowId, error } of runReplayHistories({ workflowsPath }, histories)) {
 *   if (error) console.error(`${workflowId}: ${error.message}`);
 * }
 * ```
 */
export async function* runReplayHistories(
  options: ReplayWorkerOptions,
  histories: AsyncIterable<HistoryAndWorkflowId | ReplayHistory> | Iterable<HistoryAndWorkflowId | ReplayHistory>,
): AsyncGenerator<ReplayResult, void, undefined> {
  if (!isIterable(histories)) throw new TypeError('histories must be an iterable or async iterable of histories');
  const compiled = await compileReplayOptions(options);
  const session = await ReplaySession.open(compiled);
  let failed = false;
  try {
    let index = 0;
    for await (const entry of histories as AsyncIterable<unknown>) {
      const field = `histories[${index}]`;
      const { history, workflowId } = splitHistoryEntry(entry);
      const prepared = prepareHistory(history, workflowId, field, `replay-workflow-${index}`);
      index++;
      yield await session.replay(prepared);
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const errors = await session.close();
    if (errors.length > 0) {
      if (failed) compiled.logger.warn('The replay worker did not shut down cleanly', { errors });
      // eslint-disable-next-line no-unsafe-finally -- a shutdown failure must not pass silently
      else throw new ReplayError(`The replay worker did not shut down cleanly: ${errors.map(describe).join('; ')}`, undefined, { cause: errors[0] });
    }
  }
}

function isIterable(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const v = value as Record<symbol, unknown>;
  return typeof v[Symbol.iterator] === 'function' || typeof v[Symbol.asyncIterator] === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

