/**
 * Records the histories the replay tests replay: the workflows of `fixtures/workflows.ts` run on
 * OUR worker (and one on the official worker), started with our client, against the server of
 * `TEMPORAL_TEST_SERVER` (our dev server or the real Temporal server).
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { Client, Connection, type WorkflowHandle } from '../../lib/client';
import { startTestServer, type TestServerKind } from '../support/real-server';
import { ZlibPayloadCodec } from '../../lib/converter';
import { ConsoleLogger, Worker } from '../../lib/worker';
import * as activities from './fixtures/activities';
import { approve, awaitApproval, greet, localAfterApproval, refuse, shoutAll, withPatch } from './fixtures/workflows';

export const fixtures = {
  original: path.join(__dirname, 'fixtures', 'workflows.ts'),
  changed: path.join(__dirname, 'fixtures', 'workflows-changed.ts'),
  next: path.join(__dirname, 'fixtures', 'workflows-next.ts'),
};

export interface RecordedHistory {
  readonly workflowType: string;
  readonly workflowId: string;
  readonly history: temporal.api.history.v1.IHistory;
}

export interface RecordedHistories {
  /** The server the histories were recorded on. */
  readonly server: { kind: TestServerKind; version: string };
  /** One history per workflow of `fixtures/workflows.ts`, recorded on our worker. */
  readonly ours: RecordedHistory[];
  /** `awaitApproval` fetched while it still waits for its signal. */
  readonly open: RecordedHistory;
  /** `greet`, recorded on the official `@temporalio/worker`. */
  readonly official: RecordedHistory;
  /** `greet`, recorded by a worker and client whose payloads go through {@link codec}. */
  readonly encoded: RecordedHistory;
}

/** The codec of the `encoded` history; `alwaysEncode` so even short payloads are compressed. */
export const codec = new ZlibPayloadCodec({ alwaysEncode: true });

export async function recordHistories(): Promise<RecordedHistories> {
  const server = await startTestServer();
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection, namespace: server.namespace });
    const taskQueue = `replay-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath: fixtures.original,
      activities,
      logger: new ConsoleLogger('ERROR'),
      handleSignals: false,
    });
    const options = (label: string) => ({ taskQueue, workflowId: `${label}-${randomUUID()}` });
    const { closed, open } = await worker.runUntil(async () => {
      const approval = await client.workflow.start(awaitApproval, options('await-approval'));
      await approval.signal(approve, true);
      const localApproval = await client.workflow.start(localAfterApproval, { ...options('local-after-approval'), args: ['dee'] });
      await localApproval.signal(approve, true);
      const handles: Array<[string, WorkflowHandle]> = [
        ['greet', await client.workflow.start(greet, { ...options('greet'), args: ['ann'] })],
        ['shoutAll', await client.workflow.start(shoutAll, { ...options('shout-all'), args: [['a', 'b', 'c']] })],
        ['awaitApproval', approval],
        ['refuse', await client.workflow.start(refuse, { ...options('refuse'), args: ['no stock'] })],
        ['withPatch', await client.workflow.start(withPatch, { ...options('with-patch'), args: ['pat'] })],
        ['localAfterApproval', localApproval],
      ];
      const closed = await Promise.all(handles.map(([workflowType, handle]) => closedHistory(workflowType, handle)));
      return { closed, open: await openHistory(client.workflow.start(awaitApproval, options('open-approval'))) };
    });
    const official = await recordOnOfficialWorker(client, server.address, server.namespace);
    const encoded = await recordWithCodec(connection, server.namespace);
    return { server: { kind: server.kind, version: server.version }, ours: closed, open, official, encoded };
  } finally {
    await connection.close();
    await server.stop();
  }
}

async function recordOnOfficialWorker(client: Client, address: string, namespace: string): Promise<RecordedHistory> {
  const { DefaultLogger, NativeConnection, Runtime, Worker: OfficialWorker } = await import('@temporalio/worker');
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed by an earlier caller in this process.
  }
  const nativeConnection = await NativeConnection.connect({ address });
  try {
    const taskQueue = `replay-official-${randomUUID()}`;
    const worker = await OfficialWorker.create({ connection: nativeConnection, namespace, taskQueue, workflowsPath: fixtures.original, activities });
    return await worker.runUntil(async () => {
      return closedHistory('greet', await client.workflow.start(greet, { taskQueue, workflowId: `official-greet-${randomUUID()}`, args: ['bea'] }));
    });
  } finally {
    await nativeConnection.close();
  }
}

/** Waits for the workflow to close (completed or failed: both histories replay) and fetches its history. */
async function closedHistory(workflowType: string, handle: WorkflowHandle): Promise<RecordedHistory> {
  await handle.result().catch(() => undefined);
  return { workflowType, workflowId: handle.workflowId, history: await handle.fetchHistory() };
}

/** Fetches the history of a workflow that is waiting (its timer started), then lets it finish. */
async function openHistory(started: Promise<WorkflowHandle<typeof awaitApproval>>): Promise<RecordedHistory> {
  const handle = await started;
  for (;;) {
    const history = await handle.fetchHistory();
    if (history.events?.some((e) => e.timerStartedEventAttributes)) {
      await handle.signal(approve, false);
      await handle.result();
      return { workflowType: 'awaitApproval', workflowId: handle.workflowId, history };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function recordWithCodec(connection: Connection, namespace: string): Promise<RecordedHistory> {
  const dataConverter = { payloadCodecs: [codec] };
  const client = new Client({ connection, namespace, dataConverter });
  const taskQueue = `replay-codec-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: fixtures.original,
    activities,
    dataConverter,
    logger: new ConsoleLogger('ERROR'),
    handleSignals: false,
  });
  return worker.runUntil(async () =>
    closedHistory('greet', await client.workflow.start(greet, { taskQueue, workflowId: `encoded-greet-${randomUUID()}`, args: ['cy'] })),
  );
}
