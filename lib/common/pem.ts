/**
 * Checks PEM certificates and private keys with node:crypto, so that TLS material that would only
 * fail deep inside a TLS library (or, worse, be silently ignored by it) is refused up front with an
 * `InvalidOptionError` naming the option it came from. Used by the client's and the dev server's
 * TLS options alike.
 */
import * as crypto from 'node:crypto';
import { InvalidOptionError } from './options-validation';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The certificates in `pem` (at least one), parsed.
 *
 * @example
 * ```ts
 * const [leaf] = certificatesFromPem(fs.readFileSync('server.pem'), 'tls.cert');
 * ```
 */
export function certificatesFromPem(pem: Uint8Array, field: string): crypto.X509Certificate[] {
  const blocks = Buffer.from(pem).toString('latin1').match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) throw new InvalidOptionError(field, 'holds no PEM CERTIFICATE block');
  return blocks.map((block, i) => {
    try {
      return new crypto.X509Certificate(block);
    } catch (err) {
      throw new InvalidOptionError(field, `certificate ${i + 1} cannot be parsed: ${(err as Error).message}`);
    }
  });
}

/**
 * The private key in `pem`, parsed.
 *
 * @example
 * ```ts
 * const key = privateKeyFromPem(fs.readFileSync('server-key.pem'), 'tls.key');
 * ```
 */
export function privateKeyFromPem(pem: Uint8Array, field: string): crypto.KeyObject {
  if (!Buffer.from(pem).toString('latin1').includes('PRIVATE KEY-----')) throw new InvalidOptionError(field, 'holds no PEM PRIVATE KEY block');
  try {
    return crypto.createPrivateKey(Buffer.from(pem));
  } catch (err) {
    throw new InvalidOptionError(field, `is not a usable PEM private key: ${(err as Error).message}`);
  }
}

/**
 * Checks that `keyPem` is the private key of the first certificate in `certPem`.
 *
 * @example
 * ```ts
 * checkCertificateKeyPair(crt, key, { cert: 'tls.cert', key: 'tls.key' });
 * ```
 */
export function checkCertificateKeyPair(certPem: Uint8Array, keyPem: Uint8Array, fields: { cert: string; key: string }): void {
  const [leaf] = certificatesFromPem(certPem, fields.cert);
  const key = privateKeyFromPem(keyPem, fields.key);
  if (!leaf.checkPrivateKey(key)) throw new InvalidOptionError(fields.key, `is not the private key of the certificate in ${fields.cert}`);
}
