/**
 * A compression codec interoperable with the Go SDK's `converter.NewZlibCodec`: each payload is
 * serialised (Payload proto), zlib-compressed, and wrapped in a payload with encoding `binary/zlib`.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { ValueError } from '../../common/errors';
import { METADATA_ENCODING_KEY, asPlainUint8Array, encodeUtf8, payloadEncoding } from '../encoding';
import type { Payload, PayloadCodec } from '../types';

const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);
const ProtoPayload = temporal.api.common.v1.Payload;

export const ZLIB_ENCODING = 'binary/zlib';

/** Options of {@link ZlibPayloadCodec}. */
export interface ZlibPayloadCodecOptions {
  /**
   * Compress every payload even when compression does not make it smaller. Default `false`: a
   * payload is replaced only when the compressed form is smaller (as in the Go SDK).
   */
  alwaysEncode?: boolean;
  /** zlib compression level, 0–9 (default: zlib's default, 6). */
  level?: number;
}

/**
 * Compresses payloads with zlib. Payloads it did not write pass through `decode` untouched, so it
 * can be added to an existing deployment.
 *
 * @example
 * ```ts
 * const client = new Client({ connection, dataConverter: { payloadCodecs: [new ZlibPayloadCodec()] } });
 * ```
 */
export class ZlibPayloadCodec implements PayloadCodec {
  private readonly alwaysEncode: boolean;
  private readonly level: number | undefined;

  constructor(options: ZlibPayloadCodecOptions = {}) {
    const { level } = options;
    if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) {
      throw new ValueError(`ZlibPayloadCodec options.level must be an integer from 0 to 9, got ${String(level)}`);
    }
    this.alwaysEncode = options.alwaysEncode ?? false;
    this.level = level;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        const serialized = ProtoPayload.encode(payload).finish();
        const compressed = await deflate(serialized, this.level === undefined ? {} : { level: this.level });
        if (!this.alwaysEncode && compressed.length >= serialized.length) return payload;
        return { metadata: { [METADATA_ENCODING_KEY]: encodeUtf8(ZLIB_ENCODING) }, data: asPlainUint8Array(compressed) };
      }),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        if (payloadEncoding(payload) !== ZLIB_ENCODING) return payload;
        if (!payload.data) throw new ValueError(`${ZLIB_ENCODING} payload has no data`);
        let serialized: Uint8Array;
        try {
          serialized = await inflate(payload.data);
        } catch (err) {
          throw new ValueError(`${ZLIB_ENCODING} payload is not valid zlib data: ${(err as Error).message}`, err);
        }
        const inner = ProtoPayload.decode(serialized);
        const metadata: Record<string, Uint8Array> = {};
        for (const [key, value] of Object.entries(inner.metadata ?? {})) metadata[key] = asPlainUint8Array(value);
        const decoded: Payload = { metadata, data: asPlainUint8Array(inner.data ?? new Uint8Array(0)) };
        if (inner.externalPayloads?.length) decoded.externalPayloads = inner.externalPayloads;
        return decoded;
      }),
    );
  }
}
