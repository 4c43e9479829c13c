/**
 * What to do with buffered starts given whether a scheduled workflow is running: a port of the real
 * server's ProcessBuffer (service/worker/scheduler/buffer.go, 1.29), so every overlap policy decides
 * exactly as it does there.
 */
import { enums } from '../proto';

const P = enums.ScheduleOverlapPolicy;

export interface BufferedStart {
  /** Nominal (spec) time, ms. */
  nominal: number;
  /** Nominal time plus jitter (or the trigger time), ms. */
  actual: number;
  /** The overlap policy this start asked for; UNSPECIFIED means the schedule's. */
  overlap: number;
  /** Trigger and backfill starts: they ignore pause and limited actions. */
  manual: boolean;
}

export interface BufferDecision {
  overlapping: BufferedStart[];
  nonOverlapping?: BufferedStart;
  newBuffer: BufferedStart[];
  needCancel: boolean;
  needTerminate: boolean;
  overlapSkipped: number;
}

export function processBuffer(buffer: BufferedStart[], isRunning: boolean, resolve: (policy: number) => number): BufferDecision {
  const out: BufferDecision = { overlapping: [], newBuffer: [], needCancel: false, needTerminate: false, overlapSkipped: 0 };
  for (const start of buffer) {
    const policy = resolve(start.overlap);
    if (policy === P.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL) {
      out.overlapping.push(start);
      continue;
    }
    if (!isRunning && out.nonOverlapping === undefined) {
      out.nonOverlapping = start;
      continue;
    }
    switch (policy) {
      case P.SCHEDULE_OVERLAP_POLICY_SKIP:
        out.overlapSkipped++;
        break;
      case P.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE:
        if (out.newBuffer.length === 0) out.newBuffer.push(start);
        else out.overlapSkipped++;
        break;
      case P.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL:
        out.newBuffer.push(start);
        break;
      case P.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER:
      case P.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER:
        if (isRunning) {
          if (policy === P.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER) out.needCancel = true;
          else out.needTerminate = true;
          out.newBuffer.push(start);
        } else {
          // Not running: the latest such start replaces the earlier one.
          out.nonOverlapping = start;
        }
        break;
    }
  }
  // While others are being cancelled or terminated, nothing else starts alongside them.
  if (out.needCancel || out.needTerminate) out.overlapping = [];
  return out;
}
