/**
 * The dev server's state machine host: all executions, the current-run index, namespaces, task queues
 * and deadlines. Every mutation runs synchronously inside `transact`, which is what serialises all
 * changes to an execution (JavaScript never interleaves two synchronous blocks). A transaction either
 * commits (records + new events written to the store in one batch, then timers re-armed, tasks queued
 * and waiters woken) or, if anything throws, rolls every touched record back to its snapshot.
 */
import type { temporal } from '@temporalio/proto';
import { msToDuration, msToTimestamp, toB64, fromB64 } from '../codec';
import { invalidArgument, namespaceNotFound, workflowNotFound } from '../errors';
import { Matching, queueKey, type TaskRef } from '../matching';
import { DeadlineScheduler, systemClock, type Clock, type Deadline } from '../clock';
import { EventType, history, enums, type HistoryEvent, type Loose } from '../proto';
import { Execution } from './execution';
import { copyExecutionRecord } from './record-copy';
import { runKey, workflowKey, type ExecutionRecord } from './records';
import type { EngineStore, StoreOp } from './store';
import type { CallContext } from '../transport';
import { SearchAttributeRegistry } from '../visibility';

type PollWftRequest = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueRequest;
type PollWftResponse = Loose<temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse>;
type PollActRequest = temporal.api.workflowservice.v1.IPollActivityTaskQueueRequest;
type PollActResponse = Loose<temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NamespaceRecord {
  name: string;
  id: string;
  description: string;
  /** Whole days, as the record was first written; `retentionMs` (when present) is what applies. */
  retentionDays: number;
  /** How long a closed run is kept before it is deleted (see retention.ts). */
  retentionMs?: number;
  registeredAt: number;
}

/** Handlers for deadlines and dispatch, supplied by the modules that own each state machine. */
export interface EngineHooks {
  dispatchWorkflowTask(engine: Engine, task: TaskRef, poll: PollWftRequest): PollWftResponse | null;
  dispatchActivityTask(engine: Engine, task: TaskRef, poll: PollActRequest): PollActResponse | null;
  deadlines(engine: Engine, exec: Execution): Map<string, Deadline>;
}

interface Tx {
  /** The record and event count of each touched run as they were before the transaction. */
  snapshots: Map<Execution, { rec: ExecutionRecord; events: number }>;
  created: Set<Execution>;
  currentChanges: Array<{ key: string; previous: string | undefined }>;
  namespacesChanged: Set<string>;
  extraOps: StoreOp[];
  effects: Array<() => void>;
}

/**
 * How many closed runs read back from the store stay cached (see {@link Engine.lookupRun}); a run
 * with a query in flight stays regardless, since the query waits on that object.
 */
const CLOSED_RUN_CACHE = 256;

/**
 * A history as one buffer: event i is bytes starts[i]..starts[i + 1]. A function of its own so the
 * decoder's closure holds the buffer and offsets only, not the per-event arrays.
 */
function encodeEvents(events: HistoryEvent[]): { encoded: Uint8Array; starts: Uint32Array } {
  const parts = events.map((event) => history.HistoryEvent.encode(event as temporal.api.history.v1.IHistoryEvent).finish());
  const starts = new Uint32Array(parts.length + 1);
  for (let i = 0; i < parts.length; i++) starts[i + 1] = (starts[i] as number) + (parts[i] as Uint8Array).length;
  const encoded = new Uint8Array(starts[parts.length] as number);
  for (let i = 0; i < parts.length; i++) encoded.set(parts[i] as Uint8Array, starts[i]);
  return { encoded, starts };
}

export class Engine {
  /**
   * The runs held in memory: every run without a store; with a store (`--db`), the open runs, for
   * a closed run lives in the store only (its record and history are read back when asked for).
   */
  readonly executions = new Map<string, Execution>();
  readonly currentRuns = new Map<string, string>();
  readonly namespaces = new Map<string, NamespaceRecord>();
  readonly registries = new Map<string, SearchAttributeRegistry>();
  readonly workflowQueues: Matching<PollWftRequest, PollWftResponse>;
  readonly activityQueues: Matching<PollActRequest, PollActResponse>;
  readonly scheduler: DeadlineScheduler;
  /** Sticky queues whose worker said ShutdownWorker (`queueKey` form); nothing is dispatched to them. */
  readonly retiredStickyQueues = new Set<string>();
  private tx: Tx | null = null;
  /** True while the unwritten events of a virtual workflow task are being written. */
  private materializing = false;
  /** Closed runs read back from the store, least recently used first (with a store only). */
  private readonly closedRuns = new Map<string, Execution>();
  private readonly changeWaiters = new Map<string, Set<() => void>>();
  private readonly commitListeners = new Set<() => void>();
  private stopped = false;

  constructor(
    readonly hooks: EngineHooks,
    readonly store: EngineStore | null,
    readonly log: (message: string) => void,
    /** The server's one clock: event times, deadlines and every "now" below come from it. */
    readonly clock: Clock = systemClock,
  ) {
    this.scheduler = new DeadlineScheduler(clock);
    this.workflowQueues = new Matching((task, poll) => this.hooks.dispatchWorkflowTask(this, task, poll));
    this.activityQueues = new Matching((task, poll) => this.hooks.dispatchActivityTask(this, task, poll));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  // ---- namespaces -------------------------------------------------------------------------------

  requireNamespace(name: string | null | undefined): NamespaceRecord {
    if (!name) throw invalidArgument('namespace is not set');
    const ns = this.namespaces.get(name);
    if (!ns) throw namespaceNotFound(name);
    return ns;
  }

  addNamespace(ns: NamespaceRecord): void {
    this.namespaces.set(ns.name, ns);
    if (this.tx) this.tx.namespacesChanged.add(ns.name);
  }

  /** The search attribute registry of a namespace (created on first use). */
  registry(namespace: string): SearchAttributeRegistry {
    let r = this.registries.get(namespace);
    if (!r) {
      r = new SearchAttributeRegistry({ namespace });
      this.registries.set(namespace, r);
    }
    return r;
  }

  /** Records that a namespace's custom search attributes changed (persisted with the transaction). */
  searchAttributesChanged(namespace: string): void {
    const custom = this.registry(namespace).listCustom();
    this.addStoreOp({ kind: 'put', key: `search-attributes/${encodeURIComponent(namespace)}`, json: JSON.stringify(custom) });
  }

  // ---- transactions -----------------------------------------------------------------------------

  /** Runs `fn` as one atomic mutation (joins the enclosing one when nested). */
  transact<T>(fn: () => T): T {
    if (this.tx) return fn();
    const tx: Tx = {
      snapshots: new Map(),
      created: new Set(),
      currentChanges: [],
      namespacesChanged: new Set(),
      extraOps: [],
      effects: [],
    };
    this.tx = tx;
    let result: T;
    try {
      result = fn();
      this.persist(tx);
    } catch (err) {
      this.rollback(tx);
      this.tx = null;
      throw err;
    }
    this.tx = null;
    this.finishCommit(tx);
    return result;
  }

  private requireTx(): Tx {
    if (!this.tx) throw new Error('execution state changed outside a transaction');
    return this.tx;
  }

  /** Marks an execution as changed by the current transaction (snapshotting it for rollback). */
  touch(exec: Execution): void {
    const tx = this.requireTx();
    if (tx.created.has(exec) || tx.snapshots.has(exec)) return;
    tx.snapshots.set(exec, { rec: copyExecutionRecord(exec.rec), events: exec.events.length });
  }

  /** Runs `effect` after the current transaction commits (queueing tasks, waking waiters). */
  afterCommit(effect: () => void): void {
    this.requireTx().effects.push(effect);
  }

  addStoreOp(op: StoreOp): void {
    this.requireTx().extraOps.push(op);
  }

  register(exec: Execution): void {
    const tx = this.requireTx();
    tx.created.add(exec);
    this.executions.set(exec.key, exec);
  }

  setCurrentRun(namespace: string, workflowId: string, runId: string): void {
    const tx = this.requireTx();
    const key = workflowKey(namespace, workflowId);
    tx.currentChanges.push({ key, previous: this.currentRuns.get(key) });
    this.currentRuns.set(key, runId);
  }

  private rollback(tx: Tx): void {
    for (const exec of tx.created) this.executions.delete(exec.key);
    for (const [exec, snap] of tx.snapshots) {
      exec.rec = snap.rec;
      exec.events.length = snap.events;
    }
    for (const change of tx.currentChanges.reverse()) {
      if (change.previous === undefined) this.currentRuns.delete(change.key);
      else this.currentRuns.set(change.key, change.previous);
    }
  }

  private changed(tx: Tx): Execution[] {
    return [...tx.created, ...[...tx.snapshots.keys()].filter((e) => !tx.created.has(e))];
  }

  private persist(tx: Tx): void {
    if (!this.store) {
      return;
    }
    const ops: StoreOp[] = [];
    for (const exec of this.changed(tx)) {
      ops.push({ kind: 'put', key: `run/${exec.key}`, json: JSON.stringify(exec.rec) });
      for (let i = exec.persistedEvents; i < exec.events.length; i++) {
        ops.push({ kind: 'append', log: `history/${exec.key}`, seq: i + 1, bytes: history.HistoryEvent.encode(exec.events[i] as temporal.api.history.v1.IHistoryEvent).finish() });
      }
    }
    for (const change of tx.currentChanges) {
      const runId = this.currentRuns.get(change.key);
      if (runId !== undefined) ops.push({ kind: 'put', key: `current/${change.key}`, json: JSON.stringify({ runId }) });
    }
    for (const name of tx.namespacesChanged) {
      const ns = this.namespaces.get(name);
      if (ns) ops.push({ kind: 'put', key: `namespace/${encodeURIComponent(name)}`, json: JSON.stringify(ns) });
    }
    ops.push(...tx.extraOps);
    if (ops.length > 0) this.store.commit(ops);
  }

  private finishCommit(tx: Tx): void {
    const changed = this.changed(tx);
    for (const exec of changed) exec.persistedEvents = exec.events.length;
    for (const exec of changed) this.rearm(exec);
    for (const effect of tx.effects) {
      try {
        effect();
      } catch (err) {
        this.log(`dev server: post-commit effect failed: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
    for (const exec of changed) this.notifyChange(exec.key);
    for (const exec of changed) {
      if (this.store) this.evictIfClosed(exec);
      else this.compactIfClosed(exec);
    }
    for (const listener of this.commitListeners) listener();
  }

  /**
   * Without a store a closed run stays in memory until retention, its history encoded: one buffer
   * of events and their start offsets instead of the decoded objects, several times smaller, decoded
   * again when asked for.
   */
  private compactIfClosed(exec: Execution): void {
    if (exec.isOpen || exec.isOffloaded) return;
    const { encoded, starts } = encodeEvents(exec.events);
    exec.offload(() => Array.from({ length: starts.length - 1 }, (_, i) => history.HistoryEvent.decode(encoded.subarray(starts[i], starts[i + 1])) as HistoryEvent));
  }

  /**
   * With a store, a closed run whose record and history are all written leaves memory: its history
   * is read back from the store when asked for, and the run itself moves from `executions` to the
   * bounded cache of closed runs, so memory does not grow with the runs kept for retention.
   */
  private evictIfClosed(exec: Execution): void {
    this.offloadIfClosed(exec);
    if (!exec.isOffloaded || this.executions.get(exec.key) !== exec) return;
    this.executions.delete(exec.key);
    this.cacheClosedRun(exec);
  }

  private cacheClosedRun(exec: Execution): void {
    this.closedRuns.delete(exec.key);
    this.closedRuns.set(exec.key, exec);
    if (this.closedRuns.size <= CLOSED_RUN_CACHE) return;
    for (const [key, cached] of this.closedRuns) {
      if (this.closedRuns.size <= CLOSED_RUN_CACHE) break;
      if (cached.queries.length === 0) this.closedRuns.delete(key);
    }
  }

  /**
   * The run with key `key` (see runKey), wherever it is: in memory, in the cache of closed runs, or
   * (with a store) read back from the store. Undefined when there is no such run.
   */
  lookupRun(key: string): Execution | undefined {
    const live = this.executions.get(key);
    if (live || !this.store) return live;
    const cached = this.closedRuns.get(key);
    if (cached) {
      this.cacheClosedRun(cached);
      return cached;
    }
    const json = this.store.readRecord(`run/${key}`);
    if (json === undefined) return undefined;
    const exec = this.restoreClosedRun(JSON.parse(json) as ExecutionRecord);
    this.cacheClosedRun(exec);
    return exec;
  }

  /** A closed run rebuilt from its stored record, its history left in the store. */
  restoreClosedRun(rec: ExecutionRecord): Execution {
    const exec = new Execution(rec, []);
    exec.persistedEvents = exec.historyLength;
    this.offloadIfClosed(exec);
    return exec;
  }

  /**
   * The closed runs of `namespace` that live in the store only, for visibility queries; read fresh
   * from the store each time and not cached, so one list call does not push every other run out.
   */
  *storedClosedRuns(namespace: string): Iterable<Execution> {
    if (!this.store) return;
    for (const [key, json] of this.store.scanRecords(`run/${encodeURIComponent(namespace)}/`)) {
      const runKey = key.slice('run/'.length);
      if (this.executions.has(runKey)) continue;
      yield this.closedRuns.get(runKey) ?? this.restoreClosedRun(JSON.parse(json) as ExecutionRecord);
    }
  }

  /** Forgets a run deleted from the store (retention), wherever memory held it. */
  forgetRun(key: string): void {
    this.executions.delete(key);
    this.closedRuns.delete(key);
  }

  /** With a store, a closed run's history stays on disk only (read back when asked for). */
  offloadIfClosed(exec: Execution): void {
    const store = this.store;
    if (!store || exec.isOpen || exec.isOffloaded || exec.persistedEvents !== exec.historyLength) return;
    const log = `history/${exec.key}`;
    const count = exec.historyLength;
    exec.offload(() => store.readLog(log).slice(0, count).map((bytes) => history.HistoryEvent.decode(bytes) as HistoryEvent));
  }

  /**
   * Calls `listener` after every committed transaction (a time-skipping clock re-checks whether the
   * server is idle); returns the function that unsubscribes it.
   */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Re-arms the deadlines of `exec` from its record (after commits and after recovery). */
  rearm(exec: Execution): void {
    this.scheduler.reconcile(exec.key, this.hooks.deadlines(this, exec));
  }

  // ---- waiting for state changes ----------------------------------------------------------------

  private notifyChange(key: string): void {
    const waiters = this.changeWaiters.get(key);
    if (!waiters) return;
    this.changeWaiters.delete(key);
    for (const w of waiters) w();
  }

  /**
   * Resolves after the next committed change to run `key`, or after `maxMs`, or when the call is
   * cancelled or the server stops — whichever comes first. Callers re-check their condition.
   */
  waitForChange(key: string, ctx: CallContext, maxMs: number): Promise<void> {
    if (this.stopped || ctx.cancelled || maxMs <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.changeWaiters.get(key)?.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, maxMs);
      let set = this.changeWaiters.get(key);
      if (!set) {
        set = new Set();
        this.changeWaiters.set(key, set);
      }
      set.add(finish);
      ctx.onCancel(finish);
    });
  }

  // ---- lookup -----------------------------------------------------------------------------------

  currentRunId(namespace: string, workflowId: string): string | undefined {
    return this.currentRuns.get(workflowKey(namespace, workflowId));
  }

  /** Finds a run; an empty run id means the current (latest) run. Unknown → NOT_FOUND. */
  findRun(namespace: string, workflowId: string | null | undefined, runId?: string | null): Execution {
    if (!workflowId) throw invalidArgument('workflow_execution.workflow_id is not set');
    // The real server's frontend refuses a run id that is not a UUID before looking anything up.
    if (runId && !UUID.test(runId)) throw invalidArgument('Invalid RunId.');
    const id = runId || this.currentRunId(namespace, workflowId);
    const exec = id ? this.lookupRun(runKey(namespace, workflowId, id)) : undefined;
    if (!exec) throw workflowNotFound(workflowId, runId ?? undefined);
    return exec;
  }

  // ---- history ----------------------------------------------------------------------------------

  /** Appends an event with the next id (the attributes object carries the oneof field). */
  append(exec: Execution, eventType: number, attributes: Partial<HistoryEvent>): HistoryEvent {
    this.touch(exec);
    // Nothing may be written behind a virtual workflow task's events: write them first (the real
    // server turns a speculative or transient task into a normal one the same way).
    if (exec.rec.wft?.virtual && !this.materializing) this.materializeWorkflowTask(exec);
    const event: HistoryEvent = {
      eventId: exec.rec.nextEventId,
      eventTime: msToTimestamp(this.clock.now()),
      eventType,
      ...attributes,
    };
    exec.rec.nextEventId++;
    exec.events.push(event);
    return event;
  }

  /**
   * Adds an event that the workflow must react to: buffered while a worker holds the workflow task
   * (flushed on completion), otherwise appended with a workflow task scheduled after it.
   */
  deliver(exec: Execution, eventType: number, attributes: Partial<HistoryEvent>): void {
    this.touch(exec);
    if (exec.wftStarted) {
      if (exec.rec.wft?.virtual) this.materializeWorkflowTask(exec);
      const event: HistoryEvent = { eventId: 0, eventTime: msToTimestamp(this.clock.now()), eventType, ...attributes };
      exec.rec.buffered.push({ event: toB64(history.HistoryEvent, event) });
      return;
    }
    this.append(exec, eventType, attributes);
    this.ensureWorkflowTask(exec);
  }

  /** Appends buffered events (assigning ids; an activity close referencing started id -1 gets the previous id). */
  flushBuffered(exec: Execution): number {
    this.touch(exec);
    const buffered = exec.rec.buffered;
    exec.rec.buffered = [];
    for (const b of buffered) {
      const e = fromB64(history.HistoryEvent, b.event);
      const event = this.append(exec, e.eventType ?? 0, {});
      Object.assign(event, e as HistoryEvent, { eventId: event.eventId });
      for (const key of [
        'activityTaskCompletedEventAttributes',
        'activityTaskFailedEventAttributes',
        'activityTaskTimedOutEventAttributes',
        'activityTaskCanceledEventAttributes',
      ] as const) {
        const attrs = event[key] as { startedEventId?: unknown } | null | undefined;
        if (attrs && Number(attrs.startedEventId) === -1) attrs.startedEventId = (event.eventId as number) - 1;
      }
    }
    return buffered.length;
  }

  /**
   * Schedules a workflow task if the run needs one and has none; `speculative` for one that only
   * delivers an update (its events are written only if the worker does more than reject it).
   */
  ensureWorkflowTask(exec: Execution, speculative = false): void {
    if (!exec.isOpen || exec.rec.wft) return;
    if (exec.rec.firstTaskAt > this.clock.now()) return;
    this.scheduleWorkflowTask(exec, 1, speculative ? 'speculative' : undefined);
  }

  /**
   * Writes the unwritten events of a virtual workflow task (see WorkflowTaskRecord.virtual); they keep
   * the ids the worker was given.
   */
  materializeWorkflowTask(exec: Execution): void {
    const wft = exec.rec.wft;
    if (!wft?.virtual) return;
    this.touch(exec);
    this.materializing = true;
    try {
      for (const b64 of [wft.virtualScheduled, wft.virtualStarted]) {
        if (!b64) continue;
        const stored = fromB64(history.HistoryEvent, b64) as HistoryEvent;
        const event = this.append(exec, stored.eventType ?? 0, {});
        if (Number(event.eventId) !== Number(stored.eventId)) throw new Error(`virtual workflow task event ${String(stored.eventId)} written as ${String(event.eventId)}`);
        Object.assign(event, stored, { eventId: event.eventId });
      }
    } finally {
      this.materializing = false;
    }
    wft.virtual = undefined;
    wft.virtualScheduled = undefined;
    wft.virtualStarted = undefined;
  }

  /**
   * Schedules workflow task `attempt`. Retries (attempt 2 and later) are transient and update-only
   * tasks speculative, as on the real server: their events are held back (see WorkflowTaskRecord.virtual).
   */
  scheduleWorkflowTask(exec: Execution, attempt: number, kind?: 'speculative'): void {
    this.touch(exec);
    const rec = exec.rec;
    rec.firstTaskAt = 0;
    const sticky = rec.stickyQueue !== '' && attempt === 1;
    // Like the real server, a task for the sticky queue of a worker that shut down is still recorded
    // as scheduled on that sticky queue, but it is dispatched on the normal queue (full history) and
    // the run's stickiness is cleared.
    const retired = sticky && this.retiredStickyQueues.has(queueKey(rec.namespace, 'workflow', rec.stickyQueue));
    const stickyName = rec.stickyQueue;
    const dispatchSticky = sticky && !retired;
    const queue = dispatchSticky ? rec.stickyQueue : rec.taskQueue;
    if (retired) rec.stickyQueue = '';
    const now = this.clock.now();
    const virtual = attempt > 1 ? 'transient' : kind;
    const attributes: Partial<HistoryEvent> = {
      workflowTaskScheduledEventAttributes: {
        taskQueue: sticky
          ? { name: stickyName, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: rec.taskQueue }
          : { name: queue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        startToCloseTimeout: msToDuration(rec.workflowTaskTimeoutMs),
        attempt,
      },
    };
    let scheduledEventId: number;
    let virtualScheduled: string | undefined;
    if (virtual) {
      scheduledEventId = rec.nextEventId;
      const event: HistoryEvent = { eventId: scheduledEventId, eventTime: msToTimestamp(now), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, ...attributes };
      virtualScheduled = toB64(history.HistoryEvent, event);
    } else {
      scheduledEventId = this.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, attributes).eventId as number;
    }
    rec.wft = {
      scheduledEventId,
      startedEventId: 0,
      attempt,
      queue,
      sticky: dispatchSticky,
      scheduledTime: now,
      startedTime: 0,
      scheduleToStartDeadline: dispatchSticky && rec.stickyScheduleToStartMs > 0 ? now + rec.stickyScheduleToStartMs : 0,
      startToCloseDeadline: 0,
      identity: '',
      virtual,
      virtualScheduled,
    };
    this.queueWorkflowTask(exec);
  }

  /** Puts the run's scheduled workflow task on its queue once the transaction commits. */
  queueWorkflowTask(exec: Execution): void {
    const wft = exec.rec.wft;
    if (!wft || wft.startedEventId > 0) return;
    const task: TaskRef = { kind: 'workflowTask', runKey: exec.key, scheduledEventId: wft.scheduledEventId, attempt: wft.attempt };
    const key = queueKey(exec.rec.namespace, 'workflow', wft.queue);
    const enqueue = () => {
      // Started within the same transaction (an eager start): no poller is to get it.
      const current = exec.rec.wft;
      if (current?.scheduledEventId === task.scheduledEventId && current.startedEventId > 0) return;
      this.workflowQueues.enqueue(key, task);
    };
    if (this.tx) this.afterCommit(enqueue);
    else enqueue();
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  stop(): void {
    this.stopped = true;
    this.workflowQueues.stop();
    this.activityQueues.stop();
    this.scheduler.stop();
    for (const waiters of this.changeWaiters.values()) for (const w of waiters) w();
    this.changeWaiters.clear();
    for (const exec of [...this.executions.values(), ...this.closedRuns.values()]) {
      for (const q of exec.queries.splice(0)) q.resolve({ ok: false, message: 'dev server is shutting down' });
    }
  }
}
