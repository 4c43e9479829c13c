/**
 * A schedule's state as the dev server keeps and persists it: the canonical Schedule message plus
 * the bookkeeping the real scheduler workflow keeps (counters, buffer, running and recent actions,
 * the time up to which the spec has been evaluated). It is plain JSON with protobuf messages as
 * base64, so the SQLite store holds it as one record.
 */
import { fromB64, optionalFromB64, optionalToB64, toB64 } from '../codec';
import { common, temporal } from '../proto';
import type { BufferedStart } from './buffer';

export type Schedule = temporal.api.schedule.v1.ISchedule;
const ScheduleMsg = temporal.api.schedule.v1.Schedule;
const FailureMsg = temporal.api.failure.v1.Failure;

export interface RunningWorkflow {
  workflowId: string;
  runId: string;
}

export interface RecentAction extends RunningWorkflow {
  scheduleTime: number;
  actualTime: number;
  /** WorkflowExecutionStatus, updated when the run closes. */
  status: number;
}

export interface ScheduleRecord {
  namespace: string;
  scheduleId: string;
  schedule: Schedule;
  memo?: temporal.api.common.v1.IMemo;
  searchAttributes?: temporal.api.common.v1.ISearchAttributes;
  /** Bumped on every change to the schedule; UpdateSchedule with an older token is dropped. */
  conflictToken: number;
  createTime: number;
  updateTime: number;
  /** Spec times up to here have been handled (started, buffered, skipped or missed). */
  processedUntil: number;
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  bufferDropped: number;
  buffer: BufferedStart[];
  running: RunningWorkflow[];
  recent: RecentAction[];
  /** Result of the last completed tracked run, handed to the next run (workflowInfo().lastResult). */
  lastCompletionResult?: temporal.api.common.v1.IPayloads;
  /** Failure of the last failed tracked run since the last completion (workflowInfo().lastFailure). */
  continuedFailure?: temporal.api.failure.v1.IFailure;
}

interface StoredRecord extends Omit<ScheduleRecord, 'schedule' | 'memo' | 'searchAttributes' | 'lastCompletionResult' | 'continuedFailure'> {
  schedule: string;
  memo?: string;
  searchAttributes?: string;
  lastCompletionResult?: string;
  continuedFailure?: string;
}

export function scheduleStoreKey(namespace: string, scheduleId: string): string {
  return `schedule/${encodeURIComponent(namespace)}/${encodeURIComponent(scheduleId)}`;
}

export function encodeRecord(rec: ScheduleRecord): string {
  const stored: StoredRecord = {
    ...rec,
    schedule: toB64(ScheduleMsg, ScheduleMsg.fromObject(rec.schedule as object)),
    memo: optionalToB64(common.Memo, rec.memo ? common.Memo.fromObject(rec.memo as object) : undefined),
    searchAttributes: optionalToB64(
      common.SearchAttributes,
      rec.searchAttributes ? common.SearchAttributes.fromObject(rec.searchAttributes as object) : undefined,
    ),
    lastCompletionResult: optionalToB64(common.Payloads, rec.lastCompletionResult ? common.Payloads.fromObject(rec.lastCompletionResult as object) : undefined),
    continuedFailure: optionalToB64(FailureMsg, rec.continuedFailure ? FailureMsg.fromObject(rec.continuedFailure as object) : undefined),
  };
  return JSON.stringify(stored);
}

export function decodeRecord(json: string): ScheduleRecord {
  const stored = JSON.parse(json) as StoredRecord;
  return {
    ...stored,
    schedule: fromB64(ScheduleMsg, stored.schedule),
    memo: optionalFromB64(common.Memo, stored.memo),
    searchAttributes: optionalFromB64(common.SearchAttributes, stored.searchAttributes),
    lastCompletionResult: optionalFromB64(common.Payloads, stored.lastCompletionResult),
    continuedFailure: optionalFromB64(FailureMsg, stored.continuedFailure),
  };
}
