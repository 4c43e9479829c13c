/**
 * A worker process is SIGKILLed while 20 workflows are in the middle of their work; a new worker
 * process takes over and completes all of them. The handover relies on the server: workflow tasks
 * stuck on the dead worker's sticky queue move to the normal queue after the sticky
 * schedule-to-start timeout, and tasks it had started time out after the (short) workflow task
 * timeout; the new worker rebuilds each workflow by replaying its history.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection } from '../../../lib/client';
import { startTestServer, type TestServer } from '../../support/real-server';
import { eventTypes } from './environment';
import { longJob } from './fixtures/workflows';

const WORKFLOWS = 20;
const STEPS = 4;
const PAUSE_MS = 500;

const root = path.resolve(__dirname, '..', '..', '..');
const workerScript = path.join(__dirname, 'fixtures', 'worker-process.ts');
const viteNode = path.join(root, 'node_modules', 'vite-node', 'vite-node.mjs');

let server: TestServer;
let connection: Connection;
let client: Client;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  server = await startTestServer();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: server.namespace });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await connection?.close();
  await server?.stop();
});

/** Starts a worker process and resolves once it polls; rejects if it exits first. */
function startWorkerProcess(taskQueue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [viteNode, workerScript], {
    cwd: root,
    env: { ...process.env, WORKER_ADDRESS: server.address, WORKER_TASK_QUEUE: taskQueue },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker ready')) {
        child.stdout?.off('data', onData);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`worker process exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function completedActivities(workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return eventTypes(history).filter((type) => type === 'ActivityTaskCompleted').length;
}

/** The identity of the worker that completed each workflow task, in order. */
async function workflowTaskIdentities(workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.identity ?? ''] : []));
}

it('a worker killed mid-way through 20 workflows is replaced by a new process that completes them all', async () => {
  const taskQueue = `worker-replacement-${randomUUID()}`;
  const first = await startWorkerProcess(taskQueue);

  const handles = await Promise.all(
    Array.from({ length: WORKFLOWS }, (_, job) =>
      client.workflow.start(longJob, {
        taskQueue,
        workflowId: `long-job-${job}-${randomUUID()}`,
        args: [job, STEPS, PAUSE_MS],
        workflowTaskTimeout: '2s',
      }),
    ),
  );

  // Kill once every workflow has completed its first activity: each is then in its first local
  // activity, and none can have finished (each needs 2 * STEPS pauses of PAUSE_MS).
  await expect
    .poll(async () => Math.min(...(await Promise.all(handles.map((h) => completedActivities(h.workflowId))))), { timeout: 30_000, interval: 100 })
    .toBeGreaterThanOrEqual(1);
  first.kill('SIGKILL');
  await exited(first);
  const statuses = await Promise.all(handles.map(async (h) => (await h.describe()).status.name));
  expect(statuses.filter((s) => s === 'RUNNING').length).toBeGreaterThan(0);

  const second = await startWorkerProcess(taskQueue);
  const results = await Promise.all(handles.map((h) => h.result()));
  expect(results).toEqual(Array.from({ length: WORKFLOWS }, (_, job) => Array.from({ length: STEPS }, (_, i) => `${job}.${i}`)));
  // Both processes worked on every workflow: the first until it was killed, the second to the end.
  const identities = await Promise.all(handles.map(async (h) => workflowTaskIdentities(h.workflowId)));
  for (const ids of identities) {
    expect(ids[0]).toMatch(new RegExp(`^${first.pid}@`));
    expect(ids[ids.length - 1]).toMatch(new RegExp(`^${second.pid}@`));
  }
  // The kill caught workflows in a local activity, i.e. with a workflow task open on the dead worker:
  // that task timed out (2 s) and its retry went to the new worker.
  const histories = await Promise.all(handles.map(async (h) => eventTypes(await h.fetchHistory())));
  expect(histories.some((types) => types.includes('WorkflowTaskTimedOut'))).toBe(true);

  second.kill('SIGTERM');
  await exited(second);
  expect(second.exitCode).toBe(0);
}, 120_000);
