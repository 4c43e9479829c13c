/**
 * Search attributes: always JSON payloads, never passed through the user's converter or codecs, since
 * the server must read them to index them. Typed attributes carry their type in the `type` metadata.
 */
import { TypedSearchAttributes } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { InvalidOptionError } from './errors';
import { PayloadConverterError } from '../common/errors';

/**
 * What `describe()` and schedule descriptions give for typed search attributes: the official
 * `TypedSearchAttributes` class itself (`get(key)`, `getAll()`, `updateCopy()`), so code written for
 * the official client reads them unchanged.
 */
export { TypedSearchAttributes };

type Payload = temporal.api.common.v1.IPayload;

/**
 * Search attribute value types, in the official SDK's spelling, as a value and as a type.
 *
 * @example
 * ```ts
 * const key = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
 * ```
 */
export const SearchAttributeType = {
  TEXT: 'TEXT',
  KEYWORD: 'KEYWORD',
  INT: 'INT',
  DOUBLE: 'DOUBLE',
  BOOL: 'BOOL',
  DATETIME: 'DATETIME',
  KEYWORD_LIST: 'KEYWORD_LIST',
} as const;
export type SearchAttributeType = (typeof SearchAttributeType)[keyof typeof SearchAttributeType];

/**
 * A typed search attribute's key: its name and type.
 *
 * @example
 * ```ts
 * const tier = defineSearchAttributeKey('CustomerTier', SearchAttributeType.KEYWORD);
 * await client.workflow.start(wf, { taskQueue, workflowId, typedSearchAttributes: [{ key: tier, value: 'gold' }] });
 * ```
 */
export function defineSearchAttributeKey<T extends SearchAttributeType>(name: string, type: T): { name: string; type: T } {
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a search attribute key needs a non-empty name');
  if (!Object.values(SearchAttributeType).includes(type)) {
    throw new InvalidOptionError('type', `must be one of ${Object.values(SearchAttributeType).join(', ')}, got ${String(type)}`);
  }
  return { name, type };
}

/**
 * A value of a typed search attribute (a `Date` for `DATETIME`, `string[]` for `KEYWORD_LIST`).
 *
 * @example
 * ```ts
 * const value: SearchAttributeValue = new Date();
 * ```
 */
export type SearchAttributeValue = string | number | boolean | Date | string[];

/**
 * One typed search attribute.
 *
 * @example
 * ```ts
 * const pair: SearchAttributePair = { key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'gold' };
 * ```
 */
export interface SearchAttributePair {
  key: { name: string; type: SearchAttributeType };
  value: SearchAttributeValue;
}

/**
 * Accepts an array of pairs or anything with `getAll()` (such as the official `TypedSearchAttributes`).
 *
 * @example
 * ```ts
 * await client.workflow.start(wf, { taskQueue, workflowId, typedSearchAttributes: [{ key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'gold' }] });
 * ```
 */
export type TypedSearchAttributesInput = readonly SearchAttributePair[] | { getAll(): SearchAttributePair[] };

/**
 * The untyped form: attribute name to an array of values.
 *
 * @example
 * ```ts
 * await client.workflow.start(wf, { taskQueue, workflowId, searchAttributes: { CustomKeywordField: ['gold'] } });
 * ```
 */
export type SearchAttributes = Record<string, ReadonlyArray<string | number | boolean | Date>>;

const METADATA_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};
const TYPE_FROM_METADATA = new Map(Object.entries(METADATA_TYPE).map(([k, v]) => [v, k as SearchAttributeType]));

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function jsonPayload(value: unknown, type?: string): Payload {
  const metadata: Record<string, Uint8Array> = { encoding: utf8.encode('json/plain') };
  if (type) metadata.type = utf8.encode(type);
  return { metadata, data: utf8.encode(JSON.stringify(value)) };
}

function checkTypedValue(pair: SearchAttributePair, field: string): unknown {
  const { type } = pair.key;
  const v = pair.value;
  const ok =
    ((type === 'TEXT' || type === 'KEYWORD') && typeof v === 'string') ||
    (type === 'INT' && Number.isInteger(v)) ||
    (type === 'DOUBLE' && typeof v === 'number') ||
    (type === 'BOOL' && typeof v === 'boolean') ||
    (type === 'DATETIME' && v instanceof Date && !Number.isNaN(v.getTime())) ||
    (type === 'KEYWORD_LIST' && Array.isArray(v) && v.every((s) => typeof s === 'string'));
  if (!ok) throw new InvalidOptionError(`${field}.${pair.key.name}`, `is not a valid ${type} value`);
  return v instanceof Date ? v.toISOString() : v;
}

/**
 * Encodes both forms into `indexed_fields`; typed pairs win over an untyped value of the same name.
 * Returns `undefined` when neither is given.
 */
export function encodeSearchAttributes(
  untyped: SearchAttributes | undefined,
  typed: TypedSearchAttributesInput | undefined,
): Record<string, Payload> | undefined {
  if (untyped === undefined && typed === undefined) return undefined;
  const fields: Record<string, Payload> = {};
  if (untyped !== undefined) {
    if (untyped === null || typeof untyped !== 'object') throw new InvalidOptionError('searchAttributes', 'must be an object');
    for (const [name, values] of Object.entries(untyped)) {
      if (!Array.isArray(values)) throw new InvalidOptionError(`searchAttributes.${name}`, 'must be an array of values');
      fields[name] = jsonPayload(values.map((v) => (v instanceof Date ? v.toISOString() : v)));
    }
  }
  if (typed !== undefined) {
    const pairs: readonly SearchAttributePair[] | undefined = Array.isArray(typed) ? typed : typeof (typed as { getAll?: unknown }).getAll === 'function' ? (typed as { getAll(): SearchAttributePair[] }).getAll() : undefined;
    if (!pairs) throw new InvalidOptionError('typedSearchAttributes', 'must be an array of { key, value } pairs');
    for (const pair of pairs) {
      const type: unknown = pair?.key?.type;
      if (typeof pair?.key?.name !== 'string' || typeof type !== 'string' || !(type in METADATA_TYPE)) {
        throw new InvalidOptionError('typedSearchAttributes', `has an invalid key: ${JSON.stringify(pair?.key)}`);
      }
      fields[pair.key.name] = jsonPayload(checkTypedValue(pair, 'typedSearchAttributes'), METADATA_TYPE[pair.key.type]);
    }
  }
  return fields;
}

function payloadJson(payload: Payload): unknown {
  if (!payload.data || payload.data.length === 0) return undefined;
  const text = fromUtf8.decode(payload.data);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PayloadConverterError(`a search attribute value from the server is not JSON: ${JSON.stringify(text.slice(0, 80))}`, err);
  }
}

function payloadType(payload: Payload): SearchAttributeType | undefined {
  const raw = payload.metadata?.type;
  return raw ? TYPE_FROM_METADATA.get(fromUtf8.decode(raw)) : undefined;
}

function typedValue(type: SearchAttributeType, json: unknown): SearchAttributeValue | undefined {
  if (type === 'DATETIME') return typeof json === 'string' ? new Date(json) : undefined;
  if (type === 'KEYWORD_LIST') return Array.isArray(json) ? json.map(String) : typeof json === 'string' ? [json] : undefined;
  // Older servers wrap single values in an array.
  const single = Array.isArray(json) ? json[0] : json;
  return single as SearchAttributeValue | undefined;
}

/** Decodes `indexed_fields` to the untyped form (every value an array, as the official SDK does). */
export function decodeSearchAttributes(fields: Record<string, Payload> | null | undefined): SearchAttributes {
  const out: Record<string, Array<string | number | boolean | Date>> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const json = payloadJson(payload);
    if (json === undefined || json === null) continue;
    const values = (Array.isArray(json) ? json : [json]) as Array<string | number | boolean>;
    out[name] = payloadType(payload) === 'DATETIME' ? values.map((v) => new Date(String(v))) : values;
  }
  return out;
}

/** Decodes the attributes that carry a type to the official `TypedSearchAttributes`. */
export function decodeTypedSearchAttributes(fields: Record<string, Payload> | null | undefined): TypedSearchAttributes {
  return new TypedSearchAttributes(decodeTypedSearchAttributePairs(fields) as ConstructorParameters<typeof TypedSearchAttributes>[0]);
}

function decodeTypedSearchAttributePairs(fields: Record<string, Payload> | null | undefined): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const type = payloadType(payload);
    if (!type) continue;
    const value = typedValue(type, payloadJson(payload));
    if (value !== undefined && value !== null) pairs.push({ key: { name, type }, value });
  }
  return pairs;
}

/**
 * A count group's value, in the untyped form the official client gives: always an array (of `Date`s
 * for a `Datetime` attribute), e.g. `['Completed']` for `GROUP BY ExecutionStatus`.
 */
export function decodeSearchAttributeValue(payload: Payload): Array<string | number | boolean | Date> {
  const json = payloadJson(payload);
  const values = (Array.isArray(json) ? json : [json]) as Array<string | number | boolean>;
  return payloadType(payload) === 'DATETIME' ? values.map((v) => new Date(String(v))) : values;
}
