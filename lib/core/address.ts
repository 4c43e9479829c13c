/**
 * Turns the address a user types (`localhost:7233`) into the URL the Rust core connects to
 * (`http://localhost:7233`). The core's client takes a full URL; users and the official SDKs speak
 * in `host:port`.
 */

const FIELD = 'connection options.address';

// host is a DNS name / IPv4 literal, or a bracketed IPv6 literal; port is decimal.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+(%[\w.-]+)?\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/**
 * Normalises `host:port` or `http(s)://host[:port]` into the URL the core expects.
 *
 * A bare `host:port` gets `https://` when TLS is on and `http://` otherwise. A full URL keeps its
 * scheme, which must agree with the TLS setting.
 *
 * @throws TypeError naming `connection options.address` when the address is malformed.
 * @example
 * ```ts
 * normalizeAddress('localhost:7233', false); // 'http://localhost:7233'
 * normalizeAddress('ns.tmprl.cloud:7233', true); // 'https://ns.tmprl.cloud:7233'
 * ```
 */
export function normalizeAddress(address: unknown, tls: boolean): string {
  if (typeof address !== 'string' || address.length === 0) {
    throw new TypeError(`${FIELD} must be a non-empty "host:port" string`);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(address)?.[1]?.toLowerCase();
  if (scheme !== undefined) return normalizeUrl(address, scheme, tls);

  const match = HOST_PORT.exec(address);
  if (match === null) {
    throw new TypeError(`${FIELD} must be a non-empty "host:port" string (got ${JSON.stringify(address)})`);
  }
  assertPort(Number(match[3]), address);
  return `${tls ? 'https' : 'http'}://${address}`;
}

function normalizeUrl(address: string, scheme: string, tls: boolean): string {
  if (scheme !== 'http' && scheme !== 'https') {
    throw new TypeError(`${FIELD} must use http:// or https:// when given as a URL (got ${JSON.stringify(address)})`);
  }
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new TypeError(`${FIELD} is not a valid URL (got ${JSON.stringify(address)})`);
  }
  if (url.hostname === '') {
    throw new TypeError(`${FIELD} has no host (got ${JSON.stringify(address)})`);
  }
  if (url.port !== '') assertPort(Number(url.port), address);
  if (scheme === 'http' && tls) {
    throw new TypeError(`${FIELD} uses http:// but TLS is enabled; use https:// or a bare "host:port"`);
  }
  return `${scheme}://${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

function assertPort(port: number, address: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`${FIELD} has a port outside 1-65535 (got ${JSON.stringify(address)})`);
  }
}
