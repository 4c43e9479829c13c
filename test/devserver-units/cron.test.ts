import { describe, expect, it } from 'vitest';
import {
  cronBackoffMs,
  CronScheduleError,
  nextCronTime,
  parseGoDurationNanos,
  validateCronSchedule,
} from '../../lib/devserver/policy';

const at = (iso: string): number => Date.parse(iso);

function cronError(schedule: string): CronScheduleError {
  try {
    validateCronSchedule(schedule);
  } catch (err) {
    expect(err).toBeInstanceOf(CronScheduleError);
    return err as CronScheduleError;
  }
  throw new Error(`expected ${JSON.stringify(schedule)} to be rejected`);
}

describe('nextCronTime: five-field schedules (UTC)', () => {
  it('finds the next step of a */15 minute field', () => {
    expect(nextCronTime('*/15 * * * *', at('2024-01-01T10:07:00Z'))).toBe(at('2024-01-01T10:15:00Z'));
  });

  it('is strictly after the given instant', () => {
    expect(nextCronTime('*/15 * * * *', at('2024-01-01T10:15:00Z'))).toBe(at('2024-01-01T10:30:00Z'));
  });

  it('ignores the seconds of the given instant', () => {
    expect(nextCronTime('* * * * *', at('2024-01-01T10:15:59.999Z'))).toBe(at('2024-01-01T10:16:00Z'));
  });

  it('rolls over hour, day, month and year boundaries', () => {
    expect(nextCronTime('0 0 1 1 *', at('2024-06-15T12:00:00Z'))).toBe(at('2025-01-01T00:00:00Z'));
  });

  it('supports day-of-week ranges with names', () => {
    // 2024-01-06 is a Saturday.
    expect(nextCronTime('0 9 * * MON-FRI', at('2024-01-06T12:00:00Z'))).toBe(at('2024-01-08T09:00:00Z'));
  });

  it('supports month names and lists', () => {
    expect(nextCronTime('0 0 1 jan,jul *', at('2024-02-01T00:00:00Z'))).toBe(at('2024-07-01T00:00:00Z'));
  });

  it('fires when either restricted day field matches (Vixie cron rule)', () => {
    // Friday 2024-01-05 comes before the 13th.
    expect(nextCronTime('0 0 13 * FRI', at('2024-01-01T00:00:00Z'))).toBe(at('2024-01-05T00:00:00Z'));
  });

  it('requires both day fields when one of them is *', () => {
    expect(nextCronTime('0 0 13 * *', at('2024-01-01T00:00:00Z'))).toBe(at('2024-01-13T00:00:00Z'));
    expect(nextCronTime('0 0 * * 5', at('2024-01-01T00:00:00Z'))).toBe(at('2024-01-05T00:00:00Z'));
  });

  it('accepts ? as *', () => {
    expect(nextCronTime('0 6 ? * *', at('2024-01-01T07:00:00Z'))).toBe(at('2024-01-02T06:00:00Z'));
  });

  it('reads N/step as N through the maximum', () => {
    expect(nextCronTime('5/20 * * * *', at('2024-01-01T10:26:00Z'))).toBe(at('2024-01-01T10:45:00Z'));
  });

  it('supports ranges with steps', () => {
    expect(nextCronTime('0 8-18/4 * * *', at('2024-01-01T12:30:00Z'))).toBe(at('2024-01-01T16:00:00Z'));
  });

  it('skips months without the requested day', () => {
    expect(nextCronTime('0 0 31 * *', at('2024-02-01T00:00:00Z'))).toBe(at('2024-03-31T00:00:00Z'));
  });

  it('returns Infinity for a schedule that never fires', () => {
    expect(nextCronTime('0 0 30 2 *', at('2024-01-01T00:00:00Z'))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('nextCronTime: descriptors', () => {
  it('expands @hourly, @daily and @weekly', () => {
    expect(nextCronTime('@hourly', at('2024-01-01T10:30:00Z'))).toBe(at('2024-01-01T11:00:00Z'));
    expect(nextCronTime('@daily', at('2024-01-01T10:30:00Z'))).toBe(at('2024-01-02T00:00:00Z'));
    expect(nextCronTime('@weekly', at('2024-01-01T10:30:00Z'))).toBe(at('2024-01-07T00:00:00Z'));
  });

  it('expands @monthly, @yearly and @annually', () => {
    expect(nextCronTime('@monthly', at('2024-01-15T00:00:00Z'))).toBe(at('2024-02-01T00:00:00Z'));
    expect(nextCronTime('@yearly', at('2024-01-15T00:00:00Z'))).toBe(at('2025-01-01T00:00:00Z'));
    expect(nextCronTime('@annually', at('2024-01-15T00:00:00Z'))).toBe(at('2025-01-01T00:00:00Z'));
  });

  it('adds an @every interval to the instant truncated to the second', () => {
    expect(nextCronTime('@every 90s', at('2024-01-01T10:00:00.750Z'))).toBe(at('2024-01-01T10:01:30Z'));
  });

  it('accepts Go duration syntax in @every', () => {
    expect(nextCronTime('@every 1h30m', at('2024-01-01T10:00:00Z'))).toBe(at('2024-01-01T11:30:00Z'));
  });

  it('raises @every intervals below a second to one second', () => {
    expect(nextCronTime('@every 500ms', at('2024-01-01T10:00:00Z'))).toBe(at('2024-01-01T10:00:01Z'));
  });
});

describe('nextCronTime: time zones', () => {
  it('interprets the fields in the CRON_TZ zone', () => {
    // 06:00 in Tokyo (UTC+9) is 21:00 UTC the day before.
    expect(nextCronTime('CRON_TZ=Asia/Tokyo 0 6 * * *', at('2024-01-01T00:00:00Z'))).toBe(at('2024-01-01T21:00:00Z'));
  });

  it('accepts the TZ= spelling', () => {
    expect(nextCronTime('TZ=Europe/Paris 0 9 * * *', at('2024-07-01T00:00:00Z'))).toBe(at('2024-07-01T07:00:00Z'));
  });

  it('follows the zone across a daylight-saving change', () => {
    // New York switches to EDT (UTC-4) on 2024-03-10.
    expect(nextCronTime('CRON_TZ=America/New_York 0 12 * * *', at('2024-03-09T18:00:00Z'))).toBe(
      at('2024-03-10T16:00:00Z'),
    );
  });

  it('skips a wall time that the spring-forward gap removes', () => {
    // 02:30 does not exist in New York on 2024-03-10; the next one is on the 11th (EDT).
    expect(nextCronTime('CRON_TZ=America/New_York 30 2 * * *', at('2024-03-10T05:00:00Z'))).toBe(
      at('2024-03-11T06:30:00Z'),
    );
  });

  it('fires a wall time repeated by the fall-back overlap at its first occurrence', () => {
    // 01:30 happens twice in New York on 2024-11-03: 05:30Z (EDT) and 06:30Z (EST).
    expect(nextCronTime('CRON_TZ=America/New_York 30 1 * * *', at('2024-11-03T04:00:00Z'))).toBe(
      at('2024-11-03T05:30:00Z'),
    );
  });

  it('fires a wall time repeated by the fall-back overlap again at its second occurrence', () => {
    expect(nextCronTime('CRON_TZ=America/New_York 30 1 * * *', at('2024-11-03T05:30:00Z'))).toBe(
      at('2024-11-03T06:30:00Z'),
    );
  });

  it('runs through the repeated hour minute by minute', () => {
    // 01:59 EDT is 05:59Z; the next minute on the wall clock is 01:00 EST, 06:00Z.
    expect(nextCronTime('CRON_TZ=America/New_York * * * * *', at('2024-11-03T05:59:00Z'))).toBe(
      at('2024-11-03T06:00:00Z'),
    );
  });

  it('prefers an earlier first-occurrence time over a second occurrence found first on the wall clock', () => {
    // After 01:30 EDT, 01:45 EDT (05:45Z) comes before the repeated 01:15 EST (06:15Z).
    expect(nextCronTime('CRON_TZ=America/New_York 15,45 1 * * *', at('2024-11-03T05:30:00Z'))).toBe(
      at('2024-11-03T05:45:00Z'),
    );
  });

  it('treats CRON_TZ=UTC like no zone', () => {
    expect(nextCronTime('CRON_TZ=UTC 0 6 * * *', at('2024-01-01T00:00:00Z'))).toBe(at('2024-01-01T06:00:00Z'));
  });
});

describe('cron schedule errors', () => {
  it('rejects a value above the field maximum, naming the schedule and field', () => {
    const err = cronError('61 * * * *');
    expect(err.schedule).toBe('61 * * * *');
    expect(err.message).toBe('invalid cron schedule "61 * * * *": minute 61 is above the maximum 59');
  });

  it('rejects the wrong number of fields', () => {
    expect(cronError('* * * *').message).toMatch(/expected exactly 5 fields, found 4/);
    expect(cronError('0 * * * * *').message).toMatch(/expected exactly 5 fields, found 6/);
  });

  it('rejects an unknown descriptor', () => {
    expect(cronError('@fortnightly').message).toMatch(/unrecognized descriptor "@fortnightly"/);
  });

  it('rejects an unknown time zone', () => {
    expect(cronError('CRON_TZ=Mars/Base 0 * * * *').message).toMatch(/unknown time zone "Mars\/Base"/);
  });

  it('rejects a bad @every duration', () => {
    expect(cronError('@every soon').message).toMatch(/failed to parse duration "soon"/);
    expect(cronError('@every').message).toMatch(/failed to parse duration/);
  });

  it('rejects a reversed range', () => {
    expect(cronError('5-1 * * * *').message).toMatch(/minute range 5-1 starts after it ends/);
  });

  it('rejects a zero step', () => {
    expect(cronError('*/0 * * * *').message).toMatch(/step of the minute field must be positive/);
  });

  it('rejects a non-numeric value', () => {
    expect(cronError('0 noon * * *').message).toMatch(/"noon" is not a number in the hour field/);
  });

  it('rejects day of week 7, as robfig/cron does', () => {
    expect(cronError('0 0 * * 7').message).toMatch(/day of week 7 is above the maximum 6/);
  });

  it('rejects an empty schedule', () => {
    expect(cronError('  ').message).toMatch(/the schedule is empty/);
  });

  it('throws from nextCronTime too', () => {
    expect(() => nextCronTime('bad', 0)).toThrow(CronScheduleError);
  });
});

describe('cronBackoffMs', () => {
  it('waits until the first fire time for the first run', () => {
    expect(cronBackoffMs('0 * * * *', at('2024-01-01T10:15:00Z'))).toBe(45 * 60_000);
  });

  it('is zero when a run closes exactly on a fire time', () => {
    expect(cronBackoffMs('*/5 * * * *', at('2024-01-01T10:20:00Z'), at('2024-01-01T10:00:30Z'))).toBe(0);
  });

  it('skips fire times missed while the run was open', () => {
    expect(cronBackoffMs('*/5 * * * *', at('2024-01-01T10:21:00Z'), at('2024-01-01T10:00:30Z'))).toBe(4 * 60_000);
  });

  it('counts @every intervals from the run start', () => {
    expect(cronBackoffMs('@every 1m', at('2024-01-01T10:03:00Z'), at('2024-01-01T10:00:30.500Z'))).toBe(30_000);
  });

  it('waits a whole @every interval for the first run', () => {
    expect(cronBackoffMs('@every 10s', at('2024-01-01T10:00:00Z'))).toBe(10_000);
  });

  it('is Infinity when the schedule never fires', () => {
    expect(cronBackoffMs('0 0 30 2 *', at('2024-01-01T00:00:00Z'))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('parseGoDurationNanos', () => {
  it('parses compound Go durations', () => {
    expect(parseGoDurationNanos('1h2m3s')).toBe(3723e9);
    expect(parseGoDurationNanos('1.5s')).toBe(1.5e9);
    expect(parseGoDurationNanos('300ms')).toBe(300e6);
    expect(parseGoDurationNanos('-2m')).toBe(-120e9);
    expect(parseGoDurationNanos('0')).toBe(0);
  });

  it('rejects text that is not a Go duration', () => {
    expect(parseGoDurationNanos('')).toBeUndefined();
    expect(parseGoDurationNanos('5')).toBeUndefined();
    expect(parseGoDurationNanos('5d')).toBeUndefined();
    expect(parseGoDurationNanos('h')).toBeUndefined();
  });
});
