/**
 * Closed runs are kept only for their namespace's retention period, as on the real server: after it
 * the run is deleted (describe → NotFound, gone from lists and, with `dbPath`, from the database),
 * which is what keeps a long-lived in-memory dev server's memory bounded.
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
  await eventually('run deleted', async () => first.engine.executions.size, (n) => n === 0);
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

it('with dbPath, a closed run keeps its history on disk only, and still serves it in full', async () => {
  const dbPath = path.join(dir, 'offload.sqlite');
  const first = await startDevServer({ port: 0, dbPath });
  let conn = await Connection.connect({ address: first.address });
  const { runId } = await conn.workflowService.startWorkflowExecution(startRequest('default', 'on-disk'));
  await conn.workflowService.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'on-disk' }, signalName: 's' });
  const whileOpen = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'on-disk' } });
  await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'on-disk' } });
  const exec = first.engine.executions.get(`default/on-disk/${runId}`) ?? [...first.engine.executions.values()][0];
  expect(exec?.isOffloaded).toBe(true);
  const closed = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'on-disk' } });
  expect(closed.history?.events?.length).toBe((whileOpen.history?.events?.length ?? 0) + 1);
  const described = await conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'on-disk' } });
  expect(Number(described.workflowExecutionInfo?.historyLength)).toBe(closed.history?.events?.length);
  await conn.close();
  await first.stop();

  // After a restart the closed run is not decoded into memory either.
  const second = await startDevServer({ port: 0, dbPath });
  conn = await Connection.connect({ address: second.address });
  try {
    expect([...second.engine.executions.values()].every((e) => e.isOffloaded)).toBe(true);
    const again = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: 'on-disk' } });
    expect(again.history?.events?.map((e) => Number(e.eventId))).toEqual(closed.history?.events?.map((e) => Number(e.eventId)));
  } finally {
    await conn.close();
    await second.stop();
  }
});

it('without dbPath, closed runs stay in memory until retention (there is nowhere else to keep them)', async () => {
  const server = await startDevServer({ port: 0 });
  const conn = await Connection.connect({ address: server.address });
  try {
    await conn.workflowService.startWorkflowExecution(startRequest('default', 'in-memory'));
    await conn.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'in-memory' } });
    expect([...server.engine.executions.values()].map((e) => e.isOffloaded)).toEqual([false]);
  } finally {
    await conn.close();
    await server.stop();
  }
});
