/**
 * Closed runs are kept only for their namespace's retention period, as on the real server: after it
 * the run is deleted (describe → NotFound, gone from lists and, with `dbPath`, from the database),
 * which is what keeps a long-lived in-memory dev server's memory bounded. With `dbPath` a closed run
 * is kept on disk only, record and history, and read back when asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { startDevServer } from '../../lib/devserver';
import { openStore } from '../../lib/devserver/persistence';
import { msToDuration } from '../../lib/devserver/codec';
import { eventually } from '../support/eventually';
import { Client, Connection as OurConnection } from '../../lib';
import { Worker } from '../../lib/worker';
import { approval, approve, approvedBy } from '../workflow/fixtures/workflows';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'devserver-retention-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function grpcCode(call: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    return (err as { code: number }).code;
  }
}

function startRequest(namespace: string, workflowId: string) {
  return { namespace, workflowId, workflowType: { name: 'w' }, taskQueue: { name: 'q' }, requestId: `${workflowId}-${Math.random()}` };
}

it('deletes a closed run once the server retention has passed: describe says NotFound and the id can start again', async () => {
  const server = await startDevServer({ port: 0, retentionMs: 300 });
  const conn = await Connection.connect({ address: server.address });
  try {
    const { runId } = await conn.workflowService.startWorkflowExecution(startRequest('default', 'short-lived'));
    await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'short-lived' } });
    const describeIt = () => grpcCode(conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'short-lived', runId } }));
    await eventually('describe after retention', describeIt, (code) => code === GrpcStatus.NOT_FOUND);
    expect(await grpcCode(conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'short-lived' } }))).toBe(GrpcStatus.NOT_FOUND);
    const listed = await conn.workflowService.listWorkflowExecutions({ namespace: 'default', query: '' });
    expect(listed.executions ?? []).toEqual([]);
    expect(server.engine.executions.size).toBe(0);
    const again = await conn.workflowService.startWorkflowExecution(startRequest('default', 'short-lived'));
    expect(again.runId).not.toBe(runId);
  } finally {
    await conn.close();
    await server.stop();
  }
});

it('keeps an open run past the retention period: only closed runs are deleted', async () => {
  const server = await startDevServer({ port: 0, retentionMs: 100 });
  const conn = await Connection.connect({ address: server.address });
  try {
    await conn.workflowService.startWorkflowExecution(startRequest('default', 'still-running'));
    await conn.workflowService.startWorkflowExecution(startRequest('default', 'closed'));
    await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'closed' } });
    await eventually('closed run deleted', async () => server.engine.executions.size, (n) => n === 1);
    const open = await conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'still-running' } });
    expect(open.workflowExecutionInfo?.execution?.workflowId).toBe('still-running');
  } finally {
    await conn.close();
    await server.stop();
  }
});

it('uses the retention given to RegisterNamespace and UpdateNamespace, and describes it back', async () => {
  const server = await startDevServer({ port: 0 });
  const conn = await Connection.connect({ address: server.address });
  try {
    await conn.workflowService.registerNamespace({ namespace: 'brief', workflowExecutionRetentionPeriod: msToDuration(400) });
    const described = await conn.workflowService.describeNamespace({ namespace: 'brief' });
    expect(described.config?.workflowExecutionRetentionTtl?.nanos).toBe(400_000_000);
    await conn.workflowService.startWorkflowExecution(startRequest('brief', 'a'));
    await conn.workflowService.terminateWorkflowExecution({ namespace: 'brief', workflowExecution: { workflowId: 'a' } });
    await eventually('run of the registered namespace deleted', () => grpcCode(conn.workflowService.describeWorkflowExecution({ namespace: 'brief', execution: { workflowId: 'a' } })), (c) => c === GrpcStatus.NOT_FOUND);

    // The default namespace keeps one day, until UpdateNamespace shortens it.
    const day = await conn.workflowService.describeNamespace({ namespace: 'default' });
    expect(Number(day.config?.workflowExecutionRetentionTtl?.seconds)).toBe(86_400);
    await conn.workflowService.updateNamespace({ namespace: 'default', config: { workflowExecutionRetentionTtl: msToDuration(300) } });
    await conn.workflowService.startWorkflowExecution(startRequest('default', 'b'));
    await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'b' } });
    await eventually('run of the updated namespace deleted', () => grpcCode(conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'b' } })), (c) => c === GrpcStatus.NOT_FOUND);
  } finally {
    await conn.close();
    await server.stop();
  }
});

it('with dbPath, deletes the run from the database too, and a restart does not bring it back', async () => {
  const dbPath = path.join(dir, 'retention.sqlite');
  const first = await startDevServer({ port: 0, dbPath, retentionMs: 300 });
  let conn = await Connection.connect({ address: first.address });
  await conn.workflowService.startWorkflowExecution(startRequest('default', 'persisted'));
  await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'persisted' } });
  await eventually('run deleted', () => grpcCode(conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'persisted' } })), (c) => c === GrpcStatus.NOT_FOUND);
  await conn.close();
  await first.stop();

  const store = openStore(dbPath);
  const { records, logs } = store.load();
  store.close();
  expect([...records.keys()].filter((k) => k.startsWith('run/') || k.startsWith('current/'))).toEqual([]);
  expect([...logs.keys()]).toEqual([]);

  const second = await startDevServer({ port: 0, dbPath, retentionMs: 300 });
  conn = await Connection.connect({ address: second.address });
  try {
    expect(await grpcCode(conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'persisted' } }))).toBe(GrpcStatus.NOT_FOUND);
  } finally {
    await conn.close();
    await second.stop();
  }
});

it('a run whose retention passed while the server was down is deleted when it restarts', async () => {
  const dbPath = path.join(dir, 'retention-restart.sqlite');
  const first = await startDevServer({ port: 0, dbPath });
  let conn = await Connection.connect({ address: first.address });
  await conn.workflowService.startWorkflowExecution(startRequest('default', 'expires-while-down'));
  await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'expires-while-down' } });
  await conn.workflowService.updateNamespace({ namespace: 'default', config: { workflowExecutionRetentionTtl: msToDuration(1) } });
  await conn.close();
  await first.stop();

  const second = await startDevServer({ port: 0, dbPath });
  conn = await Connection.connect({ address: second.address });
  try {
    await eventually('run deleted after restart', () => grpcCode(conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'expires-while-down' } })), (c) => c === GrpcStatus.NOT_FOUND);
  } finally {
    await conn.close();
    await second.stop();
  }
});

it('with dbPath, a closed run leaves memory and is still served in full from disk: describe, history, list and count', async () => {
  const dbPath = path.join(dir, 'offload.sqlite');
  const first = await startDevServer({ port: 0, dbPath });
  let conn = await Connection.connect({ address: first.address });
  const { runId } = await conn.workflowService.startWorkflowExecution(startRequest('default', 'on-disk'));
  await conn.workflowService.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'on-disk' }, signalName: 's' });
  const whileOpen = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'on-disk' } });
  expect(first.engine.executions.has(`default/on-disk/${runId}`)).toBe(true);
  await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'on-disk' } });
  expect(first.engine.executions.size).toBe(0);
  const closed = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'on-disk' } });
  expect(closed.history?.events?.length).toBe((whileOpen.history?.events?.length ?? 0) + 1);
  const described = await conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'on-disk' } });
  expect(Number(described.workflowExecutionInfo?.historyLength)).toBe(closed.history?.events?.length);
  await conn.close();
  await first.stop();

  // After a restart the closed run is not read into memory either, and is still served.
  const second = await startDevServer({ port: 0, dbPath });
  conn = await Connection.connect({ address: second.address });
  try {
    expect(second.engine.executions.size).toBe(0);
    const again = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'on-disk' } });
    expect(again.history?.events?.map((e) => Number(e.eventId))).toEqual(closed.history?.events?.map((e) => Number(e.eventId)));
    const listed = await conn.workflowService.listWorkflowExecutions({ namespace: 'default', query: "WorkflowId = 'on-disk'" });
    expect(listed.executions?.map((e) => e.execution?.runId)).toEqual([runId]);
    const counted = await conn.workflowService.countWorkflowExecutions({ namespace: 'default', query: "ExecutionStatus = 'Terminated'" });
    expect(Number(counted.count)).toBe(1);
  } finally {
    await conn.close();
    await second.stop();
  }
});

it('with dbPath, memory holds only the open runs however many closed runs are kept, and every closed run still answers', async () => {
  const dbPath = path.join(dir, 'many-closed.sqlite');
  const server = await startDevServer({ port: 0, dbPath });
  const conn = await Connection.connect({ address: server.address });
  try {
    // More closed runs than the server caches (256), so the first ones are read back from disk.
    const RUNS = 400;
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      runIds.push((await conn.workflowService.startWorkflowExecution(startRequest('default', `closed-${i}`))).runId ?? '');
      await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: `closed-${i}` }, reason: `done ${i}` });
    }
    await conn.workflowService.startWorkflowExecution(startRequest('default', 'still-open'));
    expect([...server.engine.executions.values()].map((e) => e.rec.workflowId)).toEqual(['still-open']);

    const counted = await conn.workflowService.countWorkflowExecutions({ namespace: 'default', query: "ExecutionStatus = 'Terminated'" });
    expect(Number(counted.count)).toBe(RUNS);
    const first = await conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'closed-0' } });
    expect(first.workflowExecutionInfo?.execution?.runId).toBe(runIds[0]);
    const history = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'closed-0' } });
    const terminated = history.history?.events?.at(-1)?.workflowExecutionTerminatedEventAttributes;
    expect(terminated?.reason).toBe('done 0');
    // A closed run read back from disk still refuses what a closed run refuses.
    expect(await grpcCode(conn.workflowService.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'closed-1' }, signalName: 's' }))).toBe(GrpcStatus.NOT_FOUND);
    // And its id can start again, the reuse policy reading the closed run from disk.
    const again = await conn.workflowService.startWorkflowExecution(startRequest('default', 'closed-2'));
    expect(again.runId).not.toBe(runIds[2]);
  } finally {
    await conn.close();
    await server.stop();
  }
});

it('with dbPath, a query on a closed run kept on disk is answered by a worker replaying its history', async () => {
  const server = await startDevServer({ port: 0, dbPath: path.join(dir, 'query-closed.sqlite') });
  const connection = await OurConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const worker = await Worker.create({
    connection,
    taskQueue: 'closed-query',
    workflowsPath: path.join(__dirname, '..', 'workflow', 'fixtures', 'workflows.ts'),
    // Without a cached run the query task carries the whole history, read back from disk.
    maxCachedWorkflows: 0,
    handleSignals: false,
  });
  try {
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(approval, { taskQueue: 'closed-query', workflowId: 'approved-then-queried' });
      await handle.signal(approve, 'Ada');
      expect(await handle.result()).toBe('Ada');
      expect(server.engine.executions.size).toBe(0);
      expect(await handle.query(approvedBy)).toBe('Ada');
    });
  } finally {
    await connection.close();
    await server.stop();
  }
});

it('without dbPath, closed runs stay in memory until retention (there is nowhere else to keep them), their histories encoded', async () => {
  const server = await startDevServer({ port: 0 });
  const conn = await Connection.connect({ address: server.address });
  try {
    await conn.workflowService.startWorkflowExecution(startRequest('default', 'in-memory'));
    await conn.workflowService.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'in-memory' }, signalName: 's' });
    const whileOpen = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'in-memory' } });
    expect([...server.engine.executions.values()].map((e) => e.isOffloaded)).toEqual([false]);
    await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'in-memory' }, reason: 'enough' });
    expect([...server.engine.executions.values()].map((e) => e.isOffloaded)).toEqual([true]);
    const closed = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'in-memory' } });
    expect(closed.history?.events?.slice(0, -1)).toEqual(whileOpen.history?.events);
    expect(closed.history?.events?.at(-1)?.workflowExecutionTerminatedEventAttributes?.reason).toBe('enough');
  } finally {
    await conn.close();
    await server.stop();
  }
});
