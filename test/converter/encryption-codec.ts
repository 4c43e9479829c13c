/**
 * Test-only AES-256-GCM codec, the shape of the encryption codec in Temporal's samples: each
 * payload is serialised, encrypted, and wrapped with encoding `binary/encrypted` and a key id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { Payload, PayloadCodec } from '../../lib/converter';

const ENCODING = 'binary/encrypted';

export class AesGcmTestCodec implements PayloadCodec {
  constructor(
    private readonly keyId: string,
    private readonly key: Uint8Array = randomBytes(32),
  ) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const body = Buffer.concat([cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), 'encryption-key-id': Buffer.from(this.keyId) },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
      const data = Buffer.from(payload.data!);
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
