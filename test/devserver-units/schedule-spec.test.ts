import Long from 'long';
import { describe, expect, it } from 'vitest';
import { compileSpec, jitterOffset, SpecError, type ScheduleSpec } from '../../lib/devserver/schedules/spec';
import { parseCron } from '../../lib/devserver/schedules/calendar';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const sec = (s: number) => ({ seconds: Long.fromNumber(s), nanos: 0 });

function times(spec: ScheduleSpec, from: string, n: number): string[] {
  const c = compileSpec(spec);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = c.nextTime('seed', t);
    if (!next) break;
    out.push(iso(next.next)!);
    t = next.nominal;
  }
  return out;
}

function specError(spec: ScheduleSpec): string {
  try {
    compileSpec(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as Error).message;
  }
  throw new Error('expected the spec to be refused');
}

describe('schedule spec: calendars', () => {
  it('defaults second, minute and hour to 0 and the rest to every value', () => {
    expect(times({ calendar: [{ hour: '9' }] }, '2024-01-01T10:00:00Z', 2)).toEqual(['2024-01-02T09:00:00.000Z', '2024-01-03T09:00:00.000Z']);
  });

  it('reads ranges and steps', () => {
    expect(times({ calendar: [{ minute: '10-40/15', hour: '*' }] }, '2024-01-01T10:00:00Z', 4)).toEqual([
      '2024-01-01T10:10:00.000Z',
      '2024-01-01T10:25:00.000Z',
      '2024-01-01T10:40:00.000Z',
      '2024-01-01T11:10:00.000Z',
    ]);
  });

  it('ANDs day of month and day of week, as the real server does', () => {
    // Friday the 13th.
    expect(times({ calendar: [{ dayOfMonth: '13', dayOfWeek: 'fri' }] }, '2024-01-01T00:00:00Z', 2)).toEqual([
      '2024-09-13T00:00:00.000Z',
      '2024-12-13T00:00:00.000Z',
    ]);
  });

  it('takes the structured form as is, and canonicalises strings to it', () => {
    const c = compileSpec({ calendar: [{ hour: '9-17/2', dayOfWeek: 'mon-fri' }] });
    expect(c.canonical.structuredCalendar?.[0]).toMatchObject({
      hour: [{ start: 9, end: 17, step: 2 }],
      dayOfWeek: [{ start: 1, end: 5 }],
      year: [],
    });
    expect(times({ structuredCalendar: [{ second: [{ start: 30 }], minute: [{ start: 0, end: 59, step: 30 }], hour: [{ start: 0, end: 23 }], dayOfMonth: [{ start: 1, end: 31 }], month: [{ start: 1, end: 12 }], dayOfWeek: [{ start: 0, end: 6 }] }] }, '2024-01-01T00:00:00Z', 2)).toEqual([
      '2024-01-01T00:00:30.000Z',
      '2024-01-01T00:30:30.000Z',
    ]);
  });
});

describe('schedule spec: cron strings', () => {
  it('reads five, six and seven fields, macros and comments', () => {
    expect(times({ cronString: ['*/20 * * * *'] }, '2024-01-01T10:05:00Z', 2)).toEqual(['2024-01-01T10:20:00.000Z', '2024-01-01T10:40:00.000Z']);
    expect(times({ cronString: ['0 12 1 1 * 2026'] }, '2024-01-01T00:00:00Z', 2)).toEqual(['2026-01-01T12:00:00.000Z']);
    expect(times({ cronString: ['15 0 0 * * * *'] }, '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-01T00:00:15.000Z']);
    expect(times({ cronString: ['@hourly # every hour'] }, '2024-01-01T10:05:00Z', 1)).toEqual(['2024-01-01T11:00:00.000Z']);
    expect(parseCron('@daily # nightly').calendar?.comment).toBe('nightly');
  });

  it('reads @every with a phase as an interval', () => {
    expect(times({ cronString: ['@every 1h/15m'] }, '2024-01-01T10:20:00Z', 2)).toEqual(['2024-01-01T11:15:00.000Z', '2024-01-01T12:15:00.000Z']);
  });

  it('takes the zone of a CRON_TZ= prefix', () => {
    const c = compileSpec({ cronString: ['CRON_TZ=America/New_York 0 9 * * *'] });
    expect(c.canonical.timezoneName).toBe('America/New_York');
    expect(iso(c.nextTime('', at('2024-01-01T00:00:00Z'))?.next)).toBe('2024-01-01T14:00:00.000Z');
  });

  it('refuses bad lines with the real server explanations', () => {
    expect(specError({ cronString: ['61 * * * *'] })).toBe('Minute is not in range [0-59]');
    expect(specError({ cronString: ['* * *'] })).toBe('CronString does not have 5-7 fields');
    expect(specError({ cronString: ['CRON_TZ=Mars/Olympus 0 9 * * *'] })).toBe('unknown time zone Mars/Olympus');
    expect(specError({ cronString: ['CRON_TZ=Europe/Paris 0 9 * * *'], timezoneName: 'UTC' })).toBe('conflicting timezone names');
    expect(specError({ timezoneName: 'Nowhere/Land', interval: [{ interval: sec(60) }] })).toBe('unknown time zone Nowhere/Land');
  });
});

describe('schedule spec: intervals', () => {
  it('counts from the epoch plus the phase', () => {
    expect(times({ interval: [{ interval: sec(3600), phase: sec(900) }] }, '2024-01-01T10:20:00Z', 2)).toEqual([
      '2024-01-01T11:15:00.000Z',
      '2024-01-01T12:15:00.000Z',
    ]);
  });

  it('refuses an interval of 0 and a phase not below the interval', () => {
    expect(specError({ interval: [{ interval: sec(0) }] })).toBe('interval is too small');
    expect(specError({ interval: [{ interval: sec(60), phase: sec(60) }] })).toBe('phase cannot be greater than Interval');
  });
});

describe('schedule spec: exclusions, bounds and jitter', () => {
  it('skips excluded times', () => {
    expect(times({ calendar: [{ hour: '*' }], excludeCalendar: [{ hour: '11-12' }] }, '2024-01-01T10:00:00Z', 2)).toEqual([
      '2024-01-01T13:00:00.000Z',
      '2024-01-01T14:00:00.000Z',
    ]);
  });

  it('starts no earlier than start_time (inclusive) and ends at end_time', () => {
    const spec: ScheduleSpec = {
      interval: [{ interval: sec(3600) }],
      startTime: sec(at('2024-01-01T12:00:00Z') / 1000),
      endTime: sec(at('2024-01-01T14:00:00Z') / 1000),
    };
    expect(times(spec, '2024-01-01T00:00:00Z', 5)).toEqual(['2024-01-01T12:00:00.000Z', '2024-01-01T13:00:00.000Z', '2024-01-01T14:00:00.000Z']);
  });

  it('jitters deterministically within the jitter and before the next nominal time', () => {
    const c = compileSpec({ interval: [{ interval: sec(60) }], jitter: sec(3600) });
    let t = at('2024-01-01T00:00:00Z');
    const offsets = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const n = c.nextTime('ns-sched', t)!;
      expect(n.next - n.nominal).toBeGreaterThanOrEqual(0);
      expect(n.next - n.nominal).toBeLessThan(60_000);
      expect(c.nextTime('ns-sched', t)).toEqual(n);
      offsets.add(n.next - n.nominal);
      t = n.nominal;
    }
    expect(offsets.size).toBeGreaterThan(150);
    expect(jitterOffset('a', 0, 1000)).toBe(jitterOffset('a', 0, 1000));
    expect(jitterOffset('a', 0, 0)).toBe(0);
  });
});

describe('schedule spec: DST in America/New_York', () => {
  const ny = 'America/New_York';

  it('skips a wall time inside the spring-forward gap (2024-03-10 02:30 does not exist)', () => {
    expect(times({ calendar: [{ hour: '2', minute: '30' }], timezoneName: ny }, '2024-03-09T00:00:00Z', 2)).toEqual([
      '2024-03-09T07:30:00.000Z', // 02:30 EST
      '2024-03-11T06:30:00.000Z', // 02:30 EDT; March 10 has no 02:30
    ]);
  });

  it('fires a wall time in the repeated hour twice when DST ends (2024-11-03 01:30)', () => {
    expect(times({ calendar: [{ hour: '1', minute: '30' }], timezoneName: ny }, '2024-11-02T12:00:00Z', 3)).toEqual([
      '2024-11-03T05:30:00.000Z', // 01:30 EDT
      '2024-11-03T06:30:00.000Z', // 01:30 EST
      '2024-11-04T06:30:00.000Z',
    ]);
  });

  it('keeps 09:00 local across the change (the UTC instant moves by an hour)', () => {
    expect(times({ cronString: ['0 9 * * *'], timezoneName: ny }, '2024-03-09T00:00:00Z', 2)).toEqual(['2024-03-09T14:00:00.000Z', '2024-03-10T13:00:00.000Z']);
  });

  it('keeps intervals in absolute time, whatever the zone', () => {
    expect(times({ interval: [{ interval: sec(3600) }], timezoneName: ny }, '2024-11-03T04:30:00Z', 3)).toEqual([
      '2024-11-03T05:00:00.000Z',
      '2024-11-03T06:00:00.000Z',
      '2024-11-03T07:00:00.000Z',
    ]);
  });
});
