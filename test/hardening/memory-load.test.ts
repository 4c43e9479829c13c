/**
 * Bounded memory of the in-memory dev server under sustained load: one-activity workflows run
 * through it (our worker with workflows and the activity, many concurrent starts) while closed runs
 * are deleted after a short retention. Its RSS (measured in the server's own child process after a
 * full GC) after all of them must be within 1.5x of its RSS after the first tenth. Long run: 100,000
 * vs 10,000; `npm test`: 6,000 vs 600.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection } from '../../lib';
import { Worker } from '../../lib/worker';
import { recordReliability, reliabilityScale } from '../support/reliability';
import { runPool, startChildDevServer, type ChildDevServer, type ServerMemory } from './fuzz-support';

const TOTAL = reliabilityScale(6_000, 100_000);
const FIRST = TOTAL / 10;
const RETENTION_MS = 1_000;
const CONCURRENCY = 200;

let server: ChildDevServer;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  server = await startChildDevServer({ retentionMs: RETENTION_MS });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: 'default' });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

/** Memory once the runs closed so far have passed their retention (polled: deletion is a timer). */
async function settledMemory(): Promise<ServerMemory> {
  await new Promise((resolve) => setTimeout(resolve, RETENTION_MS));
  for (;;) {
    const m = await server.memory();
    if (m.runs === 0) return m;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it(`keeps the in-memory server's RSS within 1.5x across ${TOTAL} one-activity workflows with a short retention`, { timeout: reliabilityScale(240_000, 7_200_000) }, async () => {
  const taskQueue = 'memory-load';
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: path.join(__dirname, 'memory-workflows.ts'),
    activities: { echo: async (n: number) => n },
  });
  const wrong: number[] = [];
  const drive = (from: number, to: number) =>
    runPool(
      Array.from({ length: to - from }, (_, i) => from + i),
      CONCURRENCY,
      async (n) => {
        const result = await client.workflow.execute('oneActivity', { taskQueue, workflowId: `memory-${n}`, args: [n] });
        if (result !== n) wrong.push(n);
      },
    );
  const started = Date.now();
  let first: ServerMemory | undefined;
  let last: ServerMemory | undefined;
  await worker.runUntil(async () => {
    await drive(0, FIRST);
    first = await settledMemory();
    await drive(FIRST, TOTAL);
    last = await settledMemory();
  });
  const a = first as ServerMemory;
  const b = last as ServerMemory;
  recordReliability('memory-load', {
    workflows: TOTAL,
    measuredAfter: FIRST,
    retentionMs: RETENTION_MS,
    rssAfterFirstMB: Math.round(a.rss / 1e5) / 10,
    rssAfterAllMB: Math.round(b.rss / 1e5) / 10,
    rssRatio: Math.round((b.rss / a.rss) * 100) / 100,
    heapAfterFirstMB: Math.round(a.heapUsed / 1e5) / 10,
    heapAfterAllMB: Math.round(b.heapUsed / 1e5) / 10,
    wrongResults: wrong.length,
    seconds: Math.round((Date.now() - started) / 1000),
  });
  expect(wrong).toEqual([]);
  expect(b.runs).toBe(0);
  expect(b.rss).toBeLessThanOrEqual(a.rss * 1.5);
});
