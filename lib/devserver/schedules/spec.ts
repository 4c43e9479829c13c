/**
 * Schedule spec evaluation: compiles a ScheduleSpec (calendars, cron lines, intervals, exclusions,
 * start/end, jitter, zone) into its canonical form, the one the real server stores and describe()
 * returns, and answers "when is the next action after t". The rules follow the real server
 * (service/worker/scheduler/spec.go in temporalio/temporal 1.29).
 */
import type { temporal } from '@temporalio/proto';
import { durationToMs, msToDuration, timestampToMs } from '../codec';
import { CompiledCalendar, MAX_CALENDAR_YEAR, parseCalendar, parseCron, SpecError, validateStructured, type StructuredCalendar } from './calendar';
import { checkZone, UnknownTimeZoneError } from './zone';

export type ScheduleSpec = temporal.api.schedule.v1.IScheduleSpec;
export { SpecError };

export interface Interval {
  intervalMs: number;
  phaseMs: number;
}

/** The next action time: `nominal` matches the spec, `next` is nominal plus jitter. */
export interface NextTime {
  nominal: number;
  next: number;
}

export class CompiledSpec {
  private readonly calendars: CompiledCalendar[];
  private readonly excludes: CompiledCalendar[];

  constructor(
    /** Canonical form: structured calendars and intervals only, with the cron zone folded in. */
    readonly canonical: ScheduleSpec,
    private readonly intervals: Interval[],
    private readonly startMs: number | undefined,
    private readonly endMs: number | undefined,
    private readonly jitterMs: number,
  ) {
    const zone = canonical.timezoneName ?? '';
    this.calendars = (canonical.structuredCalendar ?? []).map((c) => new CompiledCalendar(c, zone));
    this.excludes = (canonical.excludeStructuredCalendar ?? []).map((c) => new CompiledCalendar(c, zone));
  }

  /** Next match strictly after `afterMs`, ignoring exclusions, start/end and jitter; whole seconds. */
  private rawNext(afterMs: number): number | undefined {
    let best: number | undefined;
    for (const cal of this.calendars) {
      const t = cal.next(afterMs);
      if (t !== undefined && (best === undefined || t < best)) best = t;
    }
    // Intervals count whole seconds from the epoch, as the real server does.
    const ts = Math.floor(afterMs / 1000);
    for (const iv of this.intervals) {
      const every = Math.max(1, Math.floor(iv.intervalMs / 1000));
      const phase = Math.max(0, Math.floor(iv.phaseMs / 1000));
      const t = (Math.floor((ts - phase) / every) + 1) * every + phase;
      if (best === undefined || t * 1000 < best) best = t * 1000;
    }
    return best === undefined ? undefined : Math.floor(best / 1000) * 1000;
  }

  private excluded(t: number): boolean {
    return this.excludes.some((c) => c.matches(t));
  }

  /**
   * The first action after `afterMs`, or undefined when none is left. `jitterSeed` makes jitter
   * deterministic per schedule and nominal time, so a restart or a repeated describe() gives the
   * same instants.
   */
  nextTime(jitterSeed: string, afterMs: number): NextTime | undefined {
    // Starting before start_time: jump to just before it, so its first second may still match.
    let after = Math.max(afterMs, (this.startMs ?? 0) - 1000);
    let nominal: number | undefined;
    do {
      nominal = this.rawNext(after);
      if (nominal === undefined) return undefined;
      if ((this.endMs !== undefined && nominal > this.endMs) || new Date(nominal).getUTCFullYear() > MAX_CALENDAR_YEAR) return undefined;
      after = nominal;
    } while (this.excluded(nominal));
    // Jitter never pushes an action past the next nominal time.
    let maxJitter = this.jitterMs;
    const following = this.rawNext(nominal);
    if (following !== undefined) maxJitter = Math.min(maxJitter, following - nominal);
    return { nominal, next: nominal + jitterOffset(jitterSeed, nominal, maxJitter) };
  }
}

/**
 * A deterministic offset in [0, maxJitterMs) for one nominal time. The real server hashes the
 * nominal time and "<namespace id>-<schedule id>" with farmhash Fingerprint32; its namespace id is
 * a random UUID, so its exact offsets cannot be reproduced anyway. We keep its shape (32-bit hash
 * times the millisecond range, shifted down 32 bits) over FNV-1a.
 */
export function jitterOffset(seed: string, nominalMs: number, maxJitterMs: number): number {
  if (maxJitterMs <= 0) return 0;
  let h = 0x811c9dc5;
  for (const ch of `${nominalMs}|${seed}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const ms = Math.min(Math.floor(maxJitterMs), 0xffffffff);
  return Number((BigInt(h) * BigInt(ms)) >> 32n);
}

function invalid(message: string): SpecError {
  return new SpecError(message);
}

/**
 * Validates and canonicalises a spec. Throws SpecError with the real server's explanation; the
 * RPC layer wraps it as INVALID_ARGUMENT "Invalid schedule spec: …".
 */
export function compileSpec(spec: ScheduleSpec): CompiledSpec {
  const structured: StructuredCalendar[] = [...(spec.structuredCalendar ?? [])].map((c) => ({ ...c }));
  const excludes: StructuredCalendar[] = [...(spec.excludeStructuredCalendar ?? [])].map((c) => ({ ...c }));
  const intervals: Interval[] = (spec.interval ?? []).map((iv, i) => ({
    intervalMs: durationToMs(iv.interval, `spec.interval[${i}].interval`),
    phaseMs: durationToMs(iv.phase, `spec.interval[${i}].phase`),
  }));
  for (const cal of spec.calendar ?? []) structured.push(parseCalendar(cal));
  for (const cal of spec.excludeCalendar ?? []) excludes.push(parseCalendar(cal));

  let cronZone: string | undefined;
  for (const line of spec.cronString ?? []) {
    const parsed = parseCron(line);
    // Every cron line must agree on its zone prefix (or all have none).
    if (cronZone !== undefined && parsed.zone !== cronZone) throw invalid('conflicting timezone names');
    cronZone = parsed.zone;
    if (parsed.calendar) structured.push(parsed.calendar);
    if (parsed.every) intervals.push(parsed.every);
  }
  let zone = spec.timezoneName ?? '';
  if (cronZone) {
    if ((zone !== '' && zone !== cronZone) || (spec.timezoneData && spec.timezoneData.length > 0)) throw invalid('conflicting timezone names');
    zone = cronZone;
  }
  // Exclusions too: an unchecked year range (found by fuzzing) built a set of millions of years.
  for (const cal of [...structured, ...excludes]) validateStructured(cal);
  for (const iv of intervals) {
    if (iv.intervalMs < 1000) throw invalid('interval is too small');
    if (iv.phaseMs < 0) throw invalid('phase is negative');
    if (iv.phaseMs >= iv.intervalMs) throw invalid('phase cannot be greater than Interval');
  }
  try {
    checkZone(zone);
  } catch (err) {
    if (err instanceof UnknownTimeZoneError) throw invalid(err.message);
    throw err;
  }
  const canonical: ScheduleSpec = {
    structuredCalendar: structured,
    interval: intervals.map((iv) => ({ interval: msToDuration(iv.intervalMs), phase: iv.phaseMs ? msToDuration(iv.phaseMs) : undefined })),
    excludeStructuredCalendar: excludes,
    startTime: spec.startTime ?? undefined,
    endTime: spec.endTime ?? undefined,
    jitter: spec.jitter ?? undefined,
    timezoneName: zone,
    timezoneData: spec.timezoneData ?? undefined,
  };
  return new CompiledSpec(
    canonical,
    intervals,
    spec.startTime ? timestampToMs(spec.startTime) : undefined,
    spec.endTime ? timestampToMs(spec.endTime) : undefined,
    spec.jitter ? durationToMs(spec.jitter, 'spec.jitter') : 0,
  );
}
