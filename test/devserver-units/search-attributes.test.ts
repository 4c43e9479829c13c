import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import {
  decodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
} from '@temporalio/common/lib/converter/payload-search-attributes';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  decodeSearchAttributes,
  encodeSearchAttributes,
  IndexedValueType,
  mergeSearchAttributes,
  parseIndexedValueTypeName,
  SearchAttributeError,
  SearchAttributeRegistry,
} from '../../lib/devserver/visibility';

const T = IndexedValueType;
type Payload = temporal.api.common.v1.IPayload;

function caught(fn: () => unknown): SearchAttributeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SearchAttributeError);
    return err as SearchAttributeError;
  }
  throw new Error('expected a SearchAttributeError');
}

function jsonPayload(value: unknown, type?: string): Payload {
  const metadata: Record<string, Uint8Array> = { encoding: new TextEncoder().encode('json/plain') };
  if (type) metadata.type = new TextEncoder().encode(type);
  return { metadata, data: new TextEncoder().encode(JSON.stringify(value)) };
}

describe('SearchAttributeRegistry', () => {
  it('knows system attributes and their types', () => {
    const registry = new SearchAttributeRegistry();
    expect(registry.typeOf('WorkflowId')).toBe(T.INDEXED_VALUE_TYPE_KEYWORD);
    expect(registry.typeOf('StartTime')).toBe(T.INDEXED_VALUE_TYPE_DATETIME);
    expect(registry.typeOf('HistoryLength')).toBe(T.INDEXED_VALUE_TYPE_INT);
    expect(registry.isSystem('ExecutionStatus')).toBe(true);
  });

  it('knows predefined attributes such as TemporalChangeVersion and BuildIds as KeywordLists', () => {
    const registry = new SearchAttributeRegistry();
    expect(registry.typeOf('TemporalChangeVersion')).toBe(T.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    expect(registry.typeOf('BuildIds')).toBe(T.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    expect(registry.isPredefined('BuildIds')).toBe(true);
  });

  it('pre-registers the official dev server custom attributes', () => {
    expect(new SearchAttributeRegistry().listCustom()).toEqual({
      CustomBoolField: T.INDEXED_VALUE_TYPE_BOOL,
      CustomDatetimeField: T.INDEXED_VALUE_TYPE_DATETIME,
      CustomDoubleField: T.INDEXED_VALUE_TYPE_DOUBLE,
      CustomIntField: T.INDEXED_VALUE_TYPE_INT,
      CustomKeywordField: T.INDEXED_VALUE_TYPE_KEYWORD,
      CustomStringField: T.INDEXED_VALUE_TYPE_TEXT,
      CustomTextField: T.INDEXED_VALUE_TYPE_TEXT,
    });
  });

  it('can start without the dev server defaults', () => {
    expect(new SearchAttributeRegistry({ devServerDefaults: false }).listCustom()).toEqual({});
  });

  it('lists system and predefined attributes together', () => {
    const system = new SearchAttributeRegistry().listSystem();
    expect(system.WorkflowType).toBe(T.INDEXED_VALUE_TYPE_KEYWORD);
    expect(system.TemporalChangeVersion).toBe(T.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    expect(system.CustomIntField).toBeUndefined();
  });

  it('adds a custom attribute', () => {
    const registry = new SearchAttributeRegistry();
    registry.add({ OrderTier: T.INDEXED_VALUE_TYPE_KEYWORD });
    expect(registry.typeOf('OrderTier')).toBe(T.INDEXED_VALUE_TYPE_KEYWORD);
    expect(registry.listCustom().OrderTier).toBe(T.INDEXED_VALUE_TYPE_KEYWORD);
  });

  it('accepts re-adding an attribute with the same type', () => {
    const registry = new SearchAttributeRegistry();
    expect(() => registry.add({ CustomIntField: T.INDEXED_VALUE_TYPE_INT })).not.toThrow();
  });

  it('ignores re-adding an attribute with another type and keeps the first type (real dev server)', () => {
    const registry = new SearchAttributeRegistry();
    expect(() => registry.add({ CustomIntField: T.INDEXED_VALUE_TYPE_KEYWORD })).not.toThrow();
    expect(registry.typeOf('CustomIntField')).toBe(T.INDEXED_VALUE_TYPE_INT);
  });

  it('rejects reserved names: system, predefined, internal fields and the Temporal prefix', () => {
    const registry = new SearchAttributeRegistry();
    for (const name of ['WorkflowId', 'BuildIds', 'Memo', 'TemporalAnything']) {
      const err = caught(() => registry.add({ [name]: T.INDEXED_VALUE_TYPE_KEYWORD }));
      expect(err.message).toBe(`Search attribute ${name} is reserved by system.`);
      expect(err.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('rejects an unspecified type naming the attribute', () => {
    const err = caught(() => new SearchAttributeRegistry().add({ Foo: T.INDEXED_VALUE_TYPE_UNSPECIFIED }));
    expect(err.message).toMatch(/Unknown search attribute type 0 for search attribute Foo/);
  });

  it('rejects an invalid name', () => {
    expect(caught(() => new SearchAttributeRegistry().add({ 'has space': T.INDEXED_VALUE_TYPE_INT })).attribute).toBe(
      'has space',
    );
  });

  it('adds nothing when one attribute of a batch is bad', () => {
    const registry = new SearchAttributeRegistry();
    caught(() => registry.add({ Good: T.INDEXED_VALUE_TYPE_INT, WorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD }));
    expect(registry.typeOf('Good')).toBeUndefined();
  });

  it('removes a custom attribute', () => {
    const registry = new SearchAttributeRegistry();
    registry.remove(['CustomIntField']);
    expect(registry.typeOf('CustomIntField')).toBeUndefined();
  });

  it('skips removing an unknown attribute (real dev server) and still removes the known ones', () => {
    const registry = new SearchAttributeRegistry();
    expect(() => registry.remove(['Nope', 'CustomIntField'])).not.toThrow();
    expect(registry.typeOf('CustomIntField')).toBeUndefined();
  });

  it('rejects removing a system attribute and removes nothing from the batch', () => {
    const registry = new SearchAttributeRegistry();
    const err = caught(() => registry.remove(['CustomIntField', 'WorkflowId']));
    expect(err).toMatchObject({ attribute: 'WorkflowId', code: 'INVALID_ARGUMENT' });
    expect(registry.typeOf('CustomIntField')).toBe(T.INDEXED_VALUE_TYPE_INT);
  });

  it('restores custom attributes given at construction', () => {
    const registry = new SearchAttributeRegistry({ namespace: 'ns2', customAttributes: { Region: T.INDEXED_VALUE_TYPE_KEYWORD } });
    expect(registry.namespace).toBe('ns2');
    expect(registry.typeOf('Region')).toBe(T.INDEXED_VALUE_TYPE_KEYWORD);
  });
});

describe('decodeSearchAttributes', () => {
  const registry = new SearchAttributeRegistry();

  it('decodes typed search attributes as encoded by @temporalio/common', () => {
    const fields = encodeUnifiedSearchAttributes(undefined, [
      { key: defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD), value: 'gold' },
      { key: defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT), value: 7 },
      { key: defineSearchAttributeKey('CustomDoubleField', SearchAttributeType.DOUBLE), value: 2.5 },
      { key: defineSearchAttributeKey('CustomBoolField', SearchAttributeType.BOOL), value: true },
      { key: defineSearchAttributeKey('CustomDatetimeField', SearchAttributeType.DATETIME), value: new Date(0) },
      { key: defineSearchAttributeKey('CustomTextField', SearchAttributeType.TEXT), value: 'hello world' },
    ]);
    expect(decodeSearchAttributes(fields, registry)).toEqual({
      CustomKeywordField: 'gold',
      CustomIntField: 7,
      CustomDoubleField: 2.5,
      CustomBoolField: true,
      CustomDatetimeField: '1970-01-01T00:00:00.000Z',
      CustomTextField: 'hello world',
    });
  });

  it('decodes the legacy untyped form, where every value is a one-element list', () => {
    const fields = encodeUnifiedSearchAttributes({ CustomKeywordField: ['gold'], CustomIntField: [3] }, undefined);
    expect(decodeSearchAttributes(fields, registry)).toEqual({ CustomKeywordField: 'gold', CustomIntField: 3 });
  });

  it('decodes TemporalChangeVersion as the core upserts it', () => {
    const fields = { TemporalChangeVersion: jsonPayload(['my-patch'], 'KeywordList') };
    expect(decodeSearchAttributes(fields, registry)).toEqual({ TemporalChangeVersion: ['my-patch'] });
  });

  it('decodes a typed null as "unset"', () => {
    const fields = encodeUnifiedSearchAttributes(undefined, [
      { key: defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD), value: null },
    ] as never);
    expect(decodeSearchAttributes(fields, registry)).toEqual({ CustomKeywordField: null });
  });

  it('decodes an empty list as "unset"', () => {
    expect(decodeSearchAttributes({ CustomKeywordField: jsonPayload([]) }, registry)).toEqual({ CustomKeywordField: null });
  });

  it('decodes an absent indexed_fields map as no attributes', () => {
    expect(decodeSearchAttributes(null as unknown as Record<string, Payload>, registry)).toEqual({});
  });

  it('uses the registered type over the payload type metadata', () => {
    const err = caught(() => decodeSearchAttributes({ CustomIntField: jsonPayload('x', 'Keyword') }, registry));
    expect(err.message).toMatch(/invalid value for search attribute CustomIntField of type Int: "x"/);
  });

  it('rejects an unregistered attribute naming it', () => {
    const err = caught(() => decodeSearchAttributes({ Unknown: jsonPayload('x', 'Keyword') }, registry));
    expect(err).toMatchObject({ attribute: 'Unknown', code: 'INVALID_ARGUMENT' });
    expect(err.message).toBe('search attribute Unknown is not defined');
  });

  it('rejects setting a system attribute', () => {
    expect(caught(() => decodeSearchAttributes({ WorkflowId: jsonPayload('x') }, registry)).attribute).toBe('WorkflowId');
  });

  it('rejects a non-integer for an Int attribute', () => {
    expect(caught(() => decodeSearchAttributes({ CustomIntField: jsonPayload(1.5) }, registry)).message).toMatch(
      /CustomIntField of type Int: 1.5/,
    );
  });

  it('rejects an invalid datetime', () => {
    expect(caught(() => decodeSearchAttributes({ CustomDatetimeField: jsonPayload('soon') }, registry)).attribute).toBe(
      'CustomDatetimeField',
    );
  });

  it('rejects a multi-element list for a scalar type', () => {
    expect(
      caught(() => decodeSearchAttributes({ CustomKeywordField: jsonPayload(['a', 'b']) }, registry)).message,
    ).toMatch(/CustomKeywordField of type Keyword/);
  });

  it('rejects a KeywordList holding a non-string', () => {
    expect(caught(() => decodeSearchAttributes({ BuildIds: jsonPayload(['a', 1]) }, registry)).attribute).toBe('BuildIds');
  });

  it('rejects a payload that is not json/plain', () => {
    const payload: Payload = { metadata: { encoding: new TextEncoder().encode('binary/plain') }, data: new Uint8Array([1]) };
    expect(caught(() => decodeSearchAttributes({ CustomKeywordField: payload }, registry)).message).toMatch(
      /CustomKeywordField must be encoded as json\/plain, got binary\/plain/,
    );
  });

  it('rejects a payload holding invalid JSON', () => {
    const payload: Payload = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{') };
    expect(caught(() => decodeSearchAttributes({ CustomKeywordField: payload }, registry)).message).toMatch(/valid JSON/);
  });
});

describe('encodeSearchAttributes', () => {
  const registry = new SearchAttributeRegistry();

  it('round-trips through the official typed decoder', () => {
    const fields = encodeSearchAttributes(
      {
        CustomKeywordField: 'gold',
        CustomIntField: 7,
        CustomDatetimeField: '2024-01-01T00:00:00.000Z',
        TemporalChangeVersion: ['p1'],
      },
      registry,
    );
    const typed = decodeTypedSearchAttributes(fields);
    expect(typed).toBeInstanceOf(TypedSearchAttributes);
    expect(typed.get(defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD))).toBe('gold');
    expect(typed.get(defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT))).toBe(7);
    expect(typed.get(defineSearchAttributeKey('CustomDatetimeField', SearchAttributeType.DATETIME))).toEqual(
      new Date('2024-01-01T00:00:00.000Z'),
    );
    expect(typed.get(defineSearchAttributeKey('TemporalChangeVersion', SearchAttributeType.KEYWORD_LIST))).toEqual(['p1']);
  });

  it('encodes Date and epoch-millisecond datetimes as RFC 3339', () => {
    const fields = encodeSearchAttributes({ CustomDatetimeField: 0 }, registry);
    expect(new TextDecoder().decode(fields.CustomDatetimeField?.data ?? new Uint8Array())).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it('leaves out null values', () => {
    expect(encodeSearchAttributes({ CustomKeywordField: null }, registry)).toEqual({});
  });

  it('rejects an unregistered attribute', () => {
    expect(caught(() => encodeSearchAttributes({ Nope: 'x' }, registry)).attribute).toBe('Nope');
  });
});

describe('mergeSearchAttributes and type names', () => {
  it('removes attributes set to null and replaces the others', () => {
    expect(mergeSearchAttributes({ A: 'x', B: 1 }, { A: null, C: true })).toEqual({ B: 1, C: true });
  });

  it('parses PascalCase and enum type names', () => {
    expect(parseIndexedValueTypeName('KeywordList')).toBe(T.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    expect(parseIndexedValueTypeName('INDEXED_VALUE_TYPE_INT')).toBe(T.INDEXED_VALUE_TYPE_INT);
    expect(parseIndexedValueTypeName('Nope')).toBeUndefined();
  });
});
