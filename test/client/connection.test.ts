/**
 * Connecting through the real core (no server needed for these): failures a user meets before any
 * workflow call.
 */
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Connection, ServiceError } from '../../lib/client';

/** A loopback port that nothing listens on: bound once to learn a free number, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Connection.connect', () => {
  it('rejects with ServiceError UNAVAILABLE when nothing listens at the address', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const err = await Connection.connect({ address }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ codeName: 'UNAVAILABLE', rpc: 'connect' });
    expect((err as Error).message).toContain(address);
  });

  it('refuses a malformed address with a TypeError naming the field', async () => {
    await expect(Connection.connect({ address: 'not an address' })).rejects.toThrow(TypeError);
    await expect(Connection.connect({ address: 'not an address' })).rejects.toThrow(/address/);
  });

  it('refuses an empty identity before connecting', async () => {
    await expect(Connection.connect({ address: 'localhost:7233', identity: '' })).rejects.toThrow(/identity/);
  });
});
