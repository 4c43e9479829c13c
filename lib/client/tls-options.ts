/**
 * The client's `tls` option, checked and translated to the core's TLS options. The certificates are
 * parsed here because the core does not say when they are unusable: a server CA that is not PEM is
 * dropped without a word (and the connection then fails as "untrusted"), a client key that does not
 * match its certificate surfaces as a transport error. Here each is an `InvalidOptionError` naming
 * the field.
 */
import { checkedOptions, describeValue, InvalidOptionError } from '../common/options-validation';
import { certificatesFromPem, checkCertificateKeyPair } from '../common/pem';
import type { TlsOptions as CoreTlsOptions } from '../core/types';

/**
 * TLS settings. Field names follow the official SDK; certificates and keys are PEM bytes.
 *
 * @example
 * ```ts
 * const tls: TLSConfig = { serverRootCACertificate: fs.readFileSync('ca.pem'), clientCertPair: { crt, key } };
 * ```
 */
export interface TLSConfig {
  /** The name to check the server's certificate against, instead of the host in `address`. */
  serverNameOverride?: string;
  /** CA certificates (PEM) to trust instead of the system's roots. */
  serverRootCACertificate?: Uint8Array;
  /** A client certificate (PEM, leaf first) and its private key (PEM), for servers that require mTLS. */
  clientCertPair?: { crt: Uint8Array; key: Uint8Array };
}

const TLS_KEYS = { kind: 'TLS option', supported: ['serverNameOverride', 'serverRootCACertificate', 'clientCertPair'] };
const PAIR_KEYS = { kind: 'clientCertPair option', supported: ['crt', 'key'] };

/**
 * Checks the `tls` connection option: `null`/`false` for plaintext, `true` for TLS with the system's
 * roots, a {@link TLSConfig} for custom roots, a server name override or mTLS.
 *
 * @example
 * ```ts
 * toCoreTls({ serverRootCACertificate: fs.readFileSync('ca.pem') }); // { serverRootCaCert: <bytes> }
 * ```
 */
export function toCoreTls(tls: unknown): boolean | CoreTlsOptions | undefined {
  if (tls === null) return false;
  if (tls === undefined || typeof tls === 'boolean') return tls;
  if (typeof tls !== 'object') throw new InvalidOptionError('tls', `must be a boolean or a TLS config object, got ${describeValue(tls)}`);
  const o = checkedOptions(tls, 'tls', TLS_KEYS);
  const out: CoreTlsOptions = {};
  if (o.serverNameOverride !== undefined) {
    if (typeof o.serverNameOverride !== 'string' || !/^[A-Za-z0-9.:-]+$/.test(o.serverNameOverride)) {
      throw new InvalidOptionError('tls.serverNameOverride', `must be a DNS name such as 'temporal.internal' or an IP address, got ${describeValue(o.serverNameOverride)}`);
    }
    out.serverNameOverride = o.serverNameOverride;
  }
  if (o.serverRootCACertificate !== undefined) {
    const ca = pemBytes(o.serverRootCACertificate, 'tls.serverRootCACertificate');
    certificatesFromPem(ca, 'tls.serverRootCACertificate');
    out.serverRootCaCert = ca;
  }
  if (o.clientCertPair !== undefined) {
    const pair = checkedOptions(o.clientCertPair, 'tls.clientCertPair', PAIR_KEYS);
    if (pair.crt === undefined) throw new InvalidOptionError('tls.clientCertPair.crt', 'is required (the client certificate, PEM)');
    if (pair.key === undefined) throw new InvalidOptionError('tls.clientCertPair.key', 'is required (the private key of the client certificate, PEM)');
    const crt = pemBytes(pair.crt, 'tls.clientCertPair.crt');
    const key = pemBytes(pair.key, 'tls.clientCertPair.key');
    checkCertificateKeyPair(crt, key, { cert: 'tls.clientCertPair.crt', key: 'tls.clientCertPair.key' });
    out.clientCertPair = { crt, key };
  }
  return out;
}

function pemBytes(value: unknown, field: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    throw new InvalidOptionError(field, "must be PEM bytes (a Buffer or Uint8Array, e.g. fs.readFileSync('ca.pem')), not a string");
  }
  throw new InvalidOptionError(field, `must be PEM bytes (a Buffer or Uint8Array), got ${describeValue(value)}`);
}
