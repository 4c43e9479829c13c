/**
 * Accepts a history in every form users hold one and turns it into the bytes the core's replayer
 * reads, checking on the way that it is a workflow history at all.
 */
import { temporal } from '@temporalio/proto';
import { historyFromJSON } from './history-json';

type HistoryMessage = temporal.api.history.v1.History;

/**
 * A workflow history to replay: a `History` message or plain object (e.g. from
 * `handle.fetchHistory()`), its encoded bytes, or proto3 JSON (text or parsed) as written by the
 * Temporal CLI, the UI or the official SDK.
 */
export type ReplayHistory = temporal.api.history.v1.IHistory | Uint8Array | string | { readonly events: readonly unknown[] };

/** One entry of `runReplayHistories`: a history and, optionally, the workflow id to replay it under. */
export interface HistoryAndWorkflowId {
  /** Defaults to the id recorded in the history's first event, else `replay-<n>`. */
  readonly workflowId?: string;
  readonly history: ReplayHistory;
}

/**
 * The `History` protobuf message (the official `History` type of `@temporalio/worker`), as
 * `handle.fetchHistory()` returns it and `historyFromJSON` parses it.
 *
 * @example
 * ```ts
 * const history: History = await client.workflow.getHandle(workflowId).fetchHistory();
 * await Worker.runReplayHistory({ workflowsPath }, history);
 * ```
 */
export type History = temporal.api.history.v1.IHistory;

/**
 * What `Worker.runReplayHistories` takes, named as in `@temporalio/worker`: a sync or async iterable
 * of histories with their workflow ids (or of bare histories).
 *
 * @example
 * ```ts
 * const histories: ReplayHistoriesIterable = client.workflow.list({ query }).intoHistories();
 * for await (const { workflowId, error } of Worker.runReplayHistories({ workflowsPath }, histories)) console.log(workflowId, error);
 * ```
 */
export type ReplayHistoriesIterable = AsyncIterable<HistoryAndWorkflowId | ReplayHistory> | Iterable<HistoryAndWorkflowId | ReplayHistory>;

/** A history ready for the core. */
export interface PreparedHistory {
  readonly workflowId: string;
  /** The run id the core replays the history under (`originalExecutionRunId`), when recorded. */
  readonly runId: string | undefined;
  readonly bytes: Uint8Array;
  readonly eventCount: number;
}

const STARTED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;

/**
 * Decodes, converts and checks one history.
 *
 * @param field how the caller names this input in error messages (`history`, `histories[2]`, ...)
 * @param fallbackWorkflowId used when neither the caller nor the history names the workflow
 * @throws TypeError naming `field` when the input is not a history or does not start with a
 *   `WorkflowExecutionStarted` event.
 */
export function prepareHistory(history: unknown, workflowId: unknown, field: string, fallbackWorkflowId: string): PreparedHistory {
  if (workflowId !== undefined && (typeof workflowId !== 'string' || workflowId.length === 0)) {
    throw new TypeError(`${field}: workflowId must be a non-empty string, got ${describe(workflowId)}`);
  }
  const message = toHistoryMessage(history, field);
  const first = message.events[0];
  if (!first) throw new TypeError(`${field}: the history has no events`);
  if (first.eventType !== STARTED) {
    const name = temporal.api.enums.v1.EventType[first.eventType ?? 0] ?? String(first.eventType);
    throw new TypeError(`${field}: the first event must be EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, got ${name}`);
  }
  const started = first.workflowExecutionStartedEventAttributes;
  return {
    workflowId: (workflowId as string | undefined) ?? (started?.workflowId || fallbackWorkflowId),
    runId: started?.originalExecutionRunId || undefined,
    bytes: history instanceof Uint8Array ? history : temporal.api.history.v1.History.encode(message).finish(),
    eventCount: message.events.length,
  };
}

/**
 * Splits an entry of `runReplayHistories` into history and workflow id: `{ history, workflowId? }`
 * or a bare history.
 */
export function splitHistoryEntry(entry: unknown): { history: unknown; workflowId: unknown } {
  if (entry !== null && typeof entry === 'object' && !(entry instanceof Uint8Array) && 'history' in entry) {
    const { history, workflowId } = entry as { history: unknown; workflowId?: unknown };
    return { history, workflowId };
  }
  return { history: entry, workflowId: undefined };
}

function toHistoryMessage(history: unknown, field: string): HistoryMessage {
  const History = temporal.api.history.v1.History;
  if (history instanceof Uint8Array) {
    try {
      return History.decode(history);
    } catch (error) {
      throw new TypeError(`${field}: the bytes are not an encoded temporal.api.history.v1.History (${(error as Error).message})`);
    }
  }
  if (typeof history === 'string') return historyFromJSON(history);
  if (history === null || typeof history !== 'object' || !Array.isArray((history as { events?: unknown }).events)) {
    throw new TypeError(`${field}: expected a History (object with an events array, encoded bytes or JSON), got ${describe(history)}`);
  }
  if (isProtoJson(history as { events: unknown[] })) return historyFromJSON(history);
  try {
    return History.fromObject(history as Record<string, unknown>);
  } catch (error) {
    throw new TypeError(`${field}: not a valid History object (${(error as Error).message})`);
  }
}

/**
 * Proto3 JSON writes int64 ids, enums and timestamps as strings; a decoded or hand-built `IHistory`
 * holds numbers/Longs and `{ seconds, nanos }` objects there.
 */
function isProtoJson(history: { events: unknown[] }): boolean {
  const first = history.events[0] as Record<string, unknown> | undefined;
  if (!first || typeof first !== 'object') return false;
  if (typeof first.eventId === 'string' || typeof first.eventTime === 'string') return true;
  // Short enum names (`WorkflowExecutionStarted`) only come from JSON tools; `fromObject` reads full ones.
  return typeof first.eventType === 'string' && !(first.eventType in temporal.api.enums.v1.EventType);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value;
}
