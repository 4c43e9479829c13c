import { describe, expect, test } from 'vitest';
import { defaultPayloadConverter as officialConverter } from '@temporalio/common';
import { defaultPayloadConverter as ourConverter } from '../../lib/converter';
import { payloadBytes } from './wire';

const values: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['an empty string', ''],
  ['a string with non-ASCII and astral characters', 'héllo wörld ✓ 🚀'],
  ['an integer', 42],
  ['a negative float', -3.25],
  ['zero', 0],
  ['a boolean', true],
  ['nested JSON', { order: { id: 'o-1', lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 1 }] }, paid: false, note: null }],
  ['an array of mixed values', [1, 'two', { three: 3 }, [4], null]],
  ['a Uint8Array', new Uint8Array([0, 1, 2, 254, 255])],
  ['an empty Uint8Array', new Uint8Array(0)],
];

describe('payloads match @temporalio/common byte for byte', () => {
  test.each(values)('%s encodes to the same bytes as the official default converter', (_name, value) => {
    expect(payloadBytes(ourConverter.toPayload(value))).toEqual(payloadBytes(officialConverter.toPayload(value)));
  });

  test.each(values)('%s written by the official converter decodes to the same value with ours', (_name, value) => {
    expect(ourConverter.fromPayload(officialConverter.toPayload(value))).toEqual(value);
  });

  test.each(values)('%s written by our converter decodes to the same value with the official one', (_name, value) => {
    expect(officialConverter.fromPayload(ourConverter.toPayload(value))).toEqual(value);
  });
});

describe('payload encodings', () => {
  test('undefined is binary/null with no data', () => {
    const payload = ourConverter.toPayload(undefined);
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/null');
    expect(payload.data ?? undefined).toBeUndefined();
  });

  test('null is JSON, not binary/null', () => {
    const payload = ourConverter.toPayload(null);
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('json/plain');
    expect(Buffer.from(payload.data!).toString()).toBe('null');
  });

  test('a Buffer is written as binary/plain and read back as a plain Uint8Array', () => {
    const payload = ourConverter.toPayload(Buffer.from('raw bytes'));
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/plain');
    const decoded = ourConverter.fromPayload<Uint8Array>(payload);
    expect(decoded.constructor).toBe(Uint8Array);
    expect(Buffer.from(decoded).toString()).toBe('raw bytes');
  });

  test('a Date becomes its ISO string, as JSON.stringify does', () => {
    const payload = ourConverter.toPayload(new Date('2024-05-06T07:08:09.010Z'));
    expect(ourConverter.fromPayload(payload)).toBe('2024-05-06T07:08:09.010Z');
  });
});
