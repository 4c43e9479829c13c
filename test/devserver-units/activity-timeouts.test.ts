import { describe, expect, it } from 'vitest';
import { normalizeActivityTimeouts } from '../../lib/devserver/policy';

const none = { scheduleToCloseMs: 0, scheduleToStartMs: 0, startToCloseMs: 0, heartbeatMs: 0 };

describe('normalizeActivityTimeouts', () => {
  it('defaults schedule-to-start and start-to-close to schedule-to-close', () => {
    expect(normalizeActivityTimeouts({ ...none, scheduleToCloseMs: 60_000 }, 0)).toEqual({
      scheduleToCloseMs: 60_000,
      scheduleToStartMs: 60_000,
      startToCloseMs: 60_000,
      heartbeatMs: 0,
    });
  });

  it('caps schedule-to-start and start-to-close at schedule-to-close', () => {
    expect(
      normalizeActivityTimeouts({ ...none, scheduleToCloseMs: 10_000, scheduleToStartMs: 20_000, startToCloseMs: 30_000 }, 0),
    ).toMatchObject({ scheduleToStartMs: 10_000, startToCloseMs: 10_000 });
  });

  it('keeps shorter schedule-to-start and start-to-close values', () => {
    expect(
      normalizeActivityTimeouts({ ...none, scheduleToCloseMs: 10_000, scheduleToStartMs: 2_000, startToCloseMs: 3_000 }, 0),
    ).toMatchObject({ scheduleToStartMs: 2_000, startToCloseMs: 3_000 });
  });

  it('with only start-to-close and no run timeout, leaves schedule-to-close and schedule-to-start unlimited', () => {
    expect(normalizeActivityTimeouts({ ...none, startToCloseMs: 5_000 }, 0)).toEqual({
      scheduleToCloseMs: 0,
      scheduleToStartMs: 0,
      startToCloseMs: 5_000,
      heartbeatMs: 0,
    });
  });

  it('with only start-to-close, uses the run timeout for schedule-to-close and schedule-to-start', () => {
    expect(normalizeActivityTimeouts({ ...none, startToCloseMs: 5_000 }, 60_000)).toEqual({
      scheduleToCloseMs: 60_000,
      scheduleToStartMs: 60_000,
      startToCloseMs: 5_000,
      heartbeatMs: 0,
    });
  });

  it('keeps an explicit schedule-to-start when only start-to-close is set', () => {
    expect(normalizeActivityTimeouts({ ...none, startToCloseMs: 5_000, scheduleToStartMs: 1_000 }, 0)).toMatchObject({
      scheduleToStartMs: 1_000,
    });
  });

  it('clamps every timeout to a positive run timeout', () => {
    expect(
      normalizeActivityTimeouts(
        { scheduleToCloseMs: 100_000, scheduleToStartMs: 90_000, startToCloseMs: 80_000, heartbeatMs: 70_000 },
        30_000,
      ),
    ).toEqual({ scheduleToCloseMs: 30_000, scheduleToStartMs: 30_000, startToCloseMs: 30_000, heartbeatMs: 30_000 });
  });

  it('caps the heartbeat timeout at start-to-close', () => {
    expect(normalizeActivityTimeouts({ ...none, startToCloseMs: 5_000, heartbeatMs: 10_000 }, 0)).toMatchObject({
      heartbeatMs: 5_000,
    });
  });

  it('keeps a shorter heartbeat timeout', () => {
    expect(normalizeActivityTimeouts({ ...none, startToCloseMs: 5_000, heartbeatMs: 1_000 }, 0)).toMatchObject({
      heartbeatMs: 1_000,
    });
  });

  it('rejects a command with neither start-to-close nor schedule-to-close, naming both fields', () => {
    const result = normalizeActivityTimeouts({ ...none, scheduleToStartMs: 1_000, heartbeatMs: 1_000 }, 0);
    expect(result).toEqual({
      error: 'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
    });
  });

  it('rejects a negative timeout naming the field', () => {
    expect(normalizeActivityTimeouts({ ...none, startToCloseMs: 5_000, heartbeatMs: -1 }, 0)).toEqual({
      error: 'Invalid heartbeat_timeout on ScheduleActivityTaskCommand: -1',
    });
  });

  it('rejects a non-finite timeout naming the field', () => {
    const result = normalizeActivityTimeouts({ ...none, scheduleToCloseMs: Number.NaN }, 0);
    expect(result).toEqual({ error: 'Invalid schedule_to_close_timeout on ScheduleActivityTaskCommand: NaN' });
  });
});
