import { describe, expect, it } from 'vitest';
import { processBuffer, type BufferedStart } from '../../lib/devserver/schedules/buffer';
import { ManualClock } from '../../lib/devserver/schedules/clock';
import { temporal } from '@temporalio/proto';

const P = temporal.api.enums.v1.ScheduleOverlapPolicy;
const starts = (n: number, overlap = 0): BufferedStart[] => Array.from({ length: n }, (_, i) => ({ nominal: i, actual: i, overlap, manual: false }));
const decide = (policy: number, n: number, running: boolean) => processBuffer(starts(n), running, () => policy);

describe('schedule overlap buffer (the real server ProcessBuffer)', () => {
  it('starts the first start when nothing runs, whatever the policy', () => {
    for (const p of [P.SCHEDULE_OVERLAP_POLICY_SKIP, P.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE, P.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL]) {
      expect(decide(p, 1, false).nonOverlapping?.nominal).toBe(0);
    }
  });

  it('SKIP drops what overlaps; BUFFER_ONE keeps one; BUFFER_ALL keeps all', () => {
    expect(decide(P.SCHEDULE_OVERLAP_POLICY_SKIP, 3, true)).toMatchObject({ overlapSkipped: 3, newBuffer: [] });
    const one = decide(P.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE, 3, true);
    expect([one.overlapSkipped, one.newBuffer.map((s) => s.nominal)]).toEqual([2, [0]]);
    expect(decide(P.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL, 3, true).newBuffer).toHaveLength(3);
  });

  it('CANCEL_OTHER and TERMINATE_OTHER ask to stop the running one and keep the starts', () => {
    expect(decide(P.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER, 2, true)).toMatchObject({ needCancel: true, needTerminate: false });
    expect(decide(P.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER, 2, true)).toMatchObject({ needTerminate: true });
    // Nothing running: the latest start wins.
    expect(decide(P.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER, 3, false).nonOverlapping?.nominal).toBe(2);
  });

  it('ALLOW_ALL starts everything alongside, but not while others are being stopped', () => {
    expect(decide(P.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 3, true).overlapping).toHaveLength(3);
    const mixed = processBuffer([...starts(1, P.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL), ...starts(1, P.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER)], true, (p) => p);
    expect([mixed.overlapping.length, mixed.needTerminate]).toEqual([0, true]);
  });
});

describe('ManualClock', () => {
  it('fires wake-ups in time order as it moves, with now() at each one', () => {
    const c = new ManualClock(1000);
    const seen: Array<[string, number]> = [];
    c.wakeAt(3000, () => seen.push(['b', c.now()]));
    c.wakeAt(2000, () => seen.push(['a', c.now()]));
    const cancel = c.wakeAt(2500, () => seen.push(['x', c.now()]));
    cancel();
    c.advance(5000);
    expect(seen).toEqual([['a', 2000], ['b', 3000]]);
    expect(c.now()).toBe(6000);
    c.set(10);
    expect(c.now()).toBe(6000);
  });
});
