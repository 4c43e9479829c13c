import { describe, expect, test } from 'vitest';
import { ApplicationFailure, ActivityFailure, CancelledFailure, TimeoutFailure } from '../../lib/common';
import {
  DefaultFailureConverter,
  ZlibPayloadCodec,
  defaultPayloadConverter,
  payloadEncoding,
  resolveDataConverter,
  type Payload,
  type PayloadCodec,
} from '../../lib/converter';
import { AesGcmTestCodec } from './encryption-codec';

const largeOrder = { id: 'order-1', lines: Array.from({ length: 200 }, (_, i) => ({ sku: `sku-${i % 7}`, qty: 1 })) };

/** Records the encodings it sees, to observe the order codecs run in. */
class RecordingCodec implements PayloadCodec {
  constructor(private readonly name: string, private readonly log: string[]) {}
  async encode(payloads: Payload[]): Promise<Payload[]> {
    this.log.push(`${this.name}.encode(${payloads.map(payloadEncoding).join(',')})`);
    return payloads;
  }
  async decode(payloads: Payload[]): Promise<Payload[]> {
    this.log.push(`${this.name}.decode(${payloads.map(payloadEncoding).join(',')})`);
    return payloads;
  }
}

describe('codec chain: zlib compression then AES-GCM encryption', () => {
  const dc = resolveDataConverter({ payloadCodecs: [new ZlibPayloadCodec(), new AesGcmTestCodec('test-key')] });

  test('values round-trip through the chain', async () => {
    const values = [largeOrder, 'short', undefined, null, new Uint8Array([9, 8, 7]), 12.5];
    expect(await dc.decode(await dc.encode(values))).toEqual(values);
  });

  test('the outermost encoding on the wire is the last codec’s', async () => {
    const [payload] = await dc.encode([largeOrder]);
    expect(payloadEncoding(payload!)).toBe('binary/encrypted');
    expect(Buffer.from(payload!.metadata!['encryption-key-id']!).toString()).toBe('test-key');
  });

  test('encrypted payloads do not contain the plaintext', async () => {
    const [payload] = await dc.encode(['top secret']);
    expect(Buffer.from(payload!.data!).toString('latin1')).not.toContain('top secret');
  });

  test('a failure’s details, heartbeat details and causes all go through the codecs and come back', async () => {
    const error = new ActivityFailure(
      'failed',
      'charge',
      'a1',
      'MAXIMUM_ATTEMPTS_REACHED',
      'me',
      ApplicationFailure.create({ message: 'declined', details: [largeOrder], cause: new TimeoutFailure('late', { progress: 5 }, 'HEARTBEAT') }),
    );
    const failure = await dc.encodeFailure(error);
    expect(payloadEncoding(failure.cause!.applicationFailureInfo!.details!.payloads![0]!)).toBe('binary/encrypted');
    expect(payloadEncoding(failure.cause!.cause!.timeoutFailureInfo!.lastHeartbeatDetails!.payloads![0]!)).toBe('binary/encrypted');

    const decoded = (await dc.decodeFailure(failure)) as ActivityFailure;
    const cause = decoded.cause as ApplicationFailure;
    expect(cause.details).toEqual([largeOrder]);
    expect((cause.cause as TimeoutFailure).lastHeartbeatDetails).toEqual({ progress: 5 });
  });

  test('with encodeCommonAttributes, the failure message and stack are encrypted too', async () => {
    const secretDc = resolveDataConverter({
      failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }),
      payloadCodecs: [new AesGcmTestCodec('k')],
    });
    const failure = await secretDc.encodeFailure(new CancelledFailure('the password is hunter2'));
    expect(failure.message).toBe('Encoded failure');
    expect(payloadEncoding(failure.encodedAttributes!)).toBe('binary/encrypted');
    expect((await secretDc.decodeFailure(failure)).message).toBe('the password is hunter2');
  });
});

describe('codec order', () => {
  test('codecs encode in array order and decode in reverse order', async () => {
    const log: string[] = [];
    const dc = resolveDataConverter({ payloadCodecs: [new RecordingCodec('first', log), new RecordingCodec('second', log)] });
    await dc.decode(await dc.encode(['x']));
    expect(log).toEqual(['first.encode(json/plain)', 'second.encode(json/plain)', 'second.decode(json/plain)', 'first.decode(json/plain)']);
  });

  test('all payloads of a failure tree reach the codec in one call', async () => {
    const log: string[] = [];
    const dc = resolveDataConverter({ payloadCodecs: [new RecordingCodec('codec', log)] });
    await dc.encodeFailure(ApplicationFailure.create({ details: [1, 2], cause: new CancelledFailure('c', [undefined]) }));
    expect(log).toEqual(['codec.encode(json/plain,json/plain,binary/null)']);
  });
});

describe('ZlibPayloadCodec', () => {
  test('compresses a payload that gets smaller, with binary/zlib encoding', async () => {
    const codec = new ZlibPayloadCodec();
    const plain = defaultPayloadConverter.toPayload(largeOrder);
    const [compressed] = await codec.encode([plain]);
    expect(payloadEncoding(compressed!)).toBe('binary/zlib');
    expect(compressed!.data!.length).toBeLessThan(plain.data!.length);
  });

  test('leaves a payload alone when compression would not make it smaller', async () => {
    const plain = defaultPayloadConverter.toPayload('a');
    expect(await new ZlibPayloadCodec().encode([plain])).toEqual([plain]);
  });

  test('alwaysEncode compresses even tiny payloads', async () => {
    const [compressed] = await new ZlibPayloadCodec({ alwaysEncode: true }).encode([defaultPayloadConverter.toPayload('a')]);
    expect(payloadEncoding(compressed!)).toBe('binary/zlib');
  });

  test('decode passes through payloads it did not write', async () => {
    const plain = defaultPayloadConverter.toPayload({ a: 1 });
    expect(await new ZlibPayloadCodec().decode([plain])).toEqual([plain]);
  });

  test('corrupt zlib data is refused with a ValueError naming the encoding', async () => {
    const bad = { metadata: { encoding: Buffer.from('binary/zlib') }, data: new Uint8Array([1, 2, 3]) };
    await expect(new ZlibPayloadCodec().decode([bad])).rejects.toThrow(/binary\/zlib payload is not valid zlib data/);
  });

  test('an out-of-range level is refused naming the option', () => {
    expect(() => new ZlibPayloadCodec({ level: 12 })).toThrow(/options\.level/);
  });
});
