/**
 * The default payload converters, byte-compatible with every official Temporal SDK:
 * `binary/null` for `undefined`, `binary/plain` for `Uint8Array`, `json/plain` for the rest.
 */
import { PayloadConverterError, ValueError } from '../common/errors';
import {
  METADATA_ENCODING_KEY,
  asPlainUint8Array,
  decodeUtf8,
  encodeUtf8,
  encodingTypes,
  payloadEncoding,
} from './encoding';
import type { Payload, PayloadConverter, PayloadConverterWithEncoding } from './types';

/**
 * Thrown when a payload's `encoding` has no converter here (e.g. `json/protobuf` without the
 * protobuf converter installed, or a codec's encoding when the codec is missing).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof UnknownEncodingError) console.error(`no converter for ${e.encoding}`); }
 * ```
 */
export class UnknownEncodingError extends PayloadConverterError {
  constructor(public readonly encoding: string, known: readonly string[]) {
    super(
      `Unknown payload encoding '${encoding}': no payload converter handles it (known: ${known.join(', ')}). ` +
        `If it was written by a payload codec, configure the same codec in the data converter.`,
    );
  }
}

/**
 * Tries each converter in order when converting a value; picks the converter by the payload's
 * `encoding` metadata when converting back.
 *
 * @example
 * ```ts
 * const converter = new CompositePayloadConverter(new UndefinedPayloadConverter(), new JsonPayloadConverter());
 * ```
 */
export class CompositePayloadConverter implements PayloadConverter {
  readonly converters: readonly PayloadConverterWithEncoding[];
  private readonly byEncoding = new Map<string, PayloadConverterWithEncoding>();

  constructor(...converters: PayloadConverterWithEncoding[]) {
    if (converters.length === 0) throw new PayloadConverterError('CompositePayloadConverter needs at least one converter');
    this.converters = converters;
    for (const converter of converters) this.byEncoding.set(converter.encodingType, converter);
  }

  toPayload(value: unknown): Payload {
    for (const converter of this.converters) {
      const payload = converter.toPayload(value);
      if (payload !== undefined) return payload;
    }
    throw new ValueError(`No payload converter can convert a value of type ${describeValue(value)}`);
  }

  fromPayload<T = unknown>(payload: Payload): T {
    if (payload === null || typeof payload !== 'object') {
      throw new ValueError(`Expected a Payload object, got ${payload === null ? 'null' : typeof payload}`);
    }
    if (!payload.metadata) throw new ValueError('Payload has no metadata (expected an `encoding` entry)');
    const encoding = payloadEncoding(payload);
    if (encoding === undefined) throw new ValueError('Payload metadata has no `encoding` entry');
    const converter = this.byEncoding.get(encoding);
    if (converter === undefined) throw new UnknownEncodingError(encoding, [...this.byEncoding.keys()]);
    return converter.fromPayload<T>(payload);
  }
}

/**
 * `undefined` ↔ `binary/null` (no data).
 *
 * @example
 * ```ts
 * new UndefinedPayloadConverter().toPayload(undefined); // { metadata: { encoding: 'binary/null' } }
 * ```
 */
export class UndefinedPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = encodingTypes.NULL;

  toPayload(value: unknown): Payload | undefined {
    if (value !== undefined) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: encodeUtf8(this.encodingType) } };
  }

  fromPayload<T = unknown>(_payload: Payload): T {
    return undefined as T;
  }
}

/**
 * `Uint8Array` (including `Buffer`) ↔ `binary/plain`, bytes as they are.
 *
 * @example
 * ```ts
 * new BinaryPayloadConverter().toPayload(new Uint8Array([1, 2]));
 * ```
 */
export class BinaryPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = encodingTypes.BINARY;

  toPayload(value: unknown): Payload | undefined {
    if (!(value instanceof Uint8Array)) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: encodeUtf8(this.encodingType) }, data: value };
  }

  fromPayload<T = unknown>(payload: Payload): T {
    return asPlainUint8Array(payload.data ?? new Uint8Array(0)) as T;
  }
}

/**
 * Any JSON-serialisable value ↔ `json/plain` (UTF-8 JSON text). `null` is JSON. Values JSON cannot
 * represent — BigInt, cycles, a bare function or symbol — are refused with a {@link ValueError}
 * naming the path to the offending value. As with `JSON.stringify`, functions and symbols nested
 * in objects are dropped, and `toJSON()` is honoured (so a `Date` becomes its ISO string).
 *
 * @example
 * ```ts
 * new JsonPayloadConverter().toPayload({ id: 1, tags: ['a'] });
 * ```
 */
export class JsonPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = encodingTypes.JSON;

  toPayload(value: unknown): Payload | undefined {
    if (value === undefined) return undefined;
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (err) {
      throw new ValueError(`Cannot convert value to JSON: ${findJsonProblem(value) ?? String(err)}`, err);
    }
    if (json === undefined) {
      throw new ValueError(`Cannot convert value to JSON: a ${typeof value} has no JSON representation`);
    }
    return { metadata: { [METADATA_ENCODING_KEY]: encodeUtf8(this.encodingType) }, data: encodeUtf8(json) };
  }

  fromPayload<T = unknown>(payload: Payload): T {
    if (payload.data === undefined || payload.data === null) throw new ValueError('json/plain payload has no data');
    const text = decodeUtf8(payload.data);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ValueError(`json/plain payload is not valid JSON: ${(err as Error).message}`, err);
    }
  }
}

/**
 * The default converter: `binary/null`, `binary/plain`, `json/plain`, tried in that order (the
 * order every official SDK uses).
 *
 * @example
 * ```ts
 * const payload = defaultPayloadConverter.toPayload({ hello: 'world' });
 * ```
 */
export class DefaultPayloadConverter extends CompositePayloadConverter {
  constructor() {
    super(new UndefinedPayloadConverter(), new BinaryPayloadConverter(), new JsonPayloadConverter());
  }
}

export const defaultPayloadConverter: PayloadConverter = new DefaultPayloadConverter();

/**
 * Walks a value the way JSON.stringify would and names the first thing it cannot serialise.
 * Only called after stringify failed, so its cost is paid on the error path only.
 */
function findJsonProblem(root: unknown): string | undefined {
  const ancestors: object[] = [];
  const visit = (value: unknown, path: string): string | undefined => {
    if (typeof value === 'bigint') return `BigInt at ${path} (convert it to a string or number first)`;
    if (value === null || typeof value !== 'object') return undefined;
    const withToJson = value as { toJSON?: unknown };
    if (typeof withToJson.toJSON === 'function') {
      let replaced: unknown;
      try {
        replaced = (withToJson.toJSON as (key: string) => unknown)('');
      } catch (err) {
        return `toJSON() of ${path} threw: ${(err as Error)?.message ?? String(err)}`;
      }
      if (replaced !== value) return visit(replaced, path);
    }
    if (ancestors.includes(value)) return `circular reference at ${path}`;
    ancestors.push(value);
    try {
      const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [`.${k}`, v] as const);
      for (const [suffix, child] of entries) {
        const problem = visit(child, path + suffix);
        if (problem) return problem;
      }
    } finally {
      ancestors.pop();
    }
    return undefined;
  };
  return visit(root, '$');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
