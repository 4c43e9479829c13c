/**
 * One server (ours or the real one: `TEMPORAL_TEST_SERVER`) and one of OUR workers per test file, running `fixtures/workflows.ts` and
 * `fixtures/activities.ts`; tests start workflows with our client.
 *
 * `E2E_WORKFLOW_WORKER=official` runs the same files on the official `@temporalio/worker` instead:
 * a check of the tests themselves (a test that fails on both workers is wrong, not our worker).
 */
import type { Workflow } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection } from '../../../lib/client';
import { startTestServer, type TestServer, type TestServerOptions } from '../../support/real-server';
import { ConsoleLogger, Worker } from '../../../lib/worker';
import * as activities from './fixtures/activities';

export const workflowsPath = path.join(__dirname, 'fixtures', 'workflows.ts');

export interface WorkflowTestEnvironment {
  readonly server: TestServer;
  readonly address: string;
  readonly namespace: string;
  /** The task queue the worker polls. */
  readonly taskQueue: string;
  readonly connection: Connection;
  readonly client: Client;
  /** A workflow id unique to this run, readable in failures. */
  workflowId(label: string): string;
  /** Starts `workflow` on the worker's task queue with a fresh id built from `label`. */
  start<T extends Workflow>(workflow: T, label: string, args: Parameters<T>): ReturnType<Client['workflow']['start']>;
  teardown(): Promise<void>;
}

interface RunningWorker {
  stop(): Promise<void>;
}

export async function startWorkflowTestEnvironment(serverOptions: TestServerOptions = {}): Promise<WorkflowTestEnvironment> {
  const server = await startTestServer(undefined, serverOptions);
  const { address, namespace } = server;
  const taskQueue = `workflows-e2e-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  let worker: RunningWorker;
  try {
    worker = process.env.E2E_WORKFLOW_WORKER === 'official'
      ? await startOfficialWorker(address, namespace, taskQueue)
      : await startOurWorker(connection, namespace, taskQueue);
  } catch (error) {
    await connection.close();
    await server.stop();
    throw error;
  }
  return {
    server,
    address,
    namespace,
    taskQueue,
    connection,
    client,
    workflowId: (label) => `${label}-${randomUUID()}`,
    start: (workflow, label, args) => client.workflow.start(workflow, { taskQueue, workflowId: `${label}-${randomUUID()}`, args }),
    async teardown() {
      await worker.stop();
      await connection.close();
      await server.stop();
    },
  };
}

async function startOurWorker(connection: Connection, namespace: string, taskQueue: string): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath,
    activities,
    logger: new ConsoleLogger('WARN'),
    handleSignals: false,
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

async function startOfficialWorker(address: string, namespace: string, taskQueue: string): Promise<RunningWorker> {
  const official = await import('@temporalio/worker');
  try {
    official.Runtime.install({ logger: new official.DefaultLogger('ERROR') });
  } catch {
    // Installed already by an earlier call in this process.
  }
  const connection = await official.NativeConnection.connect({ address });
  const worker = await official.Worker.create({ connection, namespace, taskQueue, workflowsPath, activities });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Event type names (`ActivityTaskScheduled`, ...) of a fetched history. */
export function eventTypes(history: { events?: Array<{ eventType?: unknown }> | null }): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { temporal } = require('@temporalio/proto') as typeof import('@temporalio/proto');
  const names = temporal.api.enums.v1.EventType as unknown as Record<number, string>;
  return (history.events ?? []).map((e) =>
    String(names[Number(e.eventType)] ?? e.eventType)
      .replace(/^EVENT_TYPE_/, '')
      .toLowerCase()
      .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase()),
  );
}
