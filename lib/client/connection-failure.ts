/**
 * Turns a failed connect into an error that says why. The core reports every TLS failure, and an
 * UNAUTHENTICATED answer to its first call, as one "connect failed" error (gRPC UNAVAILABLE) whose
 * text is a Rust debug dump of the transport error; the two backends word it differently. This
 * module reads that text for the causes a user can act on (untrusted CA, wrong server name, expired
 * or not-yet-valid certificate, client certificate missing or refused, TLS on one side only, API key
 * missing or refused) and names the option to look at.
 */
import { CoreError } from '../core';
import { ServiceError } from './errors';
import { GrpcStatus } from './grpc-status';

/**
 * Why a connection was refused for security reasons.
 *
 * - `untrusted-server-certificate`: no CA in `tls.serverRootCACertificate` (or the system roots) signed the server's certificate.
 * - `server-name-mismatch`: the server's certificate is not for the dialled host (or `tls.serverNameOverride`).
 * - `server-certificate-expired` / `server-certificate-not-yet-valid`: outside its validity period.
 * - `invalid-server-certificate`: any other problem with the server's certificate.
 * - `client-certificate-required`: the server requires mTLS and no `tls.clientCertPair` was given.
 * - `client-certificate-rejected`: the server refused the `tls.clientCertPair` that was sent.
 * - `tls-mismatch`: one side speaks TLS and the other plaintext.
 * - `api-key-missing` / `api-key-rejected`: the server answered UNAUTHENTICATED.
 */
export type ConnectionSecurityReason =
  | 'untrusted-server-certificate'
  | 'server-name-mismatch'
  | 'server-certificate-expired'
  | 'server-certificate-not-yet-valid'
  | 'invalid-server-certificate'
  | 'client-certificate-required'
  | 'client-certificate-rejected'
  | 'tls-mismatch'
  | 'api-key-missing'
  | 'api-key-rejected';

/**
 * Connecting failed because of TLS or authentication, not because the server was down. `reason`
 * says which; the message names the option to fix. `code` is UNAUTHENTICATED for the API key
 * reasons and UNAVAILABLE for the TLS ones (as the core reports them); `cause` is the core's error.
 *
 * @example
 * ```ts
 * try {
 *   await Connection.connect({ address, tls: { serverRootCACertificate: ca } });
 * } catch (err) {
 *   if (err instanceof ConnectionSecurityError && err.reason === 'server-name-mismatch') console.log(err.message);
 * }
 * ```
 */
export class ConnectionSecurityError extends ServiceError {
  constructor(
    readonly reason: ConnectionSecurityReason,
    message: string,
    options: { code: number; cause: unknown },
  ) {
    super(message, { code: options.code, rpc: 'connect', cause: options.cause });
  }
}

/** What was configured, to tell a missing client certificate from a refused one. */
export interface ConnectAttempt {
  address: string;
  tls: boolean;
  clientCertificate: boolean;
  apiKey: boolean;
}

interface Diagnosis {
  reason: ConnectionSecurityReason;
  explanation: string;
}

/**
 * The error a failed connect rejects with: a {@link ConnectionSecurityError} when the core's error
 * shows a TLS or API key cause, else a plain `ServiceError`.
 *
 * @example
 * ```ts
 * throw connectFailure(coreError, { address: '127.0.0.1:7233', tls: true, clientCertificate: false, apiKey: false });
 * ```
 */
export function connectFailure(err: CoreError, attempt: ConnectAttempt): ServiceError {
  const text = err.message;
  const diagnosis = diagnose(text, attempt);
  const prefix = `Failed to connect to ${attempt.address}`;
  if (diagnosis === undefined) {
    return new ServiceError(`${prefix}: ${text}`, { code: err.code ?? GrpcStatus.UNAVAILABLE, rpc: 'connect', cause: err });
  }
  const code = diagnosis.reason.startsWith('api-key') ? GrpcStatus.UNAUTHENTICATED : (err.code ?? GrpcStatus.UNAVAILABLE);
  const said = serverMessage(text);
  return new ConnectionSecurityError(diagnosis.reason, `${prefix}: ${diagnosis.explanation}${said ? ` (server said: ${said})` : ''}`, { code, cause: err });
}

function diagnose(text: string, attempt: ConnectAttempt): Diagnosis | undefined {
  if (/code: Unauthenticated|valid authentication credentials/.test(text)) {
    return attempt.apiKey
      ? { reason: 'api-key-rejected', explanation: 'the server refused the API key (apiKey)' }
      : { reason: 'api-key-missing', explanation: 'the server requires an API key: pass apiKey' };
  }
  // The transport gave way during the first call after the connection was made.
  const closedAtFirstCall = /GetSystemInfo|get_system_info/.test(text) && CLOSED.test(text);
  if (!attempt.tls) {
    // A plaintext client meeting a TLS server sees its HTTP/2 preface rejected and the connection
    // torn down (a broken pipe or a closed connection, whichever the client notices first).
    if (closedAtFirstCall) {
      return { reason: 'tls-mismatch', explanation: 'the connection was closed at once: does the server require TLS? pass tls' };
    }
    return undefined;
  }
  const certificate = /InvalidCertificate\((\w+)/.exec(text)?.[1];
  if (certificate !== undefined) return certificateDiagnosis(certificate);
  const alert = /received fatal alert: (\w+)/.exec(text)?.[1];
  if (alert === 'CertificateRequired' || (alert !== undefined && /Certificate|UnknownCA|AccessDenied/.test(alert))) {
    return clientCertificateDiagnosis(attempt, alert);
  }
  if (/InvalidContentType|CorruptMessage|InvalidMessage|received corrupt message/.test(text)) {
    return { reason: 'tls-mismatch', explanation: 'the server did not answer the TLS handshake: does it serve plaintext? pass tls: false' };
  }
  // Rustls as neon builds it reports no alert: the server (which checks client certificates after the
  // handshake under TLS 1.3) just closes the connection on the first call.
  if (closedAtFirstCall) {
    return clientCertificateDiagnosis(attempt, undefined);
  }
  return undefined;
}

const CLOSED = /connection closed|ConnectionReset|peer closed connection|UnexpectedEof|BrokenPipe|broken pipe/;

function certificateDiagnosis(kind: string): Diagnosis {
  if (kind === 'UnknownIssuer' || kind === 'BadSignature') {
    return {
      reason: 'untrusted-server-certificate',
      explanation: "TLS: the server's certificate is not signed by a trusted CA: check tls.serverRootCACertificate",
    };
  }
  if (kind.startsWith('NotValidForName')) {
    return {
      reason: 'server-name-mismatch',
      explanation: "TLS: the server's certificate is not valid for the name dialled: check the address or tls.serverNameOverride",
    };
  }
  if (kind.startsWith('Expired')) {
    return { reason: 'server-certificate-expired', explanation: "TLS: the server's certificate has expired" };
  }
  if (kind.startsWith('NotValidYet')) {
    return { reason: 'server-certificate-not-yet-valid', explanation: "TLS: the server's certificate is not valid yet (check the clocks)" };
  }
  return { reason: 'invalid-server-certificate', explanation: `TLS: the server's certificate was refused (${kind})` };
}

function clientCertificateDiagnosis(attempt: ConnectAttempt, alert: string | undefined): Diagnosis {
  const seen = alert === undefined ? 'the server closed the TLS connection' : `the server sent TLS alert ${alert}`;
  return attempt.clientCertificate
    ? { reason: 'client-certificate-rejected', explanation: `TLS: ${seen}: it refused the client certificate in tls.clientCertPair` }
    : { reason: 'client-certificate-required', explanation: `TLS: ${seen}: it requires a client certificate (mTLS): pass tls.clientCertPair` };
}

/** The server's own words, when the core's text carries a gRPC status message. */
function serverMessage(text: string): string | undefined {
  const m = /message: "((?:[^"\\]|\\.)*)"/.exec(text);
  if (m === null || m[1] === 'transport error' || m[1] === 'operation was canceled') return undefined;
  return m[1].replace(/\\"/g, '"');
}
