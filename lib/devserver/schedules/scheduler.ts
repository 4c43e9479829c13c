/**
 * Runs schedules: evaluates each spec on the schedule clock, applies pause, limited actions, the
 * catchup window and the overlap policy, starts workflows through the engine, and watches the runs
 * it started (to start buffered actions, and to pause on failure). The rules are those of the real
 * server's scheduler workflow (service/worker/scheduler/workflow.go, 1.29); where it differs the
 * comment says why.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { durationToMs } from '../codec';
import { enums, WorkflowStatus, type Failure, type Payloads } from '../proto';
import type { Engine } from '../engine/engine';
import type { Execution } from '../engine/execution';
import { requestCancelRun, terminateRun } from '../engine/lifecycle';
import { runKey } from '../engine/records';
import { startWorkflow } from '../engine/start';
import type { CallContext } from '../transport';
import { processBuffer, type BufferedStart } from './buffer';
import type { ScheduleClock } from './clock';
import { encodeRecord, scheduleStoreKey, type ScheduleRecord } from './record';
import { compileSpec, type CompiledSpec } from './spec';

const P = enums.ScheduleOverlapPolicy;
export const DEFAULT_CATCHUP_WINDOW_MS = 365 * 86_400_000;
export const MIN_CATCHUP_WINDOW_MS = 10_000;
export const RECENT_ACTION_COUNT = 10;
export const FUTURE_ACTION_COUNT = 10;
const MAX_BUFFER_SIZE = 1000;
/** How long a watcher waits on a run before re-checking it anyway. */
const WATCH_MS = 60_000;

/** The nominal time as the real server appends it to workflow ids: RFC 3339, whole seconds, UTC. */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function jsonPayload(value: unknown): { metadata: Record<string, Uint8Array>; data: Uint8Array } {
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) };
}

/** A call context that is never cancelled, for the scheduler's own waits on runs. */
const BACKGROUND: CallContext = { deadline: Number.POSITIVE_INFINITY, cancelled: false, onCancel: () => undefined };

export class Schedules {
  readonly records = new Map<string, ScheduleRecord>();
  private readonly specs = new Map<string, CompiledSpec>();
  private readonly wakes = new Map<string, () => void>();
  private readonly watching = new Set<string>();
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    readonly clock: ScheduleClock,
    private readonly log: (message: string) => void,
  ) {}

  static key(namespace: string, scheduleId: string): string {
    return `${namespace}\u0000${scheduleId}`;
  }

  get(namespace: string, scheduleId: string): ScheduleRecord | undefined {
    return this.records.get(Schedules.key(namespace, scheduleId));
  }

  spec(rec: ScheduleRecord): CompiledSpec {
    const k = Schedules.key(rec.namespace, rec.scheduleId);
    let c = this.specs.get(k);
    if (!c) {
      c = compileSpec(rec.schedule.spec ?? {});
      this.specs.set(k, c);
    }
    return c;
  }

  /** Jitter is seeded per schedule, as the real server seeds it with namespace id and schedule id. */
  jitterSeed(rec: ScheduleRecord): string {
    return `${this.engine.namespaces.get(rec.namespace)?.id ?? rec.namespace}-${rec.scheduleId}`;
  }

  catchupWindowMs(rec: ScheduleRecord): number {
    const set = durationToMs(rec.schedule.policies?.catchupWindow, 'policies.catchup_window');
    return set === 0 ? DEFAULT_CATCHUP_WINDOW_MS : Math.max(set, MIN_CATCHUP_WINDOW_MS);
  }

  private overlapOf(rec: ScheduleRecord, policy: number): number {
    if (policy) return policy;
    return rec.schedule.policies?.overlapPolicy || P.SCHEDULE_OVERLAP_POLICY_SKIP;
  }

  /** The next `count` action times after `after` (jitter included), as describe() lists them. */
  futureTimes(rec: ScheduleRecord, after: number, count: number): number[] {
    const out: number[] = [];
    const state = rec.schedule.state;
    // A paused schedule still lists its times (as on the real server); a limited one only as many as it has left.
    let t = after;
    const limit = state?.limitedActions ? Math.min(count, Number(state.remainingActions)) : count;
    while (out.length < limit) {
      const next = this.spec(rec).nextTime(this.jitterSeed(rec), t);
      if (!next) break;
      out.push(next.next);
      t = next.next;
    }
    return out;
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /** Adds or replaces a schedule's record (already validated), persists it and runs it. */
  put(rec: ScheduleRecord): void {
    const k = Schedules.key(rec.namespace, rec.scheduleId);
    this.records.set(k, rec);
    this.specs.delete(k);
    this.persist(rec);
    this.tick(rec);
  }

  remove(rec: ScheduleRecord): void {
    const k = Schedules.key(rec.namespace, rec.scheduleId);
    this.records.delete(k);
    this.specs.delete(k);
    this.wakes.get(k)?.();
    this.wakes.delete(k);
    this.engine.transact(() => this.engine.addStoreOp({ kind: 'delete', key: scheduleStoreKey(rec.namespace, rec.scheduleId) }));
  }

  /** Restores persisted schedules and catches each up to the clock (within its catchup window). */
  restore(records: ScheduleRecord[]): void {
    for (const rec of records) this.records.set(Schedules.key(rec.namespace, rec.scheduleId), rec);
    for (const rec of records) this.tick(rec);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.wakes.values()) cancel();
    this.wakes.clear();
  }

  private persist(rec: ScheduleRecord): void {
    this.engine.transact(() => this.engine.addStoreOp({ kind: 'put', key: scheduleStoreKey(rec.namespace, rec.scheduleId), json: encodeRecord(rec) }));
  }

  changed(rec: ScheduleRecord): void {
    rec.conflictToken++;
    rec.updateTime = this.clock.now();
  }

  // ---- the loop ----------------------------------------------------------------------------------

  /** Brings one schedule up to the clock: closed runs, due spec times, the buffer; then re-arms. */
  tick(rec: ScheduleRecord): void {
    if (this.stopped || this.records.get(Schedules.key(rec.namespace, rec.scheduleId)) !== rec) return;
    try {
      this.refreshRunning(rec);
      const now = this.clock.now();
      this.processTimeRange(rec, rec.processedUntil, now, 0, false);
      rec.processedUntil = Math.max(rec.processedUntil, now);
      this.drainBuffer(rec);
      this.persist(rec);
    } catch (err) {
      this.log(`dev server: schedule ${rec.scheduleId} failed to run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    this.arm(rec);
  }

  /**
   * Handles the spec times in (start, end]: buffers the ones to act on and counts the ones missed.
   * Manual ranges (backfills) ignore pause, limits and the catchup window, as on the real server.
   */
  processTimeRange(rec: ScheduleRecord, start: number, end: number, overlap: number, manual: boolean): void {
    const spec = this.spec(rec);
    const seed = this.jitterSeed(rec);
    const window = this.catchupWindowMs(rec);
    for (let next = spec.nextTime(seed, start); next && next.next <= end; next = spec.nextTime(seed, next.next)) {
      if (!manual && !this.canTakeScheduledAction(rec)) continue;
      // Times before the last update belong to the old spec.
      if (!manual && rec.updateTime > next.next) continue;
      if (!manual && end - next.next > window) {
        rec.missedCatchupWindow++;
        continue;
      }
      this.addStart(rec, { nominal: next.nominal, actual: next.next, overlap, manual });
    }
  }

  addStart(rec: ScheduleRecord, start: BufferedStart): void {
    if (rec.buffer.length >= MAX_BUFFER_SIZE) {
      rec.bufferDropped++;
      return;
    }
    rec.buffer.push(start);
  }

  private canTakeScheduledAction(rec: ScheduleRecord): boolean {
    const state = rec.schedule.state;
    if (state?.paused) return false;
    if (state?.limitedActions) return Number(state.remainingActions ?? 0) > 0;
    return true;
  }

  /** Starts what the overlap policies allow; cancels or terminates runs where they ask to. */
  drainBuffer(rec: ScheduleRecord): void {
    // A terminate closes the run at once, so the buffered start can go in the same pass.
    for (let pass = 0; pass < 3 && rec.buffer.length > 0; pass++) {
      const decision = processBuffer(rec.buffer, rec.running.length > 0, (p) => this.overlapOf(rec, p));
      rec.buffer = decision.newBuffer;
      rec.overlapSkipped += decision.overlapSkipped;
      for (const start of decision.overlapping) this.startAction(rec, start, false);
      if (decision.nonOverlapping) this.startAction(rec, decision.nonOverlapping, true);
      if (decision.needCancel || decision.needTerminate) {
        this.engine.transact(() => {
          for (const r of rec.running) {
            const exec = this.execution(rec, r.workflowId, r.runId);
            if (!exec?.isOpen) continue;
            if (decision.needTerminate) terminateRun(this.engine, exec, 'terminated by schedule overlap policy', null, this.identity(rec));
            else requestCancelRun(this.engine, exec, 'cancelled by schedule overlap policy', this.identity(rec));
          }
        });
        this.refreshRunning(rec);
        if (decision.needCancel) break;
      } else {
        break;
      }
    }
  }

  private identity(rec: ScheduleRecord): string {
    return `temporal-scheduler-${rec.namespace}-${rec.scheduleId}`;
  }

  private execution(rec: ScheduleRecord, workflowId: string, runId: string): Execution | undefined {
    return this.engine.lookupRun(runKey(rec.namespace, workflowId, runId));
  }

  private startAction(rec: ScheduleRecord, start: BufferedStart, nonOverlapping: boolean): void {
    const state = rec.schedule.state ?? (rec.schedule.state = {});
    if (!start.manual) {
      if (!this.canTakeScheduledAction(rec)) return;
      if (state.limitedActions) state.remainingActions = Long.fromNumber(Number(state.remainingActions ?? 0) - 1);
    }
    const action = rec.schedule.action?.startWorkflow;
    if (!action) return;
    // The real server always appends the nominal time, so each action gets its own workflow id.
    const workflowId = `${action.workflowId}-${rfc3339Seconds(start.nominal)}`;
    const searchAttributes = {
      indexedFields: {
        ...(action.searchAttributes?.indexedFields ?? {}),
        TemporalScheduledStartTime: jsonPayload(rfc3339Seconds(start.nominal)),
        TemporalScheduledById: jsonPayload(rec.scheduleId),
      },
    };
    let runId: string;
    try {
      const out = this.engine.transact(() =>
        startWorkflow(this.engine, rec.namespace, {
          namespace: rec.namespace,
          workflowId,
          workflowType: action.workflowType,
          taskQueue: action.taskQueue,
          input: action.input,
          workflowExecutionTimeout: action.workflowExecutionTimeout,
          workflowRunTimeout: action.workflowRunTimeout,
          workflowTaskTimeout: action.workflowTaskTimeout,
          retryPolicy: action.retryPolicy,
          memo: action.memo,
          header: action.header,
          searchAttributes,
          identity: this.identity(rec),
          requestId: randomUUID(),
          userMetadata: action.userMetadata,
          lastCompletionResult: rec.lastCompletionResult,
          continuedFailure: rec.continuedFailure,
        }),
      );
      runId = out.exec.rec.runId;
    } catch (err) {
      // Like the real server, a start that fails (e.g. the id is taken) is logged and dropped.
      this.log(`dev server: schedule ${rec.scheduleId} could not start ${workflowId}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    rec.actionCount++;
    rec.recent = [
      ...rec.recent,
      // schedule_time is the jittered time (the id carries the nominal one), as on the real server.
      { scheduleTime: start.actual, actualTime: this.clock.now(), workflowId, runId, status: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_RUNNING },
    ].slice(-RECENT_ACTION_COUNT);
    // ALLOW_ALL runs are not tracked as running, so they never block later actions.
    if (nonOverlapping) {
      rec.running.push({ workflowId, runId });
      this.watch(rec, workflowId, runId);
    }
  }

  /** Drops closed runs from `running`, records their status, and pauses on failure if asked. */
  private refreshRunning(rec: ScheduleRecord): void {
    const still = [];
    for (const r of rec.running) {
      const exec = this.execution(rec, r.workflowId, r.runId);
      if (exec?.isOpen) {
        still.push(r);
        this.watch(rec, r.workflowId, r.runId);
        continue;
      }
      const status = exec?.rec.status ?? WorkflowStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED;
      // As on the real server, the next run sees the last result, or the failure since it.
      const close = exec?.events[exec.events.length - 1];
      if (status === WorkflowStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        // History events are stored with loose (number or Long) integers; payloads and failures hold none that matter here.
        rec.lastCompletionResult = (close?.workflowExecutionCompletedEventAttributes?.result ?? undefined) as Payloads | undefined;
        rec.continuedFailure = undefined;
      } else if (status === WorkflowStatus.WORKFLOW_EXECUTION_STATUS_FAILED) {
        rec.continuedFailure = (close?.workflowExecutionFailedEventAttributes?.failure ?? undefined) as Failure | undefined;
      }
      const recent = rec.recent.find((a) => a.workflowId === r.workflowId && a.runId === r.runId);
      if (recent) recent.status = status;
      const state = rec.schedule.state ?? (rec.schedule.state = {});
      const failed = status === WorkflowStatus.WORKFLOW_EXECUTION_STATUS_FAILED || status === WorkflowStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
      if (rec.schedule.policies?.pauseOnFailure && failed && !state.paused) {
        state.paused = true;
        state.notes =
          status === WorkflowStatus.WORKFLOW_EXECUTION_STATUS_FAILED
            ? `paused due to workflow failure: ${r.workflowId}: ${failureMessage(exec)}`
            : `paused due to workflow timeout: ${r.workflowId}`;
      }
    }
    rec.running = still;
  }

  private watch(rec: ScheduleRecord, workflowId: string, runId: string): void {
    const key = runKey(rec.namespace, workflowId, runId);
    if (this.watching.has(key)) return;
    this.watching.add(key);
    void (async () => {
      while (!this.stopped && this.engine.lookupRun(key)?.isOpen) await this.engine.waitForChange(key, BACKGROUND, WATCH_MS);
      this.watching.delete(key);
      const current = this.get(rec.namespace, rec.scheduleId);
      if (current && !this.stopped) this.tick(current);
    })();
  }

  /** Wakes the schedule at its next action time (none while paused: unpause ticks it). */
  private arm(rec: ScheduleRecord): void {
    const k = Schedules.key(rec.namespace, rec.scheduleId);
    this.wakes.get(k)?.();
    this.wakes.delete(k);
    if (this.stopped) return;
    const next = this.spec(rec).nextTime(this.jitterSeed(rec), Math.max(rec.processedUntil, this.clock.now()));
    if (!next) return;
    this.wakes.set(
      k,
      this.clock.wakeAt(next.next, () => {
        this.wakes.delete(k);
        const current = this.records.get(k);
        if (current) this.tick(current);
      }),
    );
  }
}

function failureMessage(exec: Execution | undefined): string {
  const last = exec?.events[exec.events.length - 1];
  return last?.workflowExecutionFailedEventAttributes?.failure?.message ?? '';
}
