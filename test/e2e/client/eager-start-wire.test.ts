/**
 * requestEagerStart end to end: with a worker of this process polling the task queue on the same
 * connection, the server hands the first workflow task back with the start and the core gives it to
 * that worker. On both servers: our dev server hands out the first task with the start too.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection, Worker, type WorkflowClientInterceptor, type WorkflowStartOutput } from '../../../lib';
import { startTestServer, type TestServer } from '../../support/real-server';

let server: TestServer;
let connection: Connection;

beforeAll(async () => {
  server = await startTestServer();
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

it('a start with requestEagerStart is handed to the worker on the same connection', async () => {
  const taskQueue = `eager-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    namespace: server.namespace,
    taskQueue,
    workflowsPath: path.join(__dirname, 'workflows.ts'),
    activities: {},
  });
  const outputs: WorkflowStartOutput[] = [];
  const recordStart: WorkflowClientInterceptor = {
    async startWithDetails(input, next) {
      const output = await next(input);
      outputs.push(output);
      return output;
    },
  };
  const client = new Client({ connection, namespace: server.namespace, interceptors: { workflow: [recordStart] } });
  const result = await worker.runUntil(
    client.workflow.execute('greet', { taskQueue, workflowId: `eager-${randomUUID()}`, args: ['Eve'], requestEagerStart: true }),
  );
  expect(result).toBe('Hello, Eve!');
  expect(outputs.map((o) => o.eagerlyStarted)).toEqual([true]);
});
