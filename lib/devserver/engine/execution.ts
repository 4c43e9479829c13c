/**
 * One workflow run at runtime: its JSON record, its event log, and the in-memory-only parts that need
 * no persistence (query waiters live only as long as the client call that asked).
 */
import type { temporal } from '@temporalio/proto';
import { WorkflowStatus, type HistoryEvent, type Payloads, type Header, type Failure } from '../proto';
import { runKey, type ExecutionRecord } from './records';

export type QueryState = 'waiting' | 'attached' | 'legacy';

export interface PendingQuery {
  id: string;
  queryType: string;
  queryArgs?: Payloads | null;
  header?: Header | null;
  state: QueryState;
  resolve(result: QueryAnswer): void;
}

export type QueryAnswer =
  | { ok: true; result?: Payloads | null }
  | { ok: false; message: string; failure?: Failure | null };

export class Execution {
  /** Events already written to the store (persistence appends only the tail). */
  persistedEvents = 0;
  readonly queries: PendingQuery[] = [];
  private loaded: HistoryEvent[] | null;
  /** Set once a closed run's history lives only in the store (see {@link offload}). */
  private readStored: (() => HistoryEvent[]) | null = null;

  constructor(
    public rec: ExecutionRecord,
    events: HistoryEvent[],
  ) {
    this.loaded = events;
  }

  /** The run's history: in memory, or read from the store for a closed run whose history was offloaded. */
  get events(): HistoryEvent[] {
    return this.loaded ?? (this.readStored as () => HistoryEvent[])();
  }

  set events(events: HistoryEvent[]) {
    this.loaded = events;
    this.readStored = null;
  }

  /** Number of events written (what `events.length` is, without reading an offloaded history). */
  get historyLength(): number {
    return this.rec.nextEventId - 1;
  }

  /**
   * Drops the in-memory history of a closed run that is fully in the store; reads go to `read`
   * from now on. With `--db` this keeps closed runs' histories on disk only, so memory holds just
   * their records until retention deletes them.
   */
  offload(read: () => HistoryEvent[]): void {
    this.loaded = null;
    this.readStored = read;
  }

  get isOffloaded(): boolean {
    return this.loaded === null;
  }

  get key(): string {
    return runKey(this.rec.namespace, this.rec.workflowId, this.rec.runId);
  }

  get isOpen(): boolean {
    return this.rec.status === WorkflowStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** True while a worker holds the workflow task (events must be buffered). */
  get wftStarted(): boolean {
    return this.rec.wft !== null && this.rec.wft.startedEventId > 0;
  }

  event(eventId: number): HistoryEvent | undefined {
    return this.events[eventId - 1];
  }

  get startedAttributes() {
    const attrs = this.events[0]?.workflowExecutionStartedEventAttributes;
    if (!attrs) throw new Error(`run ${this.rec.runId} has no WorkflowExecutionStarted event`);
    // Payload-carrying fields hold no int64 values we wrote as numbers, so the strict type is accurate.
    return attrs as temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes;
  }
}
