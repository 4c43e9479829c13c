/**
 * A TLS-terminating TCP proxy for tests: accepts TLS (optionally requiring a client certificate) and
 * forwards the decrypted bytes to a plaintext server. The Temporal CLI's `start-dev` cannot serve
 * TLS itself, so this is how our TLS client meets the real server.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface TlsTerminatingProxy {
  /** `127.0.0.1:port` to dial with TLS. */
  address: string;
  close(): Promise<void>;
}

/**
 * Starts the proxy in front of `target` (`host:port`).
 *
 * @example
 * ```ts
 * const proxy = await startTlsTerminatingProxy('127.0.0.1:7233', { cert, key });
 * ```
 */
export async function startTlsTerminatingProxy(
  target: string,
  options: { cert: Buffer; key: Buffer; clientCa?: Buffer },
): Promise<TlsTerminatingProxy> {
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: options.cert,
      key: options.key,
      // gRPC clients offer only h2.
      ALPNProtocols: ['h2'],
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (client) => {
      const upstream = net.connect(port, host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    },
  );
  // A failed handshake is the client's problem to report, not the proxy's.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port: listening } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${listening}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
