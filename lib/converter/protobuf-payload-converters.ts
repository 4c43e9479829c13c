/**
 * Opt-in protobuf payload converters: `json/protobuf` (proto3 JSON, what the official SDKs write
 * for protobuf messages) and `binary/protobuf`, both tagged with `messageType` metadata.
 */
import { PayloadConverterError, ValueError } from '../common/errors';
import {
  METADATA_ENCODING_KEY,
  METADATA_MESSAGE_TYPE_KEY,
  asPlainUint8Array,
  decodeUtf8,
  encodeUtf8,
  encodingTypes,
} from './encoding';
import {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from './payload-converters';
import {
  type ReflectedType,
  isProtobufMessage,
  messageToProtoJson,
  protoJsonToMessage,
  wireTypeName,
} from './protobuf-json';
import type { Payload, PayloadConverterWithEncoding } from './types';

/** A protobufjs `Root` (any copy of protobufjs), or anything else with `lookupType`. */
export interface ProtobufRoot {
  lookupType(path: string): unknown;
}

/** Options of the protobuf converters. */
export interface ProtobufConverterOptions {
  /**
   * Where to look message types up when decoding: one protobufjs root or several (searched in
   * order). Encoding needs no root — messages carry their type.
   */
  protobufRoot: ProtobufRoot | readonly ProtobufRoot[];
}

abstract class ProtobufPayloadConverterBase implements PayloadConverterWithEncoding {
  abstract readonly encodingType: string;
  private readonly roots: readonly ProtobufRoot[];

  constructor(options: ProtobufConverterOptions) {
    const roots = Array.isArray(options?.protobufRoot) ? options.protobufRoot : [options?.protobufRoot];
    roots.forEach((root, i) => {
      if (typeof (root as ProtobufRoot | undefined)?.lookupType !== 'function') {
        throw new PayloadConverterError(`protobufRoot${roots.length > 1 ? `[${i}]` : ''} must be a protobufjs Root (an object with lookupType)`);
      }
    });
    this.roots = roots as ProtobufRoot[];
  }

  abstract toPayload(value: unknown): Payload | undefined;
  abstract fromPayload<T = unknown>(payload: Payload): T;

  protected makePayload(type: ReflectedType, data: Uint8Array): Payload {
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: encodeUtf8(this.encodingType),
        [METADATA_MESSAGE_TYPE_KEY]: encodeUtf8(wireTypeName(type)),
      },
      data,
    };
  }

  protected resolvePayload(payload: Payload): { type: ReflectedType; data: Uint8Array } {
    if (payload.data === undefined || payload.data === null) throw new ValueError(`${this.encodingType} payload has no data`);
    const rawName = payload.metadata?.[METADATA_MESSAGE_TYPE_KEY];
    if (!rawName) throw new ValueError(`${this.encodingType} payload has no metadata.${METADATA_MESSAGE_TYPE_KEY}`);
    const name = decodeUtf8(rawName);
    for (const root of this.roots) {
      let found: unknown;
      try {
        found = root.lookupType(name);
      } catch {
        continue; // protobufjs throws "no such type"; try the next root
      }
      if (found) return { type: found as ReflectedType, data: asPlainUint8Array(payload.data) };
    }
    throw new PayloadConverterError(`${this.encodingType} payload has messageType '${name}', which no configured protobufRoot contains`);
  }
}

/**
 * protobufjs message ↔ `json/protobuf` (proto3 JSON text).
 *
 * @example
 * ```ts
 * const converter = new ProtobufJsonPayloadConverter({ protobufRoot: root });
 * ```
 */
export class ProtobufJsonPayloadConverter extends ProtobufPayloadConverterBase {
  readonly encodingType = encodingTypes.PROTOBUF_JSON;

  toPayload(value: unknown): Payload | undefined {
    if (!isProtobufMessage(value)) return undefined;
    const json = JSON.stringify(messageToProtoJson(value.$type, value));
    return this.makePayload(value.$type, encodeUtf8(json));
  }

  fromPayload<T = unknown>(payload: Payload): T {
    const { type, data } = this.resolvePayload(payload);
    let json: unknown;
    try {
      json = JSON.parse(decodeUtf8(data));
    } catch (err) {
      throw new ValueError(`json/protobuf payload for ${wireTypeName(type)} is not valid JSON: ${(err as Error).message}`, err);
    }
    return replaceBuffers(protoJsonToMessage(type, json)) as T;
  }
}

/**
 * protobufjs message ↔ `binary/protobuf` (wire format). Read-compatible by default; to write it,
 * put it before the JSON one in your own composite.
 *
 * @example
 * ```ts
 * const converter = new ProtobufBinaryPayloadConverter({ protobufRoot: root });
 * ```
 */
export class ProtobufBinaryPayloadConverter extends ProtobufPayloadConverterBase {
  readonly encodingType = encodingTypes.PROTOBUF;

  toPayload(value: unknown): Payload | undefined {
    if (!isProtobufMessage(value)) return undefined;
    return this.makePayload(value.$type, asPlainUint8Array(value.$type.encode(value).finish()));
  }

  fromPayload<T = unknown>(payload: Payload): T {
    const { type, data } = this.resolvePayload(payload);
    try {
      return replaceBuffers(type.decode(data)) as T;
    } catch (err) {
      throw new ValueError(`binary/protobuf payload is not a valid ${wireTypeName(type)}: ${(err as Error).message}`, err);
    }
  }
}

/**
 * The default converter plus protobuf support, in the official order: `binary/null`,
 * `binary/plain`, `json/protobuf`, `binary/protobuf`, `json/plain`. Protobuf messages are written
 * as `json/protobuf`; `binary/protobuf` payloads from other SDKs are read.
 *
 * @example
 * ```ts
 * import { temporal } from '@temporalio/proto';
 * import root from '@temporalio/proto'; // or your own protobufjs Root
 * const payloadConverter = new DefaultPayloadConverterWithProtobufs({ protobufRoot: root });
 * payloadConverter.toPayload(temporal.api.common.v1.WorkflowExecution.create({ workflowId: 'wf' }));
 * ```
 */
export class DefaultPayloadConverterWithProtobufs extends CompositePayloadConverter {
  constructor(options: ProtobufConverterOptions) {
    super(
      new UndefinedPayloadConverter(),
      new BinaryPayloadConverter(),
      new ProtobufJsonPayloadConverter(options),
      new ProtobufBinaryPayloadConverter(options),
      new JsonPayloadConverter(),
    );
  }
}

/**
 * protobufjs allocates `bytes` fields as Node `Buffer`s; hand users plain `Uint8Array`s, which
 * behave the same under JSON, deep equality and inside the workflow sandbox.
 */
function replaceBuffers<T>(value: T): T {
  const visit = (node: unknown): unknown => {
    if (Buffer.isBuffer(node)) return new Uint8Array(node);
    if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return node;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      const replaced = visit(child);
      if (replaced !== child) record[key] = replaced;
    }
    return node;
  };
  return visit(value) as T;
}
