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
  /** Set once a closed run's history is held only in encoded form (see {@link offload}). */
  private readStored: (() => HistoryEvent[]) | null = null;
  /**
   * The history last read back, while anything still holds it: a client paging through a long
   * history reads it once, not once per page, and memory keeps nothing once the reads are done.
   */
  private lastRead: WeakRef<HistoryEvent[]> | null = null;

  constructor(
    public rec: ExecutionRecord,
    events: HistoryEvent[],
  ) {
    this.loaded = events;
  }

  /** The run's history: in memory, or read back for a closed run whose history was offloaded. */
  get events(): HistoryEvent[] {
    if (this.loaded) return this.loaded;
    let events = this.lastRead?.deref();
    if (!events) {
      events = (this.readStored as () => HistoryEvent[])();
      this.lastRead = new WeakRef(events);
    }
    return events;
  }

  set events(events: HistoryEvent[]) {
    this.loaded = events;
    this.readStored = null;
    this.lastRead = null;
  }

  /** Number of events written (what `events.length` is, without reading an offloaded history). */
  get historyLength(): number {
    return this.rec.nextEventId - 1;
  }

  /**
   * Drops the decoded history of a closed run; reads go to `read` from now on. With `--db` it reads
   * the store, so a closed run's history is on disk only; without, it decodes the run's history
   * kept encoded in memory (see Engine.compactIfClosed).
   */
  offload(read: () => HistoryEvent[]): void {
    this.loaded = null;
    this.readStored = read;
    this.lastRead = null;
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
