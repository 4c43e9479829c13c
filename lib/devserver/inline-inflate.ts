/**
 * Inflates small gzip/deflate request messages synchronously.
 *
 * The Rust core's gRPC client gzips every request it sends. grpc-js (1.14) inflates each one by
 * building a zlib stream, which runs in the libuv thread pool and takes several event-loop turns per
 * message. Profiles of the dev server under the official worker put that at about 30% of the
 * server's CPU and add latency to every task completion. A synchronous inflate of a message of a
 * few hundred bytes takes microseconds. Larger messages still use grpc-js's own streaming path, so
 * the event loop never blocks on a big payload. The results, the size limit and the errors stay the same:
 * RESOURCE_EXHAUSTED over `grpc.max_receive_message_length`, INTERNAL for a corrupt message.
 *
 * grpc-js has no public hook for this, so the method of its server call class is replaced once per
 * process. If that class or method is missing (another grpc-js version), nothing is changed.
 */
import * as zlib from 'node:zlib';
import { status } from '@grpc/grpc-js';

/** Compressed messages up to this size are inflated inline; larger ones keep grpc-js's streaming path. */
const INLINE_LIMIT_BYTES = 64 * 1024;

interface ServerCallPrototype {
  decompressMessage(this: { maxReceiveMessageSize: number }, message: Buffer, encoding: string): Buffer | Promise<Buffer>;
  __inlineInflate?: true;
}

function serverCallPrototype(): ServerCallPrototype | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@grpc/grpc-js/build/src/server-interceptors') as { BaseServerInterceptingCall?: { prototype?: unknown } };
    const proto = mod.BaseServerInterceptingCall?.prototype as ServerCallPrototype | undefined;
    return proto && typeof proto.decompressMessage === 'function' ? proto : null;
  } catch {
    return null;
  }
}

/** Installs the synchronous inflate for small messages (idempotent). Returns whether it is active. */
export function installInlineInflate(): boolean {
  const proto = serverCallPrototype();
  if (!proto) return false;
  if (proto.__inlineInflate) return true;
  const streaming = proto.decompressMessage;
  proto.decompressMessage = function (message, encoding) {
    // 5 bytes of gRPC framing (compressed flag and length) precede the payload.
    if ((encoding !== 'gzip' && encoding !== 'deflate') || message.length - 5 > INLINE_LIMIT_BYTES) {
      return streaming.call(this, message, encoding);
    }
    const limit = this.maxReceiveMessageSize;
    const options = limit > 0 ? { maxOutputLength: limit } : {};
    try {
      const payload = message.subarray(5);
      return encoding === 'gzip' ? zlib.gunzipSync(payload, options) : zlib.inflateSync(payload, options);
    } catch (err) {
      // Rejections carry grpc-js's own status objects, which is what its caller expects.
      if (err instanceof RangeError) {
        return Promise.reject({ code: status.RESOURCE_EXHAUSTED, details: `Received message that decompresses to a size larger than ${limit}` });
      }
      return Promise.reject({ code: status.INTERNAL, details: 'Failed to decompress message' });
    }
  };
  proto.__inlineInflate = true;
  return true;
}
