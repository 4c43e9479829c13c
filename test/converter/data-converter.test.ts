import { describe, expect, test } from 'vitest';
import * as official from '@temporalio/common';
import { ApplicationFailure, ValueError } from '../../lib/common';
import { ZlibPayloadCodec, payloadEncoding, resolveDataConverter, type Payload } from '../../lib/converter';

describe('resolveDataConverter', () => {
  const dc = resolveDataConverter();

  test('without options it uses the default converters and no codecs', async () => {
    const [payload] = await dc.encode([{ a: 1 }]);
    expect(payloadEncoding(payload!)).toBe('json/plain');
    expect(dc.payloadCodecs).toEqual([]);
  });

  test('encodeOne and decodeOne round-trip one value', async () => {
    expect(await dc.decodeOne(await dc.encodeOne({ ok: true }))).toEqual({ ok: true });
  });

  test('decodeOne of a missing payload is undefined', async () => {
    expect(await dc.decodeOne(undefined)).toBeUndefined();
    expect(await dc.decodeOne(null)).toBeUndefined();
  });

  test('decode of missing payloads is an empty array', async () => {
    expect(await dc.decode(undefined)).toEqual([]);
    expect(await dc.decode(null)).toEqual([]);
  });

  test('encodeMap and decodeMap round-trip a memo-like record key by key', async () => {
    const memo = { owner: 'ops', retries: 3, tags: ['a'] };
    const encoded = await dc.encodeMap(memo);
    expect(Object.keys(encoded!)).toEqual(['owner', 'retries', 'tags']);
    expect(await dc.decodeMap(encoded)).toEqual(memo);
  });

  test('encodeMap and decodeMap pass a missing record through as undefined', async () => {
    expect(await dc.encodeMap(undefined)).toBeUndefined();
    expect(await dc.decodeMap(null)).toBeUndefined();
  });

  test('encodeFailure and decodeFailure round-trip an ApplicationFailure', async () => {
    const decoded = await dc.decodeFailure(await dc.encodeFailure(ApplicationFailure.nonRetryable('nope', 'Rejected', { id: 1 })));
    expect(decoded).toMatchObject({ message: 'nope', type: 'Rejected', nonRetryable: true, details: [{ id: 1 }] });
  });

  test('converters from @temporalio/common plug in unchanged', async () => {
    const withOfficial = resolveDataConverter({
      payloadConverter: official.defaultPayloadConverter,
      failureConverter: new official.DefaultFailureConverter(),
    });
    const decoded = await withOfficial.decodeFailure(await withOfficial.encodeFailure(ApplicationFailure.create({ message: 'm', details: [{ x: 1 }] })));
    expect(decoded).toMatchObject({ message: 'm', details: [{ x: 1 }] });
  });

  test('resolving an already loaded data converter returns it as is', () => {
    const loaded = resolveDataConverter({ payloadCodecs: [new ZlibPayloadCodec()] });
    expect(resolveDataConverter(loaded)).toBe(loaded);
  });
});

describe('resolveDataConverter refuses bad input naming the field', () => {
  test('a payload converter without fromPayload', () => {
    expect(() => resolveDataConverter({ payloadConverter: { toPayload: () => ({}) } as never })).toThrow(
      new ValueError('dataConverter.payloadConverter.fromPayload must be a function'),
    );
  });

  test('payloadCodecs that is not an array', () => {
    expect(() => resolveDataConverter({ payloadCodecs: new ZlibPayloadCodec() as never })).toThrow(/dataConverter\.payloadCodecs must be an array/);
  });

  test('a codec without decode, by index', () => {
    expect(() => resolveDataConverter({ payloadCodecs: [new ZlibPayloadCodec(), { encode: async (p: Payload[]) => p } as never] })).toThrow(
      /dataConverter\.payloadCodecs\[1\]\.decode must be a function/,
    );
  });

  test('a codec that drops payloads is caught instead of shifting arguments', async () => {
    const dropping = { encode: async (p: Payload[]) => p.slice(1), decode: async (p: Payload[]) => p };
    const dc = resolveDataConverter({ payloadCodecs: [dropping] });
    await expect(dc.encode(['a', 'b'])).rejects.toThrow(/payloadCodecs\[0\]\.encode\(\) returned 1 payloads for 2 inputs/);
  });
});
