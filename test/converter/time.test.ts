import { describe, expect, test } from 'vitest';
import Long from 'long';
import { msToTs as officialMsToTs } from '@temporalio/common/lib/time';
import { temporal, google } from '@temporalio/proto';
import {
  ValueError,
  durationToMs,
  msToDuration,
  msToTimestamp,
  optionalMsToDuration,
  parseDuration,
  timestampToMs,
} from '../../lib/common';

describe('parseDuration', () => {
  test.each([
    ['1 second', 1000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['2 days', 172_800_000],
    ['250ms', 250],
    ['100', 100],
    [1500, 1500],
    [0, 0],
  ] as const)('%j is %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  test('an unreadable string is refused naming the field', () => {
    expect(() => parseDuration('soon', 'workflowRunTimeout')).toThrow(new ValueError("workflowRunTimeout: invalid duration 'soon' (use a number of milliseconds or a string like '5s', '1.5 minutes', '2h')"));
  });

  test('an empty string is refused naming the field', () => {
    expect(() => parseDuration('', 'startDelay')).toThrow(/startDelay: invalid duration ''/);
  });

  test('a negative duration is refused naming the field', () => {
    expect(() => parseDuration(-5, 'heartbeatTimeout')).toThrow(/heartbeatTimeout: duration must not be negative/);
  });

  test('a non-finite number is refused', () => {
    expect(() => parseDuration(Number.POSITIVE_INFINITY, 'timeout')).toThrow(/timeout: duration must be finite/);
  });

  test('a value of the wrong type is refused naming the field and type', () => {
    expect(() => parseDuration({} as never, 'retry.initialInterval')).toThrow(/retry\.initialInterval: expected a duration .* got an object/);
  });
});

describe('proto Duration', () => {
  test.each(['1.5s', '10 minutes', 1, 999, 86_400_000] as const)('msToDuration(%j) encodes like the official SDK', (input) => {
    const bytes = (d: object) => google.protobuf.Duration.encode(d).finish();
    expect(bytes(msToDuration(input))).toEqual(bytes(officialMsToTs(input as never)));
  });

  test('durationToMs reads seconds and nanos', () => {
    expect(durationToMs({ seconds: Long.fromNumber(2), nanos: 5_000_000 })).toBe(2005);
  });

  test('durationToMs reads a decoded proto message', () => {
    const decoded = google.protobuf.Duration.decode(google.protobuf.Duration.encode({ seconds: Long.fromNumber(90), nanos: 0 }).finish());
    expect(durationToMs(decoded)).toBe(90_000);
  });

  test('optionalMsToDuration passes undefined through', () => {
    expect(optionalMsToDuration(undefined)).toBeUndefined();
  });
});

describe('proto Timestamp', () => {
  test('a Date round-trips through a Timestamp', () => {
    const date = new Date('2024-02-29T12:34:56.789Z');
    expect(timestampToMs(msToTimestamp(date))).toBe(date.getTime());
  });

  test('an invalid Date is refused naming the field', () => {
    expect(() => msToTimestamp(new Date('nope'), 'startTime')).toThrow(/startTime: expected a Date or epoch milliseconds/);
  });

  test('a decoded history event time converts to epoch ms', () => {
    const event = temporal.api.history.v1.HistoryEvent.decode(
      temporal.api.history.v1.HistoryEvent.encode({ eventTime: { seconds: Long.fromNumber(1_700_000_000), nanos: 250_000_000 } }).finish(),
    );
    expect(timestampToMs(event.eventTime!)).toBe(1_700_000_000_250);
  });
});
