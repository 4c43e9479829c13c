/**
 * The schedule RPCs: CreateSchedule, DescribeSchedule, UpdateSchedule, PatchSchedule,
 * DeleteSchedule, ListSchedules and ListScheduleMatchingTimes. Handlers validate and translate;
 * the Schedules runner (lib/devserver/schedules) owns the state and the actions. Errors are worded
 * as the real server's (1.29) because clients map them: ALREADY_EXISTS becomes
 * ScheduleAlreadyRunning and NOT_FOUND ScheduleNotFoundError in the official client.
 */
import Long from 'long';
import type { temporal } from '@temporalio/proto';
import { msToDuration, msToTimestamp, timestampToMs } from '../codec';
import { invalidArgument, workflowAlreadyStarted, workflowNotFound } from '../errors';
import { enums, WorkflowStatus } from '../proto';
import type { Engine } from '../engine/engine';
import { requireValidSearchAttributes } from '../engine/search-attributes';
import { decodeSearchAttributes, queryExecutions, VisibilityQueryError, type VisibilityRecord } from '../visibility';
import type { WorkflowServiceHandlers } from '../transport';
import type { ScheduleRecord, Schedule } from '../schedules/record';
import { FUTURE_ACTION_COUNT, Schedules } from '../schedules/scheduler';
import { compileSpec, SpecError, type CompiledSpec } from '../schedules/spec';

type CreateRes = temporal.api.workflowservice.v1.ICreateScheduleResponse;
type DescribeRes = temporal.api.workflowservice.v1.IDescribeScheduleResponse;
type UpdateRes = temporal.api.workflowservice.v1.IUpdateScheduleResponse;
type PatchRes = temporal.api.workflowservice.v1.IPatchScheduleResponse;
type DeleteRes = temporal.api.workflowservice.v1.IDeleteScheduleResponse;
type ListRes = temporal.api.workflowservice.v1.IListSchedulesResponse;
type TimesRes = temporal.api.workflowservice.v1.IListScheduleMatchingTimesResponse;
type SchedulePatch = temporal.api.schedule.v1.ISchedulePatch;

const P = enums.ScheduleOverlapPolicy;
/** The real server runs each schedule as a workflow with this id; its errors name it. */
const schedulerWorkflowId = (scheduleId: string): string => `temporal-sys-scheduler:${scheduleId}`;

function tokenBytes(n: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

function tokenNumber(bytes: Uint8Array | null | undefined): number | undefined {
  if (!bytes || bytes.length !== 8) return undefined;
  return Number(Buffer.from(bytes).readBigInt64BE());
}

/** Compiles a spec, turning its explanation into the real server's INVALID_ARGUMENT. */
function compile(spec: temporal.api.schedule.v1.IScheduleSpec | null | undefined): CompiledSpec {
  try {
    return compileSpec(spec ?? {});
  } catch (err) {
    if (err instanceof SpecError) throw invalidArgument(`Invalid schedule spec: ${err.message}`);
    throw err;
  }
}

/** Validates a schedule and returns it in the form the server stores (canonical spec). */
function canonicalSchedule(engine: Engine, namespace: string, schedule: Schedule | null | undefined): Schedule {
  if (!schedule) throw invalidArgument('schedule is not set');
  const compiled = compile(schedule.spec);
  const start = schedule.action?.startWorkflow;
  if (!start) throw invalidArgument('schedule.action is not set');
  if (!start.workflowId) throw invalidArgument('WorkflowId is not set on request.');
  if (!start.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
  if (!start.taskQueue?.name) throw invalidArgument('missing task queue name');
  requireValidSearchAttributes(engine, namespace, start.searchAttributes);
  const state = { ...(schedule.state ?? {}) };
  // remaining_actions only means something with limited_actions (the real server clears it).
  if (!state.limitedActions) state.remainingActions = Long.ZERO;
  return {
    spec: compiled.canonical,
    action: schedule.action,
    policies: { ...(schedule.policies ?? {}), overlapPolicy: schedule.policies?.overlapPolicy || P.SCHEDULE_OVERLAP_POLICY_SKIP },
    state,
  };
}

function requireSchedule(schedules: Schedules, namespace: string, scheduleId: string | null | undefined): ScheduleRecord {
  if (!scheduleId) throw invalidArgument('ScheduleId is not set on request.');
  const rec = schedules.get(namespace, scheduleId);
  if (!rec) throw workflowNotFound(schedulerWorkflowId(scheduleId));
  return rec;
}

/** Applies trigger, backfill, pause and unpause, in the real server's order. */
function applyPatch(schedules: Schedules, rec: ScheduleRecord, patch: SchedulePatch | null | undefined): void {
  if (!patch) return;
  const now = schedules.clock.now();
  if (patch.triggerImmediately) {
    const at = patch.triggerImmediately.scheduledTime ? timestampToMs(patch.triggerImmediately.scheduledTime) : now;
    schedules.addStart(rec, { nominal: at, actual: now, overlap: patch.triggerImmediately.overlapPolicy ?? 0, manual: true });
  }
  for (const b of patch.backfillRequest ?? []) {
    const start = timestampToMs(b.startTime);
    const end = timestampToMs(b.endTime);
    // The start of a backfill range is inclusive (the real server starts just before it).
    schedules.processTimeRange(rec, start - 1, end, b.overlapPolicy ?? 0, true);
  }
  const state = rec.schedule.state ?? (rec.schedule.state = {});
  if (patch.pause) {
    state.paused = true;
    state.notes = patch.pause;
  }
  if (patch.unpause) {
    state.paused = false;
    state.notes = patch.unpause;
  }
}

function scheduleInfo(schedules: Schedules, rec: ScheduleRecord): temporal.api.schedule.v1.IScheduleInfo {
  const now = schedules.clock.now();
  return {
    actionCount: Long.fromNumber(rec.actionCount),
    missedCatchupWindow: Long.fromNumber(rec.missedCatchupWindow),
    overlapSkipped: Long.fromNumber(rec.overlapSkipped),
    bufferDropped: Long.fromNumber(rec.bufferDropped),
    bufferSize: Long.fromNumber(rec.buffer.length),
    runningWorkflows: rec.running.map((r) => ({ workflowId: r.workflowId, runId: r.runId })),
    recentActions: rec.recent.map((a) => ({
      scheduleTime: msToTimestamp(a.scheduleTime),
      actualTime: msToTimestamp(a.actualTime),
      startWorkflowResult: { workflowId: a.workflowId, runId: a.runId },
      startWorkflowStatus: a.status,
    })),
    futureActionTimes: schedules.futureTimes(rec, now, FUTURE_ACTION_COUNT).map(msToTimestamp),
    createTime: msToTimestamp(rec.createTime),
    updateTime: rec.updateTime !== rec.createTime ? msToTimestamp(rec.updateTime) : undefined,
  };
}

/** The schedule as describe() shows it: policies with the catchup window in effect. */
function describedSchedule(schedules: Schedules, rec: ScheduleRecord): Schedule {
  return { ...rec.schedule, policies: { ...rec.schedule.policies, catchupWindow: msToDuration(schedules.catchupWindowMs(rec)) } };
}

function visibilityRecord(engine: Engine, schedules: Schedules, rec: ScheduleRecord): VisibilityRecord {
  const custom = decodeSearchAttributes(
    (rec.searchAttributes?.indexedFields ?? {}) as Parameters<typeof decodeSearchAttributes>[0],
    engine.registry(rec.namespace),
  );
  return {
    namespace: rec.namespace,
    workflowId: rec.scheduleId,
    runId: '',
    workflowType: rec.schedule.action?.startWorkflow?.workflowType?.name ?? '',
    taskQueue: rec.schedule.action?.startWorkflow?.taskQueue?.name ?? '',
    status: WorkflowStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTime: rec.createTime,
    executionTime: rec.createTime,
    historyLength: 0,
    searchAttributes: { ...custom, TemporalSchedulePaused: rec.schedule.state?.paused === true },
  };
}

function decodeOffset(bytes: Uint8Array | null | undefined): number {
  if (!bytes || bytes.length === 0) return 0;
  const n = Number(Buffer.from(bytes).toString('utf8'));
  if (!Number.isInteger(n) || n < 0) throw invalidArgument('next_page_token is malformed');
  return n;
}

export function scheduleHandlers(engine: Engine, schedules: Schedules): WorkflowServiceHandlers {
  return {
    async createSchedule(req): Promise<CreateRes> {
      const ns = engine.requireNamespace(req.namespace);
      if (!req.scheduleId) throw invalidArgument('ScheduleId is not set on request.');
      const existing = schedules.get(ns.name, req.scheduleId);
      if (existing) throw workflowAlreadyStarted(schedulerWorkflowId(req.scheduleId), req.requestId ?? '', `${existing.createTime}`);
      const schedule = canonicalSchedule(engine, ns.name, req.schedule);
      requireValidSearchAttributes(engine, ns.name, req.searchAttributes);
      const now = schedules.clock.now();
      const rec: ScheduleRecord = {
        namespace: ns.name,
        scheduleId: req.scheduleId,
        schedule,
        memo: req.memo ?? undefined,
        searchAttributes: req.searchAttributes ?? undefined,
        conflictToken: 1,
        createTime: now,
        updateTime: now,
        processedUntil: now,
        actionCount: 0,
        missedCatchupWindow: 0,
        overlapSkipped: 0,
        bufferDropped: 0,
        buffer: [],
        running: [],
        recent: [],
      };
      applyPatch(schedules, rec, req.initialPatch);
      schedules.put(rec);
      return { conflictToken: tokenBytes(rec.conflictToken) };
    },

    async describeSchedule(req): Promise<DescribeRes> {
      const ns = engine.requireNamespace(req.namespace);
      const rec = requireSchedule(schedules, ns.name, req.scheduleId);
      schedules.tick(rec);
      return {
        schedule: describedSchedule(schedules, rec),
        info: scheduleInfo(schedules, rec),
        memo: rec.memo,
        searchAttributes: rec.searchAttributes,
        conflictToken: tokenBytes(rec.conflictToken),
      };
    },

    async updateSchedule(req): Promise<UpdateRes> {
      const ns = engine.requireNamespace(req.namespace);
      const rec = requireSchedule(schedules, ns.name, req.scheduleId);
      const schedule = canonicalSchedule(engine, ns.name, req.schedule);
      if (req.searchAttributes) requireValidSearchAttributes(engine, ns.name, req.searchAttributes);
      // A stale conflict token: the real server accepts the call and drops the update.
      const token = tokenNumber(req.conflictToken);
      if (req.conflictToken && req.conflictToken.length > 0 && token !== rec.conflictToken) return {};
      schedules.tick(rec);
      rec.schedule = schedule;
      if (req.searchAttributes) rec.searchAttributes = req.searchAttributes;
      schedules.changed(rec);
      // The new spec applies from now on; earlier times belong to the old one.
      rec.processedUntil = schedules.clock.now();
      schedules.put(rec);
      return {};
    },

    async patchSchedule(req): Promise<PatchRes> {
      const ns = engine.requireNamespace(req.namespace);
      const rec = requireSchedule(schedules, ns.name, req.scheduleId);
      schedules.tick(rec);
      applyPatch(schedules, rec, req.patch);
      if (req.patch?.pause || req.patch?.unpause) schedules.changed(rec);
      schedules.put(rec);
      return {};
    },

    async deleteSchedule(req): Promise<DeleteRes> {
      const ns = engine.requireNamespace(req.namespace);
      schedules.remove(requireSchedule(schedules, ns.name, req.scheduleId));
      return {};
    },

    async listSchedules(req): Promise<ListRes> {
      const ns = engine.requireNamespace(req.namespace);
      const byRecord = new Map<VisibilityRecord, ScheduleRecord>();
      for (const rec of schedules.records.values()) if (rec.namespace === ns.name) byRecord.set(visibilityRecord(engine, schedules, rec), rec);
      let matched: VisibilityRecord[];
      try {
        matched = queryExecutions(byRecord.keys(), req.query ?? '', engine.registry(ns.name));
      } catch (err) {
        if (err instanceof VisibilityQueryError) throw invalidArgument(err.message);
        throw err;
      }
      matched.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
      const offset = decodeOffset(req.nextPageToken);
      const size = req.maximumPageSize && req.maximumPageSize > 0 ? req.maximumPageSize : 1000;
      const page = matched.slice(offset, offset + size);
      const next = offset + page.length;
      const now = schedules.clock.now();
      return {
        schedules: page.map((v) => {
          const rec = byRecord.get(v) as ScheduleRecord;
          return {
            scheduleId: rec.scheduleId,
            memo: rec.memo,
            searchAttributes: rec.searchAttributes,
            info: {
              spec: rec.schedule.spec,
              workflowType: rec.schedule.action?.startWorkflow?.workflowType,
              notes: rec.schedule.state?.notes ?? '',
              paused: rec.schedule.state?.paused ?? false,
              recentActions: scheduleInfo(schedules, rec).recentActions?.slice(-5),
              // The real server lists five future times in List (ten in Describe).
              futureActionTimes: schedules.futureTimes(rec, now, 5).map(msToTimestamp),
            },
          };
        }),
        nextPageToken: next < matched.length ? Buffer.from(String(next), 'utf8') : undefined,
      };
    },

    async listScheduleMatchingTimes(req): Promise<TimesRes> {
      const ns = engine.requireNamespace(req.namespace);
      const rec = requireSchedule(schedules, ns.name, req.scheduleId);
      const end = timestampToMs(req.endTime);
      const out: number[] = [];
      const spec = schedules.spec(rec);
      const seed = schedules.jitterSeed(rec);
      // The real server caps the answer at 1000 times.
      for (let t = spec.nextTime(seed, timestampToMs(req.startTime)); t && t.next <= end && out.length < 1000; t = spec.nextTime(seed, t.next)) {
        out.push(t.next);
      }
      return { startTime: out.map(msToTimestamp) };
    },
  };
}
