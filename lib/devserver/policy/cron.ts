import { parseGoDurationNanos } from './go-duration';

/**
 * A `cron_schedule` Temporal would refuse. The message names the schedule and what is wrong with
 * it; the RPC layer answers INVALID_ARGUMENT with it.
 *
 * @example
 * ```ts
 * try { nextCronTime('61 * * * *', Date.now()); } catch (e) {
 *   if (e instanceof CronScheduleError) console.log(e.schedule); // '61 * * * *'
 * }
 * ```
 */
export class CronScheduleError extends Error {
  readonly schedule: string;

  constructor(schedule: string, reason: string) {
    super(`invalid cron schedule ${JSON.stringify(schedule)}: ${reason}`);
    this.schedule = schedule;
  }

  override get name(): string {
    return 'CronScheduleError';
  }
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};
const DAY_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 6, names: DAY_NAMES },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface Field {
  values: boolean[];
  /** `*` or `?` without a step: matters for the day-of-month / day-of-week rule. */
  star: boolean;
}

type Schedule =
  | { kind: 'every'; everyMs: number; zone: string | undefined }
  | { kind: 'spec'; fields: [Field, Field, Field, Field, Field]; zone: string | undefined };

// Parsing follows robfig/cron v3's standard parser, which Temporal uses for `cron_schedule`.
function parseNumber(text: string, spec: FieldSpec, schedule: string): number {
  const named = spec.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) {
    throw new CronScheduleError(schedule, `${JSON.stringify(text)} is not a number in the ${spec.name} field`);
  }
  return Number(text);
}

function parseField(text: string, spec: FieldSpec, schedule: string): Field {
  const values = new Array<boolean>(spec.max + 1).fill(false);
  let star = false;
  for (const part of text.split(',')) {
    const rangeAndStep = part.split('/');
    if (rangeAndStep.length > 2) throw new CronScheduleError(schedule, `too many slashes in ${JSON.stringify(part)}`);
    const [rangeText = '', stepText] = rangeAndStep;
    const bounds = rangeText.split('-');
    if (bounds.length > 2) throw new CronScheduleError(schedule, `too many hyphens in ${JSON.stringify(part)}`);
    let start: number;
    let end: number;
    let partStar = false;
    if (bounds[0] === '*' || bounds[0] === '?') {
      if (bounds.length > 1) throw new CronScheduleError(schedule, `invalid range ${JSON.stringify(part)}`);
      start = spec.min;
      end = spec.max;
      partStar = true;
    } else {
      start = parseNumber(bounds[0] ?? '', spec, schedule);
      end = bounds.length === 2 ? parseNumber(bounds[1] ?? '', spec, schedule) : start;
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) {
        throw new CronScheduleError(schedule, `step ${JSON.stringify(stepText)} in the ${spec.name} field is not a positive number`);
      }
      step = Number(stepText);
      // "N/step" means "N through the maximum, every step".
      if (bounds.length === 1 && !partStar) end = spec.max;
      if (step > 1) partStar = false;
    }
    if (start < spec.min) {
      throw new CronScheduleError(schedule, `${spec.name} ${start} is below the minimum ${spec.min}`);
    }
    if (end > spec.max) throw new CronScheduleError(schedule, `${spec.name} ${end} is above the maximum ${spec.max}`);
    if (start > end) throw new CronScheduleError(schedule, `${spec.name} range ${start}-${end} starts after it ends`);
    if (step === 0) throw new CronScheduleError(schedule, `step of the ${spec.name} field must be positive`);
    for (let v = start; v <= end; v += step) values[v] = true;
    star ||= partStar;
  }
  return { values, star };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string, schedule: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new CronScheduleError(schedule, `unknown time zone ${JSON.stringify(zone)}`);
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

const parsedSchedules = new Map<string, Schedule>();

function parseSchedule(schedule: string): Schedule {
  const cached = parsedSchedules.get(schedule);
  if (cached) return cached;
  if (typeof schedule !== 'string') throw new CronScheduleError(String(schedule), 'the schedule must be a string');
  let text = schedule.trim();
  if (text === '') throw new CronScheduleError(schedule, 'the schedule is empty');

  let zone: string | undefined;
  const tz = /^(?:CRON_TZ|TZ)=(\S*)\s+/.exec(text);
  if (tz) {
    const name = tz[1] ?? '';
    if (name === '') throw new CronScheduleError(schedule, 'the time zone is empty');
    // Go's "Local" is the server's zone; the dev server runs its clocks in UTC.
    zone = name === 'UTC' || name === 'Local' ? undefined : name;
    if (zone !== undefined) formatterFor(zone, schedule);
    text = text.slice(tz[0].length).trim();
  } else if (/^(?:CRON_TZ|TZ)=/.test(text)) {
    throw new CronScheduleError(schedule, 'a time zone must be followed by a schedule');
  }

  let result: Schedule;
  if (text.startsWith('@every')) {
    const durationText = text.slice('@every'.length).trim();
    const nanos = parseGoDurationNanos(durationText);
    if (nanos === undefined || durationText === '') {
      throw new CronScheduleError(schedule, `failed to parse duration ${JSON.stringify(durationText)}`);
    }
    // robfig/cron rounds @every down to whole seconds, with a floor of one second.
    const seconds = Math.max(1, Math.floor(nanos / 1e9));
    result = { kind: 'every', everyMs: seconds * 1000, zone };
  } else {
    if (text.startsWith('@')) {
      const expanded = DESCRIPTORS[text];
      if (expanded === undefined) throw new CronScheduleError(schedule, `unrecognized descriptor ${JSON.stringify(text)}`);
      text = expanded;
    }
    const parts = text.split(/\s+/);
    if (parts.length !== 5) {
      throw new CronScheduleError(schedule, `expected exactly 5 fields, found ${parts.length}`);
    }
    const fields = parts.map((part, i) => parseField(part, FIELDS[i] as FieldSpec, schedule));
    result = { kind: 'spec', fields: fields as [Field, Field, Field, Field, Field], zone };
  }
  // Schedules come from requests; keep the cache bounded.
  if (parsedSchedules.size >= 1000) parsedSchedules.clear();
  parsedSchedules.set(schedule, result);
  return result;
}

/** Wall-clock time of an instant in a zone, as a "naive" UTC millisecond value. */
function wallClock(instantMs: number, zone: string | undefined, schedule: string): number {
  if (zone === undefined) return instantMs;
  const parts = formatterFor(zone, schedule).formatToParts(new Date(instantMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall + (((instantMs % 1000) + 1000) % 1000);
}

/**
 * The instants showing the given wall-clock time in a zone, earliest first: none inside a DST gap,
 * two inside a DST overlap. Assumes at most one offset change within a day either side.
 */
function instantsFor(wallMs: number, zone: string | undefined, schedule: string): number[] {
  if (zone === undefined) return [wallMs];
  const day = 86_400_000;
  const offsets = new Set([
    wallClock(wallMs - day, zone, schedule) - (wallMs - day),
    wallClock(wallMs + day, zone, schedule) - (wallMs + day),
  ]);
  const instants: number[] = [];
  for (const offset of offsets) {
    const candidate = wallMs - offset;
    if (wallClock(candidate, zone, schedule) === wallMs) instants.push(candidate);
  }
  return instants.sort((a, b) => a - b);
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function dayMatches(fields: [Field, Field, Field, Field, Field], date: Date): boolean {
  const dom = fields[2];
  const dow = fields[4];
  const domMatch = dom.values[date.getUTCDate()] === true;
  const dowMatch = dow.values[date.getUTCDay()] === true;
  // Vixie cron: when both day fields are restricted, either may match.
  return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
}

// Wall time runs backwards by up to this much when DST ends (no zone shifts by more than 2 h).
const DST_LOOKBACK = 3 * HOUR;

function nextSpecTime(schedule: string, parsed: Extract<Schedule, { kind: 'spec' }>, afterMs: number): number {
  const [minute, hour, , month] = parsed.fields;
  const afterWall = wallClock(afterMs, parsed.zone, schedule);
  // Wall time is not monotonic in real time when DST ends: an hour repeats, and its second pass
  // holds instants after `afterMs` whose wall time is before `afterWall`. Only when the offset
  // changes soon after `afterMs` does the scan start that far back, keep the earliest instant found
  // and go on until no later wall time can map to an earlier instant. As with robfig/cron, a wall
  // time skipped by spring-forward never fires and a repeated one fires twice.
  const offsetChangesSoon =
    parsed.zone !== undefined &&
    afterWall - afterMs !== wallClock(afterMs + DST_LOOKBACK, parsed.zone, schedule) - (afterMs + DST_LOOKBACK);
  let t = Math.floor((offsetChangesSoon ? afterWall - DST_LOOKBACK : afterWall) / MINUTE) * MINUTE + MINUTE;
  // robfig/cron gives up after five years; so do we (e.g. "0 0 30 2 *" never fires).
  const limit = Date.UTC(new Date(afterWall).getUTCFullYear() + 6, 0, 1);
  let best = Number.POSITIVE_INFINITY;
  let stopAt = limit;
  while (t < limit && t <= stopAt) {
    const d = new Date(t);
    if (month.values[d.getUTCMonth() + 1] !== true) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      continue;
    }
    if (!dayMatches(parsed.fields, d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + DAY;
      continue;
    }
    if (hour.values[d.getUTCHours()] !== true) {
      t = Math.floor(t / HOUR) * HOUR + HOUR;
      continue;
    }
    if (minute.values[d.getUTCMinutes()] !== true) {
      t += MINUTE;
      continue;
    }
    for (const instant of instantsFor(t, parsed.zone, schedule)) {
      if (instant > afterMs && instant < best) best = instant;
    }
    if (best !== Number.POSITIVE_INFINITY && stopAt === limit) {
      if (!offsetChangesSoon) return best;
      stopAt = t + DST_LOOKBACK;
    }
    t += MINUTE;
  }
  return best;
}

/**
 * The first fire time of a workflow `cron_schedule` strictly after `afterMs` (epoch ms), with
 * Temporal's semantics (robfig/cron v3 standard parser): five fields (minute, hour, day of month,
 * month, day of week; lists, ranges, steps, `*`/`?`, JAN–DEC and SUN–SAT names), the descriptors
 * `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, and
 * `@every <Go duration>` (whole seconds, counted from `afterMs` truncated to the second). Times are
 * UTC unless the schedule starts with `CRON_TZ=<IANA zone>` (or `TZ=`); a wall time that DST skips
 * does not fire and one that DST repeats fires at both instants, as with robfig/cron. Returns
 * `Infinity` when nothing matches within five years.
 *
 * @throws CronScheduleError naming the schedule when it is invalid.
 * @example
 * ```ts
 * nextCronTime('*\/15 * * * *', Date.UTC(2024, 0, 1, 10, 7)); // Date.UTC(2024, 0, 1, 10, 15)
 * nextCronTime('CRON_TZ=Europe/Paris 0 9 * * MON-FRI', Date.now());
 * ```
 */
export function nextCronTime(cronSchedule: string, afterMs: number): number {
  const parsed = parseSchedule(cronSchedule);
  if (!Number.isFinite(afterMs)) throw new RangeError(`afterMs must be a finite number, got ${afterMs}`);
  if (parsed.kind === 'every') return Math.floor(afterMs / 1000) * 1000 + parsed.everyMs;
  return nextSpecTime(cronSchedule, parsed, afterMs);
}

/**
 * The delay before the next cron run, as the real server computes it when a cron run closes
 * (`GetBackoffForNextSchedule`): the first fire time after the run's start that is not before
 * `nowMs`, minus `nowMs`. For the first run pass only `nowMs`. `Infinity` means no further run.
 *
 * @throws CronScheduleError naming the schedule when it is invalid.
 * @example
 * ```ts
 * const backoffMs = cronBackoffMs(startAttrs.cronSchedule, Date.now(), run.startTimeMs);
 * ```
 */
export function cronBackoffMs(cronSchedule: string, nowMs: number, runStartMs: number = nowMs): number {
  const parsed = parseSchedule(cronSchedule);
  if (parsed.kind === 'every') {
    const base = Math.floor(runStartMs / 1000) * 1000;
    const steps = Math.max(1, Math.ceil((nowMs - base) / parsed.everyMs));
    return base + steps * parsed.everyMs - nowMs;
  }
  // The first fire time after the run start that is not before now: scanning from just before now
  // gives it directly instead of stepping through every missed fire time.
  const next = nowMs > runStartMs ? nextCronTime(cronSchedule, nowMs - 1) : nextCronTime(cronSchedule, runStartMs);
  return next - nowMs;
}

/**
 * Checks a `cron_schedule` without computing anything; throws like {@link nextCronTime}.
 *
 * @example
 * ```ts
 * validateCronSchedule(request.cronSchedule); // throws CronScheduleError when invalid
 * ```
 */
export function validateCronSchedule(cronSchedule: string): void {
  parseSchedule(cronSchedule);
}
