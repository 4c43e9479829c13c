/**
 * One server (ours or the real one: `TEMPORAL_TEST_SERVER`), one official worker and one of our
 * clients per test file. The workflow bundle is
 * built once per file (each file runs in its own process).
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { Client, Connection, type ClientOptions } from '../../../lib/client';
import { startTestServer, type TestServer, type TestServerOptions } from '../../support/real-server';
import * as activities from './activities';

export interface ClientTestEnvironment {
  server: TestServer;
  address: string;
  namespace: string;
  /** The task queue the official worker polls. */
  taskQueue: string;
  connection: Connection;
  client: Client;
  /** A second client on the same connection with extra options (interceptors, converter, ...). */
  makeClient(options: Omit<ClientOptions, 'connection'>): Client;
  /** A workflow id unique to this run, readable in failures. */
  workflowId(label: string): string;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;

export async function startClientTestEnvironment(serverOptions: TestServerOptions = {}): Promise<ClientTestEnvironment> {
  if (!runtimeInstalled) {
    // The official worker's logs are noise unless something is wrong.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
    runtimeInstalled = true;
  }
  const bundle = bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'workflows.ts'),
    logger: new DefaultLogger('WARN'),
  });
  const server = await startTestServer(undefined, serverOptions);
  const { address, namespace } = server;
  const taskQueue = `client-e2e-${randomUUID()}`;

  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: await bundle,
    activities,
  });
  const running = worker.run();

  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });

  return {
    server,
    address,
    namespace,
    taskQueue,
    connection,
    client,
    makeClient: (options) => new Client({ namespace, ...options, connection }),
    workflowId: (label) => `${label}-${randomUUID()}`,
    async teardown() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}
