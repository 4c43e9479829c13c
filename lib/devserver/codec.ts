/**
 * Conversions between protobuf wire shapes (Long, Duration, Timestamp, encoded messages) and the plain
 * numbers / base64 strings that the dev server keeps in its JSON-serializable execution records.
 */
import Long from 'long';
import { invalidArgument } from './errors';

/** Anything protobufjs may hand us for an int64 field. */
export type LongLike = Long | number | string | null | undefined;

export interface DurationLike {
  seconds?: LongLike;
  nanos?: number | null;
}

export function longToNumber(v: LongLike): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

/** Duration message → milliseconds; undefined/null → 0. Negative or malformed → INVALID_ARGUMENT naming `field`. */
export function durationToMs(d: DurationLike | null | undefined, field: string): number {
  if (!d) return 0;
  const seconds = longToNumber(d.seconds);
  const nanos = d.nanos ?? 0;
  if (!Number.isFinite(seconds) || seconds < 0 || nanos < 0 || nanos >= 1e9) {
    throw invalidArgument(`${field} is not a valid duration`);
  }
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

export function msToDuration(ms: number): { seconds: Long; nanos: number } {
  const whole = Math.max(0, Math.floor(ms));
  return { seconds: Long.fromNumber(Math.floor(whole / 1000)), nanos: (whole % 1000) * 1e6 };
}

export function msToTimestamp(ms: number): { seconds: Long; nanos: number } {
  return msToDuration(ms);
}

export function timestampToMs(t: DurationLike | null | undefined): number {
  if (!t) return 0;
  return longToNumber(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

/** Minimal view of a protobufjs message class, enough to round-trip through bytes. */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

export function toB64<T>(codec: MessageCodec<T>, value: T): string {
  return Buffer.from(codec.encode(value).finish()).toString('base64');
}

export function fromB64<T>(codec: MessageCodec<T>, value: string): T {
  return codec.decode(Buffer.from(value, 'base64'));
}

export function optionalToB64<T>(codec: MessageCodec<T>, value: T | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : toB64(codec, value);
}

export function optionalFromB64<T>(codec: MessageCodec<T>, value: string | undefined): T | undefined {
  return value === undefined ? undefined : fromB64(codec, value);
}
