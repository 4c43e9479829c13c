/**
 * Shared setup for the peer tests: our dev server, the OFFICIAL @temporalio/client and
 * @temporalio/worker connected to it, and one webpack bundle of test/peer/workflows per test file.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import { startDevServer, type RunningDevServer, type DevServerOptions } from '../../lib/devserver';
import * as activities from './activities';

let runtimeInstalled = false;

/** Keeps the core's logs quiet unless something is wrong. */
export function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Another test in this process installed it already.
  }
}

export interface PeerEnv {
  server: RunningDevServer;
  connection: Connection;
  client: Client;
  nativeConnection: NativeConnection;
  workflowBundle: { code: string };
  /** Creates an official worker on `taskQueue` (unique by default) with our workflows and activities. */
  createWorker(options?: Partial<WorkerOptions>): Promise<Worker>;
  close(): Promise<void>;
}

export async function startPeerEnv(serverOptions: DevServerOptions = {}): Promise<PeerEnv> {
  installRuntime();
  const server = await startDevServer({ port: 0, ...serverOptions });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'workflows', 'index.ts'),
    logger: new DefaultLogger('WARN'),
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return {
    server,
    connection,
    client,
    nativeConnection,
    workflowBundle,
    createWorker: (options = {}) =>
      Worker.create({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue: `tq-${randomUUID()}`,
        workflowBundle,
        activities,
        ...options,
      } as WorkerOptions),
    async close() {
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}

/** Event type names of a history, e.g. `WorkflowExecutionStarted`, for readable assertions. */
export function eventTypes(history: { events?: Array<{ eventType?: unknown }> | null }): string[] {
  const { temporal } = require('@temporalio/proto') as typeof import('@temporalio/proto');
  const names = temporal.api.enums.v1.EventType as unknown as Record<number, string>;
  return (history.events ?? []).map((e) =>
    String(names[Number(e.eventType)] ?? e.eventType)
      .replace(/^EVENT_TYPE_/, '')
      .toLowerCase()
      .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase()),
  );
}

/** Bundles another workflows folder under test/peer (for "fixed build" scenarios). */
export async function bundle(folder: string): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath: path.join(__dirname, folder, 'index.ts'), logger: new DefaultLogger('WARN') });
}

/** Polls `check` until it returns true (the dev server and worker run asynchronously). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
