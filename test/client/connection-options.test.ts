/**
 * Connection options and lifecycle on the real core, without a server: what is refused before
 * dialling, when dialling happens (`lazy`), and how long it may take (`connectTimeout`).
 */
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as root from '../../lib';
import { Connection, InvalidOptionError, NativeConnection, ServiceError, UnknownOptionError, UnsupportedOptionError } from '../../lib';

/** A loopback port that nothing listens on: bound once to learn a free number, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('connection options', () => {
  it('a misspelled key is refused naming the key and the one meant', () => {
    let err: unknown;
    try {
      Connection.lazy({ adress: 'localhost:7233' } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownOptionError);
    expect(err).toMatchObject({ field: 'adress', suggestion: 'address' });
    expect((err as Error).message).toBe("adress is not a connection option (did you mean 'address'?)");
  });

  it('an official grpc-js option is refused with what to use instead', () => {
    expect(() => Connection.lazy({ channelArgs: { 'grpc.keepalive_time_ms': 1 } } as never)).toThrow(UnsupportedOptionError);
    expect(() => Connection.lazy({ channelArgs: {} } as never)).toThrow(/^channelArgs is not supported: .*use connectTimeout/);
  });

  it('a proxy address without a port is refused before dialling', () => {
    expect(() => Connection.lazy({ proxy: { type: 'http-connect', targetHost: 'proxy.internal' } })).toThrow(InvalidOptionError);
    expect(() => Connection.lazy({ proxy: { type: 'http-connect', targetHost: 'proxy.internal' } })).toThrow(/^proxy\.targetHost /);
  });

  it('proxy credentials with a colon are refused (they could not be sent in a Basic header)', () => {
    const proxy = { type: 'http-connect' as const, targetHost: '127.0.0.1:3128', basicAuth: { username: 'a:b', password: 'p' } };
    expect(() => Connection.lazy({ proxy })).toThrow(/^proxy\.basicAuth\.username /);
  });

  it('NativeConnection is the same class as Connection', () => {
    expect(NativeConnection).toBe(Connection);
    expect(Connection.lazy()).toBeInstanceOf(NativeConnection);
  });

  it('the option and core error classes are exported from the package root', () => {
    for (const name of ['InvalidOptionError', 'UnknownOptionError', 'UnsupportedOptionError', 'CoreError', 'ServiceError', 'IllegalStateError']) {
      expect(typeof (root as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});

describe('connecting', () => {
  it('Connection.lazy dials nothing until asked; ensureConnected then reports the unreachable server', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const connection = Connection.lazy({ address });
    cleanups.push(() => connection.close());
    const err = await connection.ensureConnected().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ codeName: 'UNAVAILABLE', rpc: 'connect' });
  });

  it('connectTimeout bounds a connect to a server that never answers (DEADLINE_EXCEEDED)', async () => {
    // Accepts TCP connections and never speaks HTTP/2: the core waits for a handshake that never comes.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const { port } = silent.address() as net.AddressInfo;
    const err = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: '300ms' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ codeName: 'DEADLINE_EXCEEDED', rpc: 'connect' });
    expect((err as Error).message).toContain('connectTimeout');
  });
});
