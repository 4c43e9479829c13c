/**
 * A payload over the server's gRPC message limit: the client gets a typed ServiceError
 * (RESOURCE_EXHAUSTED, naming the limit) rather than a hang, on both core backends. The dev server's
 * limit is lowered to 1 MiB so the test needs no 128 MiB payloads; the path is the same.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection, ServiceError } from '../../lib';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';

const LIMIT = 1024 * 1024;
let server: RunningDevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, maxMessageBytes: LIMIT });
});

afterAll(async () => {
  await server?.stop();
});

for (const backend of ['native', 'neon'] as const) {
  it(`refuses a start whose payload exceeds the message limit with a typed RESOURCE_EXHAUSTED ServiceError (${backend} backend)`, { timeout: 120_000 }, async () => {
    const connection = await Connection.connect({ address: server.address, backend });
    try {
      const client = new Client({ connection, namespace: 'default' });
      const err = await client.workflow.start('big', { taskQueue: 'q', workflowId: `too-big-${backend}`, args: [new Uint8Array(LIMIT + 1024)] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).codeName).toBe('RESOURCE_EXHAUSTED');
      expect((err as ServiceError).message).toMatch(/StartWorkflowExecution.*larger than 1048576/);
      // The connection is still usable for calls within the limit.
      const handle = await client.workflow.start('small', { taskQueue: 'q', workflowId: `small-${backend}`, args: [new Uint8Array(1024)] });
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      await connection.close();
    }
  });
}
