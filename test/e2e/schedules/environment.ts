/**
 * One server per test file (`TEMPORAL_TEST_SERVER`: the real Temporal server in the `e2e-cli`
 * project; our embedded dev server once it implements schedules), one official worker running
 * `workflows.ts`, and our Connection/Client on the default backend.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { Client, Connection, type ClientOptions, type ScheduleHandle } from '../../../lib/client';
import { startTestServer, type TestServer } from '../../support/real-server';

/** Search attributes registered for the schedule tests. */
export const SEARCH_ATTRIBUTES = { ScheduleTeam: 'Keyword', ScheduleTier: 'Int' } as const;

export interface ScheduleTestEnvironment {
  server: TestServer;
  namespace: string;
  /** The task queue the worker polls. */
  taskQueue: string;
  connection: Connection;
  client: Client;
  /** Another client on the same connection with extra options (interceptors, converter, ...). */
  makeClient(options: Omit<ClientOptions, 'connection'>): Client;
  /** A schedule id unique to this run; the schedule is deleted at teardown. */
  scheduleId(label: string): string;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;

export async function startScheduleTestEnvironment(): Promise<ScheduleTestEnvironment> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    runtimeInstalled = true;
  }
  const bundle = bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'workflows.ts'), logger: new DefaultLogger('WARN') });
  const server = await startTestServer(undefined, { searchAttributes: { ...SEARCH_ATTRIBUTES } });
  const { address, namespace } = server;
  const taskQueue = `schedules-e2e-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, namespace, taskQueue, workflowBundle: await bundle });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const created: string[] = [];
  return {
    server,
    namespace,
    taskQueue,
    connection,
    client,
    makeClient: (options) => new Client({ namespace, ...options, connection }),
    scheduleId(label) {
      const id = `${label}-${randomUUID().slice(0, 8)}`;
      created.push(id);
      return id;
    },
    async teardown() {
      // Delete what the tests made so no schedule keeps starting workflows while the worker stops.
      await Promise.all(created.map((id) => client.schedule.getHandle(id).delete().catch(() => undefined)));
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}

/** Polls `handle.describe()` until `done` holds (or `timeoutMs`), returning the last description. */
export async function describeUntil(
  handle: ScheduleHandle,
  done: (d: Awaited<ReturnType<ScheduleHandle['describe']>>) => boolean,
  timeoutMs = 20_000,
): Promise<Awaited<ReturnType<ScheduleHandle['describe']>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await handle.describe();
    if (done(d)) return d;
    if (Date.now() > deadline) {
      throw new Error(`schedule ${handle.scheduleId} did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify({ state: d.state, info: d.info })}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Awaits `promise` and returns what it rejected with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
