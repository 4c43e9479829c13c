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

  constructor(
    public rec: ExecutionRecord,
    public events: HistoryEvent[],
  ) {}

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
