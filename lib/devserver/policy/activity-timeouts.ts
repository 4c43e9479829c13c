/** The four activity timeouts in milliseconds; 0 means "not set" (or, after normalising, unlimited). */
export interface ActivityTimeouts {
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
}

const FIELD_NAMES: Record<keyof ActivityTimeouts, string> = {
  scheduleToCloseMs: 'schedule_to_close_timeout',
  scheduleToStartMs: 'schedule_to_start_timeout',
  startToCloseMs: 'start_to_close_timeout',
  heartbeatMs: 'heartbeat_timeout',
};

// Treats 0 as "unset", like durationpb-nil on the real server.
function minSet(a: number, b: number): number {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return Math.min(a, b);
}

/**
 * Fills in and clamps the timeouts of a `ScheduleActivityTask` command the way the real server does
 * (spec §4, `command_attr_validator`):
 *
 * - with schedule-to-close set, schedule-to-start and start-to-close default to it and are capped by it;
 * - otherwise, with start-to-close set, schedule-to-close (and an unset schedule-to-start) become the
 *   run timeout (0 = unlimited);
 * - with neither, the command is invalid: the server fails the workflow task with
 *   BAD_SCHEDULE_ACTIVITY_ATTRIBUTES and the returned `error`;
 * - everything is capped by a positive run timeout, and heartbeat by start-to-close.
 *
 * A negative or non-finite timeout is also an error naming the field.
 *
 * @example
 * ```ts
 * normalizeActivityTimeouts({ scheduleToCloseMs: 0, scheduleToStartMs: 0, startToCloseMs: 10_000, heartbeatMs: 0 }, 0);
 * // { scheduleToCloseMs: 0, scheduleToStartMs: 0, startToCloseMs: 10000, heartbeatMs: 0 }
 * ```
 */
export function normalizeActivityTimeouts(
  timeouts: ActivityTimeouts,
  runTimeoutMs: number,
): ActivityTimeouts | { error: string } {
  for (const key of Object.keys(FIELD_NAMES) as Array<keyof ActivityTimeouts>) {
    const value = timeouts[key] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return { error: `Invalid ${FIELD_NAMES[key]} on ScheduleActivityTaskCommand: ${String(value)}` };
    }
  }
  if (typeof runTimeoutMs !== 'number' || !Number.isFinite(runTimeoutMs) || runTimeoutMs < 0) {
    return { error: `Invalid workflow run timeout: ${String(runTimeoutMs)}` };
  }

  let scheduleToClose = timeouts.scheduleToCloseMs ?? 0;
  let scheduleToStart = timeouts.scheduleToStartMs ?? 0;
  let startToClose = timeouts.startToCloseMs ?? 0;
  let heartbeat = timeouts.heartbeatMs ?? 0;

  if (scheduleToClose > 0) {
    scheduleToStart = scheduleToStart > 0 ? Math.min(scheduleToStart, scheduleToClose) : scheduleToClose;
    startToClose = startToClose > 0 ? Math.min(startToClose, scheduleToClose) : scheduleToClose;
  } else if (startToClose > 0) {
    scheduleToClose = runTimeoutMs;
    if (scheduleToStart <= 0) scheduleToStart = runTimeoutMs;
  } else {
    return {
      error:
        'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
    };
  }

  if (runTimeoutMs > 0) {
    scheduleToClose = minSet(scheduleToClose, runTimeoutMs);
    scheduleToStart = minSet(scheduleToStart, runTimeoutMs);
    startToClose = minSet(startToClose, runTimeoutMs);
    heartbeat = heartbeat > 0 ? Math.min(heartbeat, runTimeoutMs) : 0;
  }
  // A heartbeat timeout longer than the attempt itself can never fire first.
  if (heartbeat > 0) heartbeat = Math.min(heartbeat, startToClose);

  return {
    scheduleToCloseMs: scheduleToClose,
    scheduleToStartMs: scheduleToStart,
    startToCloseMs: startToClose,
    heartbeatMs: heartbeat,
  };
}
