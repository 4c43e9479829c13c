/**
 * Inflates small gzip/deflate request messages synchronously, on our dev server's calls only.
 *
 * The Rust core's gRPC client gzips every request it sends. grpc-js (1.14) inflates each one by
 * building a zlib stream, which runs in the libuv thread pool and takes several event-loop turns per
 * message. Profiles of the dev server under the official worker put that at about 30% of the
 * server's CPU and add latency to every task completion. A synchronous inflate of a message of a
 * few hundred bytes takes microseconds. Larger messages still use grpc-js's own streaming path, so
 * the event loop never blocks on a big payload. The results, the size limit and the errors stay the same:
 * RESOURCE_EXHAUSTED over `grpc.max_receive_message_length`, INTERNAL for a corrupt message.
 *
 * grpc-js has no public hook for decompression, but its server interceptors receive the base call of
 * each request before any message is read. The interceptor below replaces `decompressMessage` on
 * that one call object (an own property), so other grpc-js servers in the process are untouched. If
 * the call has no such method (another grpc-js version), the call is left as it is.
 */
import * as zlib from 'node:zlib';
import { ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';

/** Compressed messages up to this size are inflated inline; larger ones keep grpc-js's streaming path. */
const INLINE_LIMIT_BYTES = 64 * 1024;

type Decompress = (this: { maxReceiveMessageSize: number }, message: Buffer, encoding: string) => Buffer | Promise<Buffer>;

interface DecompressingCall {
  decompressMessage?: Decompress;
}

function inlineDecompress(streaming: Decompress): Decompress {
  return function (message, encoding) {
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
}

/**
 * The server interceptor to list first in our `grpc.Server`'s `interceptors`: it gives that
 * request's base call the synchronous inflate.
 */
export const inlineInflateInterceptor: ServerInterceptor = (_method, call) => {
  const base = call as DecompressingCall;
  const streaming = base.decompressMessage;
  if (typeof streaming === 'function') base.decompressMessage = inlineDecompress(streaming);
  return new ServerInterceptingCall(call);
};
