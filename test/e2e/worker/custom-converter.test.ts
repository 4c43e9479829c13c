/**
 * A custom payload converter with its own encoding (`app/money`) and a custom failure converter,
 * given by module path as the official SDK takes them: the worker bundles them into the workflow
 * sandbox and loads them for its activities, the client loads them too. A `Money` value keeps its
 * class through every path a value takes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { ApplicationFailure, Client, Connection, Worker, WorkflowFailedError } from '../../../lib';
import { UnsupportedOptionError } from '../../../lib/common/options-validation';
import { ConsoleLogger } from '../../../lib/worker';
import { startTestServer, type TestServer } from '../../support/real-server';
import type { Money as MoneyClass } from './fixtures/money';
import { balance, catchRefusal, close, decline, deposit, wallet, withdraw } from './fixtures/money-workflows';

// CommonJS fixtures through Node's own require: the test, the client's converter and the activities
// must share one `Money` class for `instanceof` to mean anything.
const nodeRequire = createRequire(__filename);
const { Money } = nodeRequire('./fixtures/money.js') as { Money: typeof MoneyClass };
const activities = nodeRequire('./fixtures/money-activities.js') as Record<string, (...args: unknown[]) => Promise<unknown>>;
const dataConverter = {
  payloadConverterPath: path.join(__dirname, 'fixtures', 'money-converter.js'),
  failureConverterPath: path.join(__dirname, 'fixtures', 'encoded-failure-converter.js'),
};
const workflowsPath = path.join(__dirname, 'fixtures', 'money-workflows.ts');

let server: TestServer;
let connection: Connection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `converter-${randomUUID()}`;

beforeAll(async () => {
  server = await startTestServer();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: server.namespace, dataConverter });
  worker = await Worker.create({
    connection,
    namespace: server.namespace,
    taskQueue,
    workflowsPath,
    activities,
    dataConverter,
    logger: new ConsoleLogger('WARN'),
    handleSignals: false,
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection?.close();
  await server?.stop();
});

function eur(cents: number): MoneyClass {
  return new Money(cents, 'EUR');
}

/** Encodings of every payload in the run's history, for proof that the custom encoding was used. */
async function historyEncodings(workflowId: string): Promise<Set<string>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const encodings = new Set<string>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    const payload = value as { metadata?: Record<string, Uint8Array>; data?: unknown };
    if (payload.metadata?.encoding instanceof Uint8Array) encodings.add(Buffer.from(payload.metadata.encoding).toString());
    for (const child of Object.values(value)) visit(child);
  };
  visit(history.events);
  return encodings;
}

describe('a custom payload converter given by path', () => {
  it('carries a value of its encoding through the input, a signal, a query, an update, an activity and the result', async () => {
    const handle = await client.workflow.start(wallet, { taskQueue, workflowId: `wallet-${randomUUID()}`, args: [eur(1000)] });
    await handle.signal(deposit, eur(500));
    const queried = await handle.query(balance);
    expect(queried).toBeInstanceOf(Money);
    expect(queried.cents).toBe(1500);
    const afterWithdrawal = await handle.executeUpdate(withdraw, { args: [eur(200)] });
    expect(afterWithdrawal).toBeInstanceOf(Money);
    expect(afterWithdrawal.cents).toBe(1300);
    await handle.signal(close);
    const result = await handle.result();
    expect(result).toBeInstanceOf(Money);
    expect(result).toEqual(eur(1400));
    expect(await historyEncodings(handle.workflowId)).toContain('app/money');
  });

  it('decodes a value of its encoding in the details of a workflow failure', async () => {
    const error = await client.workflow
      .execute(decline, { taskQueue, workflowId: `decline-${randomUUID()}`, args: [eur(42)] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).details?.[0]).toEqual(eur(42));
    expect((cause as ApplicationFailure).details?.[0]).toBeInstanceOf(Money);
  });

  it('decodes a value of its encoding in the details of an activity failure inside the workflow', async () => {
    const cents = await client.workflow.execute(catchRefusal, { taskQueue, workflowId: `refusal-${randomUUID()}`, args: [eur(7)] });
    expect(cents).toBe(7);
  });
});

describe('a custom failure converter given by path', () => {
  it('encodes failure messages in the workflow and decodes them in the client', async () => {
    const workflowId = `decline-encoded-${randomUUID()}`;
    const error = await client.workflow.execute(decline, { taskQueue, workflowId, args: [eur(1)] }).then(() => undefined, (e: unknown) => e);
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).message).toBe('declined');
    // On the wire the message is the placeholder of encoded attributes, not the real one.
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const failed = history.events?.find((e) => e.workflowExecutionFailedEventAttributes)?.workflowExecutionFailedEventAttributes;
    expect(failed?.failure?.message).not.toBe('declined');
    expect(failed?.failure?.encodedAttributes).toBeTruthy();
  });
});

describe('converter objects on a worker that runs workflows', () => {
  it('are refused with a message saying to give the converter by path', async () => {
    const { payloadConverter } = nodeRequire('./fixtures/money-converter.js') as { payloadConverter: unknown };
    const error = await Worker.create({
      connection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath,
      dataConverter: { payloadConverter: payloadConverter as never },
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOptionError);
    expect((error as Error).message).toMatch(/dataConverter\.payloadConverter .*module path.*payloadConverterPath/);
  });
});
