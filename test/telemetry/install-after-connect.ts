/**
 * Runtime.install configures the runtime the first connection creates: once a connection made it
 * with the defaults, install is refused with IllegalStateError (and the defaults stay).
 */
import { expect, it } from 'vitest';
import { Connection, IllegalStateError, Runtime } from '../../lib';
import type { BackendName } from '../../lib/core';
import { DevServer } from '../../lib/testing';

export function installAfterConnect(backend: BackendName): void {
  it(`${backend}: Runtime.install after the first Connection.connect is refused`, async () => {
    const server = await DevServer.start();
    const connection = await Connection.connect({ address: server.address, backend });
    try {
      const install = () => Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:0' } } } });
      expect(install).toThrow(IllegalStateError);
      expect(install).toThrow(/before the first Connection\.connect/);
    } finally {
      await connection.close();
      await server.stop();
    }
  });
}
