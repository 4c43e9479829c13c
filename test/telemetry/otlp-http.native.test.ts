// OTLP/HTTP on the native backend: the C bridge exports OTLP over gRPC only (it ignores its
// `protocol` field), so `http: true` is refused with a TypeError naming the field when the first
// connection creates the runtime, instead of failing every export.
import { describe, expect, it } from 'vitest';
import { Connection, Runtime } from '../../lib';
import { DevServer } from '../../lib/testing';

describe('Runtime.install with OTLP/http (native)', () => {
  it('native: otel.http is refused at the first connection, naming the field', async () => {
    Runtime.install({ telemetryOptions: { metrics: { otel: { url: 'http://127.0.0.1:4318/v1/metrics', http: true } } } });
    const server = await DevServer.start();
    try {
      const connect = Connection.connect({ address: server.address, backend: 'native' });
      await expect(connect).rejects.toThrow(TypeError);
      await expect(Connection.connect({ address: server.address, backend: 'native' })).rejects.toThrow(/metrics\.otel\.http/);
    } finally {
      await server.stop();
    }
  });
});
