import { describe, expect, test } from 'vitest';
import { ValueError as OfficialValueError } from '@temporalio/common';
import { PayloadConverterError, ValueError } from '../../lib/common';
import { UnknownEncodingError, defaultPayloadConverter as converter } from '../../lib/converter';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('values JSON cannot represent are refused with a ValueError naming the problem', () => {
  test('a BigInt, with its path', () => {
    const error = thrownBy(() => converter.toPayload({ order: { total: 10n } }));
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toBe('Cannot convert value to JSON: BigInt at $.order.total (convert it to a string or number first)');
  });

  test('a circular reference, with its path', () => {
    const node: Record<string, unknown> = { name: 'a', children: [] };
    (node.children as unknown[]).push({ parent: node });
    expect(() => converter.toPayload(node)).toThrow(/circular reference at \$\.children\[0\]\.parent/);
  });

  test('a bare function', () => {
    expect(() => converter.toPayload(() => 1)).toThrow(/a function has no JSON representation/);
  });

  test('a bare symbol', () => {
    expect(() => converter.toPayload(Symbol('s'))).toThrow(/a symbol has no JSON representation/);
  });

  test('a toJSON() that throws, naming the path', () => {
    const value = { when: { toJSON: () => { throw new Error('clock broken'); } } };
    expect(() => converter.toPayload(value)).toThrow(/toJSON\(\) of \$\.when threw: clock broken/);
  });

  test('our ValueError is also an instance of the official ValueError', () => {
    expect(thrownBy(() => converter.toPayload(1n))).toBeInstanceOf(OfficialValueError);
  });
});

describe('payloads that cannot be decoded are refused naming the problem', () => {
  test('an unknown encoding raises UnknownEncodingError naming the encoding', () => {
    const payload = { metadata: { encoding: Buffer.from('binary/encrypted') }, data: new Uint8Array([1]) };
    expect(() => converter.fromPayload(payload)).toThrow(UnknownEncodingError);
    expect(() => converter.fromPayload(payload)).toThrow(/Unknown payload encoding 'binary\/encrypted'/);
  });

  test('UnknownEncodingError carries the encoding and is a PayloadConverterError', () => {
    const payload = { metadata: { encoding: Buffer.from('json/protobuf') }, data: new Uint8Array([1]) };
    const caught = thrownBy(() => converter.fromPayload(payload));
    expect(caught).toBeInstanceOf(PayloadConverterError);
    expect((caught as UnknownEncodingError).encoding).toBe('json/protobuf');
  });

  test('a payload without metadata', () => {
    expect(() => converter.fromPayload({ data: new Uint8Array([1]) })).toThrow(/Payload has no metadata/);
  });

  test('a payload whose metadata has no encoding', () => {
    expect(() => converter.fromPayload({ metadata: { other: Buffer.from('x') } })).toThrow(/no `encoding` entry/);
  });

  test('a json/plain payload with invalid JSON', () => {
    const payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{oops') };
    expect(() => converter.fromPayload(payload)).toThrow(/json\/plain payload is not valid JSON/);
  });

  test('a json/plain payload with no data', () => {
    expect(() => converter.fromPayload({ metadata: { encoding: Buffer.from('json/plain') } })).toThrow(/json\/plain payload has no data/);
  });
});
