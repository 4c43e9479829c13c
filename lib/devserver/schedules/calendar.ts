/**
 * Calendar specs of schedules: parsing the string form (CalendarSpec, cron lines) into the
 * structured form (ranges with steps), validating it, and finding the next matching instant in a
 * zone. Parsing rules, defaults, limits and error texts follow the real server
 * (service/worker/scheduler/calendar.go in temporalio/temporal 1.29), because describe() returns the
 * structured form and bad specs are refused with its messages.
 */
import type { temporal } from '@temporalio/proto';
import { fromWall, toWall } from './zone';

export type CalendarSpec = temporal.api.schedule.v1.ICalendarSpec;
export type StructuredCalendar = temporal.api.schedule.v1.IStructuredCalendarSpec;
export type Range = temporal.api.schedule.v1.IRange;

export const MIN_CALENDAR_YEAR = 2000;
export const MAX_CALENDAR_YEAR = 2100;
const MAX_COMMENT_LEN = 200;

export class SpecError extends Error {}

type Mode = 'int' | 'year' | 'month' | 'dow';
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function parseValue(s: string, min: number, max: number, mode: Mode): number {
  const names = mode === 'month' && s.length >= 3 ? MONTHS : mode === 'dow' && s.length >= 2 ? DAYS : undefined;
  if (names) {
    const i = names.findIndex((n) => n.startsWith(s.toLowerCase()));
    if (i >= 0) {
      const v = mode === 'month' ? i + 1 : i;
      if (v < min || v > max) throw new SpecError('out of range');
      return v;
    }
  }
  if (!/^[+-]?\d+$/.test(s)) throw new SpecError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const v = Number(s);
  if (v < min || v > max) throw new SpecError('out of range');
  return v;
}

function makeRanges(text: string | null | undefined, field: string, def: string, min: number, max: number, mode: Mode): Range[] {
  let s = (text ?? '').trim();
  if (s === '') s = def;
  // Year "*" is stored as no ranges at all, which means every year.
  if (s === '*' && mode === 'year') return [];
  const ranges: Range[] = [];
  for (let part of s.split(',')) {
    let step = 1;
    let hasStep = false;
    const slashes = part.split('/').length - 1;
    if (slashes > 1) throw new SpecError(`${field} has too many slashes`);
    if (slashes === 1) {
      const [head, stepText] = part.split('/');
      if (stepText === '') throw new SpecError(`${field} missing step value`);
      part = head;
      if (!/^[+-]?\d+$/.test(stepText)) throw new SpecError(`strconv.Atoi: parsing ${JSON.stringify(stepText)}: invalid syntax`);
      step = Number(stepText);
      if (step < 1) throw new SpecError(`${field} has invalid Step`);
      hasStep = true;
    }
    let start = min;
    let end = max;
    if (part !== '*') {
      if (part.includes('-')) {
        const pieces = part.split('-');
        if (pieces.length > 2) throw new SpecError(`${field} has too many dashes`);
        try {
          start = parseValue(pieces[0], min, max, mode);
        } catch {
          throw new SpecError(`${field} Start is not in range [${min}-${max}]`);
        }
        try {
          end = parseValue(pieces[1], start, max, mode);
        } catch {
          throw new SpecError(`${field} End is before Start or not in range [${min}-${max}]`);
        }
      } else {
        try {
          start = parseValue(part, min, max, mode);
        } catch {
          throw new SpecError(`${field} is not in range [${min}-${max}]`);
        }
        if (!hasStep) end = start;
      }
    }
    // Day 7 is Sunday again: fold it onto 0 as the real server does.
    if (mode === 'dow' && end === 7) {
      if ((7 - start) % step === 0 && (step > 1 || (step === 1 && start > 1))) {
        ranges.push({ start: 0 });
        if (start === 7) continue;
      }
      end = 6;
    }
    // Defaults are left out (end = start, step = 1), so describe() shows what the real server shows.
    const r: Range = { start };
    if (end !== start) r.end = end;
    if (step !== 1) r.step = step;
    ranges.push(r);
  }
  return ranges;
}

/** CalendarSpec (strings) to StructuredCalendarSpec, with the real server's defaults. */
export function parseCalendar(cal: CalendarSpec): StructuredCalendar {
  const errors: string[] = [];
  const field = (text: string | null | undefined, name: string, def: string, min: number, max: number, mode: Mode): Range[] => {
    try {
      return makeRanges(text, name, def, min, max, mode);
    } catch (err) {
      errors.push((err as Error).message);
      return [];
    }
  };
  const out: StructuredCalendar = {
    second: field(cal.second, 'Second', '0', 0, 59, 'int'),
    minute: field(cal.minute, 'Minute', '0', 0, 59, 'int'),
    hour: field(cal.hour, 'Hour', '0', 0, 23, 'int'),
    dayOfWeek: field(cal.dayOfWeek, 'DayOfWeek', '*', 0, 7, 'dow'),
    dayOfMonth: field(cal.dayOfMonth, 'DayOfMonth', '*', 1, 31, 'int'),
    month: field(cal.month, 'Month', '*', 1, 12, 'month'),
    year: field(cal.year, 'Year', '*', MIN_CALENDAR_YEAR, MAX_CALENDAR_YEAR, 'year'),
    comment: cal.comment ?? '',
  };
  if (errors.length > 0) throw new SpecError(errors.join(', '));
  return out;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed cron line: a calendar or an `@every` interval, and the zone of its `CRON_TZ=`/`TZ=` prefix ('' if none). */
export interface ParsedCron {
  calendar?: StructuredCalendar;
  every?: { intervalMs: number; phaseMs: number };
  zone: string;
}

/** Go's time.ParseDuration, which `@every` uses: e.g. "90m", "1h30m", "1.5s". */
export function parseGoDuration(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  // Temporal's timestamp.ParseDuration also accepts days ("d").
  units.d = 86_400_000;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h|d))+$/.exec(text);
  if (text === '0') return 0;
  if (!m) throw new SpecError(`time: invalid duration ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, num, unit] of text.matchAll(/((?:\d+(?:\.\d*)?|\.\d+))(ns|us|µs|ms|s|m|h|d)/g)) total += Number(num) * units[unit];
  return m[1] === '-' ? -total : total;
}

/** One cron line of `spec.cron_string`, as the real server reads it (5 to 7 fields, macros, `@every`, `#` comments). */
export function parseCron(line: string): ParsedCron {
  let c = line.trim();
  let zone = '';
  if (c.startsWith('TZ=') || c.startsWith('CRON_TZ=')) {
    const space = c.indexOf(' ');
    if (space < 0) throw new SpecError('CronString has time zone but missing fields');
    zone = c.slice(c.indexOf('=') + 1, space);
    c = c.slice(space + 1);
  }
  const hash = c.indexOf('#');
  const comment = hash >= 0 ? c.slice(hash + 1).trim() : '';
  c = (hash >= 0 ? c.slice(0, hash) : c).trim();
  if (c.startsWith('@every')) {
    // Like the real server, an @every line ignores its zone prefix: intervals are zone-free.
    const space = c.indexOf(' ');
    if (space < 0) throw new SpecError('CronString does not have interval after @every');
    const [iv, phase] = c.slice(space + 1).split('/');
    return { every: { intervalMs: parseGoDuration(iv), phaseMs: phase ? parseGoDuration(phase) : 0 }, zone: '' };
  }
  // Own keys only: a cron string like "valueOf" must not pick up Object.prototype (found by fuzzing).
  if (Object.hasOwn(MACROS, c)) c = MACROS[c] as string;
  const toks = c.split(/\s+/).filter((t) => t !== '');
  let cal: CalendarSpec;
  if (toks.length === 5) cal = { minute: toks[0], hour: toks[1], dayOfMonth: toks[2], month: toks[3], dayOfWeek: toks[4] };
  else if (toks.length === 6) cal = { minute: toks[0], hour: toks[1], dayOfMonth: toks[2], month: toks[3], dayOfWeek: toks[4], year: toks[5] };
  else if (toks.length === 7)
    cal = { second: toks[0], minute: toks[1], hour: toks[2], dayOfMonth: toks[3], month: toks[4], dayOfWeek: toks[5], year: toks[6] };
  else throw new SpecError('CronString does not have 5-7 fields');
  cal.comment = comment;
  return { calendar: parseCalendar(cal), zone };
}

/** The real server's range checks on a structured calendar (they apply to structured input too). */
export function validateStructured(scs: StructuredCalendar): void {
  const errs: string[] = [];
  const check = (ranges: Range[] | null | undefined, field: string, min: number, max: number): void => {
    for (const r of ranges ?? []) {
      const start = r.start ?? 0;
      const end = r.end ?? 0;
      if (start < min || start > max) errs.push(`${field} Start is not in range [${min}-${max}]`);
      if (end !== 0 && (end < start || end > max)) errs.push(`${field} End is before Start or not in range [${min}-${max}]`);
      if ((r.step ?? 0) < 0) errs.push(`${field} has invalid Step`);
    }
  };
  check(scs.second, 'Second', 0, 59);
  check(scs.minute, 'Minute', 0, 59);
  check(scs.hour, 'Hour', 0, 23);
  check(scs.dayOfMonth, 'DayOfMonth', 1, 31);
  check(scs.month, 'Month', 1, 12);
  check(scs.year, 'Year', MIN_CALENDAR_YEAR, MAX_CALENDAR_YEAR);
  check(scs.dayOfWeek, 'DayOfWeek', 0, 6);
  if ((scs.comment ?? '').length > MAX_COMMENT_LEN) errs.push('comment is too long');
  if (errs.length > 0) throw new SpecError(`invalid calendar spec: ${errs.join(', ')}`);
}

function values(ranges: Range[] | null | undefined): Set<number> {
  const out = new Set<number>();
  for (const r of ranges ?? []) {
    const step = r.step || 1;
    const start = r.start ?? 0;
    const end = Math.max(r.end ?? 0, start);
    for (let v = start; v <= end; v += step) out.add(v);
  }
  return out;
}

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// Wall time runs back by at most this much when DST ends (no zone shifts by more than 2 h).
const LOOKBACK = 3 * HOUR;

/** A structured calendar compiled for matching in one zone. */
export class CompiledCalendar {
  private readonly year: Set<number> | undefined;
  private readonly month: Set<number>;
  private readonly dom: Set<number>;
  private readonly dow: Set<number>;
  private readonly hours: number[];
  private readonly minutes: number[];
  private readonly seconds: number[];

  constructor(
    cal: StructuredCalendar,
    private readonly zone: string,
  ) {
    // An empty field matches nothing, except year, where empty means every year (real server).
    this.year = (cal.year ?? []).length === 0 ? undefined : values(cal.year);
    this.month = values(cal.month);
    this.dom = values(cal.dayOfMonth);
    this.dow = values(cal.dayOfWeek);
    this.hours = [...values(cal.hour)].filter((v) => v < 24).sort((a, b) => a - b);
    this.minutes = [...values(cal.minute)].filter((v) => v < 60).sort((a, b) => a - b);
    this.seconds = [...values(cal.second)].filter((v) => v < 60).sort((a, b) => a - b);
  }

  private dayMatches(wallDay: Date): boolean {
    // Unlike Vixie cron, day of month and day of week must both match (the real server ANDs them).
    return (
      (this.year === undefined || this.year.has(wallDay.getUTCFullYear())) &&
      this.month.has(wallDay.getUTCMonth() + 1) &&
      this.dom.has(wallDay.getUTCDate()) &&
      this.dow.has(wallDay.getUTCDay())
    );
  }

  /** Whether an instant matches (used for exclusions). */
  matches(instantMs: number): boolean {
    const w = new Date(toWall(instantMs, this.zone));
    return (
      this.dayMatches(w) && this.hours.includes(w.getUTCHours()) && this.minutes.includes(w.getUTCMinutes()) && this.seconds.includes(w.getUTCSeconds())
    );
  }

  /**
   * The earliest matching instant strictly after `afterMs`, or undefined before year 2101. A wall
   * time inside a spring-forward gap never matches; one inside a fall-back overlap matches twice,
   * once per instant, as on the real server.
   */
  next(afterMs: number): number | undefined {
    const afterWall = toWall(afterMs, this.zone);
    // Start far enough back that the second pass of a repeated hour is seen.
    let day = Math.floor((afterWall - LOOKBACK) / DAY) * DAY;
    let best: number | undefined;
    let stopWall = Number.POSITIVE_INFINITY;
    const end = Date.UTC(MAX_CALENDAR_YEAR + 1, 0, 1);
    for (; day < end && day <= stopWall; day += DAY) {
      const d = new Date(day);
      if (this.year !== undefined && !this.year.has(d.getUTCFullYear())) {
        day = Date.UTC(d.getUTCFullYear() + 1, 0, 1) - DAY;
        continue;
      }
      if (!this.dayMatches(d)) continue;
      for (const h of this.hours) {
        for (const m of this.minutes) {
          for (const s of this.seconds) {
            const wall = day + h * HOUR + m * 60_000 + s * SECOND;
            if (wall > stopWall) break;
            if (wall < afterWall - LOOKBACK) continue;
            for (const instant of fromWall(wall, this.zone)) {
              if (instant > afterMs && (best === undefined || instant < best)) {
                best = instant;
                // No wall time this far past the best can map to an earlier instant.
                stopWall = wall + LOOKBACK;
              }
            }
          }
        }
      }
    }
    return best;
  }
}
