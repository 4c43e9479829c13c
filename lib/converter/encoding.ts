/**
 * Payload metadata keys and encoding names shared by every Temporal SDK, and UTF-8 helpers.
 */
import type { Payload } from './types';

export const METADATA_ENCODING_KEY = 'encoding';
export const METADATA_MESSAGE_TYPE_KEY = 'messageType';

/** The `encoding` metadata values understood across SDKs. */
export const encodingTypes = {
  NULL: 'binary/null',
  BINARY: 'binary/plain',
  JSON: 'json/plain',
  PROTOBUF_JSON: 'json/protobuf',
  PROTOBUF: 'binary/protobuf',
} as const;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** The payload's `encoding` metadata as a string, or `undefined` when absent. */
export function payloadEncoding(payload: Payload): string | undefined {
  const raw = payload.metadata?.[METADATA_ENCODING_KEY];
  return raw === undefined || raw === null ? undefined : decodeUtf8(raw);
}

/**
 * Returns `bytes` as a plain `Uint8Array` view: protobufjs hands out Node `Buffer`s, which differ
 * from `Uint8Array` under `JSON.stringify`, deep equality and in the workflow sandbox.
 */
export function asPlainUint8Array(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
