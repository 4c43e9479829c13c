/**
 * The Neon addon decodes completions, heartbeats and histories as *length-delimited* protobuf
 * (a varint length, then the message), while the core layer's contract moves plain message bytes.
 */
import { Writer } from 'protobufjs';

/** Prefixes `message` with its varint length, as `encodeDelimited` would have. */
export function lengthDelimited(message: Uint8Array): Buffer {
  const framed = Writer.create().bytes(message).finish();
  return Buffer.isBuffer(framed) ? framed : Buffer.from(framed.buffer, framed.byteOffset, framed.byteLength);
}
