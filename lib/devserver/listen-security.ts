/**
 * How the dev server listens: plaintext or TLS (optionally requiring client certificates), and
 * whether every call must carry an API key (`authorization: Bearer <key>`). Options are checked
 * before anything is bound, so a bad path or a PEM that is not what it claims fails the start with an
 * error naming the option, never a half-started server.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Metadata, ServerCredentials, ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';
import { InvalidOptionError } from '../common/options-validation';
import { certificatesFromPem, checkCertificateKeyPair } from '../common/pem';

/** A PEM source: a string is a file path, bytes are the PEM itself. */
export type PemSource = string | Uint8Array;

/**
 * TLS for the dev server. Certificates and keys are PEM, given as file paths (strings) or as the
 * PEM bytes.
 *
 * @example
 * ```ts
 * const tls: DevServerTlsOptions = { cert: 'server.pem', key: 'server-key.pem', clientCa: 'clients-ca.pem' };
 * ```
 */
export interface DevServerTlsOptions {
  /** The server's certificate chain (leaf first). */
  cert: PemSource;
  /** The private key of `cert`. */
  key: PemSource;
  /** When given, clients must present a certificate signed by one of these CAs (mTLS). */
  clientCa?: PemSource;
}

/** What `startDevServer` binds with. */
export interface ListenSecurity {
  credentials: ServerCredentials;
  /** Interceptors to append after the server's own (the API key check), possibly none. */
  interceptors: ServerInterceptor[];
  tls: boolean;
  mutualTls: boolean;
  apiKey: boolean;
}

const TLS_KEYS = ['cert', 'key', 'clientCa'];
/** What RFC 6750 allows in a bearer token, and nothing a header could not carry. */
const API_KEY = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Checks `tls` and `apiKey` and builds what the server binds with.
 *
 * @example
 * ```ts
 * const security = resolveListenSecurity({ tls: { cert: 'server.pem', key: 'key.pem' }, apiKey: 'secret' });
 * server.bindAsync('127.0.0.1:7233', security.credentials, callback);
 * ```
 */
export function resolveListenSecurity(options: { tls?: DevServerTlsOptions; apiKey?: string }): ListenSecurity {
  const interceptors: ServerInterceptor[] = [];
  const apiKey = options.apiKey;
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || apiKey.length === 0) throw new InvalidOptionError('apiKey', 'must be a non-empty string');
    if (!API_KEY.test(apiKey)) {
      throw new InvalidOptionError('apiKey', 'may hold only letters, digits and - . _ ~ + / (then = padding), as a bearer token');
    }
    interceptors.push(apiKeyInterceptor(apiKey));
  }
  const tls = options.tls;
  if (tls === undefined) {
    return { credentials: ServerCredentials.createInsecure(), interceptors, tls: false, mutualTls: false, apiKey: apiKey !== undefined };
  }
  if (tls === null || typeof tls !== 'object') throw new InvalidOptionError('tls', 'must be an object with cert, key and optionally clientCa');
  for (const key of Object.keys(tls)) {
    if (!TLS_KEYS.includes(key)) throw new InvalidOptionError(`tls.${key}`, `is not a TLS option (known: ${TLS_KEYS.join(', ')})`);
  }
  if (tls.cert === undefined) throw new InvalidOptionError('tls.cert', 'is required with TLS (the server certificate, PEM)');
  if (tls.key === undefined) throw new InvalidOptionError('tls.key', 'is required with TLS (the private key of tls.cert, PEM)');
  const cert = readPem(tls.cert, 'tls.cert');
  const key = readPem(tls.key, 'tls.key');
  checkCertificateKeyPair(cert, key, { cert: 'tls.cert', key: 'tls.key' });
  let clientCa: Buffer | null = null;
  if (tls.clientCa !== undefined) {
    clientCa = readPem(tls.clientCa, 'tls.clientCa');
    certificatesFromPem(clientCa, 'tls.clientCa');
  }
  const credentials = ServerCredentials.createSsl(clientCa, [{ cert_chain: cert, private_key: key }], clientCa !== null);
  return { credentials, interceptors, tls: true, mutualTls: clientCa !== null, apiKey: apiKey !== undefined };
}

/**
 * The warning to print when the server is reachable from other machines with neither TLS nor an API
 * key, or `undefined` when there is nothing to warn about.
 *
 * @example
 * ```ts
 * exposureWarning('0.0.0.0', { tls: false, apiKey: false }); // 'dev server: listening on 0.0.0.0 ...'
 * ```
 */
export function exposureWarning(ip: string, security: Pick<ListenSecurity, 'tls' | 'apiKey'>): string | undefined {
  if (security.tls || security.apiKey || isLoopback(ip)) return undefined;
  return (
    `dev server: WARNING: listening on ${ip} without TLS and without an API key: anyone who can reach this address ` +
    'can start, read and terminate workflows. Pass --tls-cert/--tls-key and/or --api-key, or bind 127.0.0.1.'
  );
}

function isLoopback(ip: string): boolean {
  if (ip === 'localhost') return true;
  const bare = ip.replace(/^\[|\]$/g, '');
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

function readPem(source: PemSource, field: string): Buffer {
  let pem: Buffer;
  if (typeof source === 'string') {
    if (source.length === 0) throw new InvalidOptionError(field, 'must be a file path or PEM bytes, got an empty string');
    try {
      pem = fs.readFileSync(source);
    } catch (err) {
      throw new InvalidOptionError(field, `cannot be read from ${JSON.stringify(source)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else if (source instanceof Uint8Array) {
    pem = Buffer.from(source);
  } else {
    throw new InvalidOptionError(field, 'must be a file path (string) or PEM bytes (Buffer/Uint8Array)');
  }
  if (!pem.toString('latin1').includes('-----BEGIN ')) {
    throw new InvalidOptionError(field, `is not PEM (no -----BEGIN line)${typeof source === 'string' ? ` in ${JSON.stringify(source)}` : ''}`);
  }
  return pem;
}

/** Constant-time over digests, so neither the key's content nor its length leaks through timing. */
function sameKey(expected: Buffer, given: string): boolean {
  const digest = (value: Buffer | string) => crypto.createHash('sha256').update(value).digest();
  return crypto.timingSafeEqual(digest(expected), digest(given));
}

/**
 * Refuses every call whose `authorization` header is not `Bearer <apiKey>` with UNAUTHENTICATED,
 * before the handler sees the request.
 */
function apiKeyInterceptor(apiKey: string): ServerInterceptor {
  const expected = Buffer.from(apiKey);
  return (_method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata: Metadata, mdNext: (metadata: Metadata) => void) {
            const problem = authorizationProblem(metadata.get('authorization'), expected);
            if (problem === undefined) mdNext(metadata);
            else call.sendStatus({ code: status.UNAUTHENTICATED, details: problem });
          },
        });
      },
    });
}

function authorizationProblem(values: unknown[], expected: Buffer): string | undefined {
  if (values.length === 0) return 'API key required: send it as "authorization: Bearer <key>"';
  if (values.length > 1) return 'API key rejected: more than one authorization header';
  const header = typeof values[0] === 'string' ? values[0] : '';
  const match = /^Bearer (.+)$/i.exec(header);
  if (match === null) return 'API key required: the authorization header is not "Bearer <key>"';
  return sameKey(expected, match[1]) ? undefined : 'API key rejected: the key is not valid for this server';
}
