/**
 * Durations and timestamps: the human forms users write ('5m', '1 second', 1500) and the proto
 * forms the server speaks (`google.protobuf.Duration` / `Timestamp` with int64 seconds + nanos).
 *
 * Human strings are parsed by the `ms` package — the same parser `@temporalio/common` uses — so an
 * option string means exactly what it means in the official SDK.
 */
import Long from 'long';
import ms from 'ms';
import type { google } from '@temporalio/proto';
import { ValueError } from './errors';

export type DurationUnit =
  | 'y' | 'yr' | 'yrs' | 'year' | 'years'
  | 'w' | 'week' | 'weeks'
  | 'd' | 'day' | 'days'
  | 'h' | 'hr' | 'hrs' | 'hour' | 'hours'
  | 'm' | 'min' | 'mins' | 'minute' | 'minutes'
  | 's' | 'sec' | 'secs' | 'second' | 'seconds'
  | 'ms' | 'msec' | 'msecs' | 'millisecond' | 'milliseconds';

/** A duration in a human string ('1 second', '5m', '1.5h', '250ms', '100') or a number of milliseconds. */
export type Duration = number | `${number}` | `${number}${DurationUnit}` | `${number} ${DurationUnit}` | (string & {});

export type ProtoDuration = google.protobuf.IDuration;
export type ProtoTimestamp = google.protobuf.ITimestamp;
/** What protobufjs may hand us for an int64 field, depending on how the message was built. */
export type Int64Like = Long | number | string | bigint;

/**
 * Parses a {@link Duration} to milliseconds. `field` names the option in the error message.
 *
 * @example
 * ```ts
 * parseDuration('1.5 minutes'); // 90000
 * parseDuration(250);           // 250
 * parseDuration('soon', 'workflowRunTimeout'); // throws ValueError: workflowRunTimeout: invalid duration 'soon' ...
 * ```
 */
export function parseDuration(value: Duration, field = 'duration'): number {
  let millis: number;
  if (typeof value === 'number') {
    millis = value;
  } else if (typeof value === 'string') {
    // ms() throws on '' and returns NaN for anything it cannot read; report both the same way.
    millis = value.trim() === '' ? Number.NaN : ms(value);
    if (Number.isNaN(millis)) {
      throw new ValueError(`${field}: invalid duration '${value}' (use a number of milliseconds or a string like '5s', '1.5 minutes', '2h')`);
    }
  } else {
    throw new ValueError(`${field}: expected a duration (number of milliseconds or string like '5s'), got ${describeType(value)}`);
  }
  if (!Number.isFinite(millis)) throw new ValueError(`${field}: duration must be finite, got ${String(millis)}`);
  if (millis < 0) throw new ValueError(`${field}: duration must not be negative, got ${millis}ms`);
  return millis;
}

/** {@link parseDuration} that passes `undefined`/`null` through as `undefined`. */
export function parseOptionalDuration(value: Duration | null | undefined, field = 'duration'): number | undefined {
  return value === undefined || value === null ? undefined : parseDuration(value, field);
}

/**
 * Converts a {@link Duration} (ms number or human string) to a `google.protobuf.Duration`.
 *
 * @example
 * ```ts
 * msToDuration('1.5s'); // { seconds: Long(1), nanos: 500_000_000 }
 * ```
 */
export function msToDuration(value: Duration, field = 'duration'): ProtoDuration {
  const millis = parseDuration(value, field);
  const seconds = Math.floor(millis / 1000);
  return { seconds: Long.fromNumber(seconds), nanos: Math.round((millis - seconds * 1000) * 1_000_000) };
}

/** {@link msToDuration} that passes `undefined`/`null` through as `undefined`. */
export function optionalMsToDuration(value: Duration | null | undefined, field = 'duration'): ProtoDuration | undefined {
  return value === undefined || value === null ? undefined : msToDuration(value, field);
}

/**
 * Converts a `google.protobuf.Duration` to milliseconds (lossy past 2^53 ms, like the official SDK).
 *
 * @example
 * ```ts
 * durationToMs({ seconds: Long.fromNumber(2), nanos: 5_000_000 }); // 2005
 * ```
 */
export function durationToMs(duration: ProtoDuration): number {
  return int64ToNumber(duration.seconds ?? 0) * 1000 + Math.floor((duration.nanos ?? 0) / 1_000_000);
}

/** {@link durationToMs} that passes `undefined`/`null` through as `undefined`. */
export function optionalDurationToMs(duration: ProtoDuration | null | undefined): number | undefined {
  return duration === undefined || duration === null ? undefined : durationToMs(duration);
}

/**
 * Converts epoch milliseconds or a `Date` to a `google.protobuf.Timestamp`.
 *
 * @example
 * ```ts
 * msToTimestamp(new Date('2024-01-01T00:00:00Z'));
 * ```
 */
export function msToTimestamp(value: number | Date, field = 'timestamp'): ProtoTimestamp {
  const millis = value instanceof Date ? value.getTime() : value;
  if (typeof millis !== 'number' || !Number.isFinite(millis)) {
    throw new ValueError(`${field}: expected a Date or epoch milliseconds, got ${describeType(value)}`);
  }
  const seconds = Math.floor(millis / 1000);
  return { seconds: Long.fromNumber(seconds), nanos: Math.round((millis - seconds * 1000) * 1_000_000) };
}

/** Converts a `google.protobuf.Timestamp` to epoch milliseconds. */
export function timestampToMs(timestamp: ProtoTimestamp): number {
  return int64ToNumber(timestamp.seconds ?? 0) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000);
}

/** Converts a `google.protobuf.Timestamp` to a `Date`; `undefined`/`null` give `undefined`. */
export function optionalTimestampToDate(timestamp: ProtoTimestamp | null | undefined): Date | undefined {
  return timestamp === undefined || timestamp === null ? undefined : new Date(timestampToMs(timestamp));
}

/**
 * Converts whatever protobufjs produced for an int64 field to a JS number (lossy past 2^53).
 *
 * @example
 * ```ts
 * int64ToNumber(Long.fromString('42')); // 42
 * ```
 */
export function int64ToNumber(value: Int64Like): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' || typeof value === 'bigint') return Number(value);
  return value.toNumber();
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return `invalid Date`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
