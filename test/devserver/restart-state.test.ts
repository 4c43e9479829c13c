/**
 * What a restart on the same `dbPath` keeps besides running work: registered namespaces, custom
 * search attributes, closed runs with their histories, the current-run index and request-id
 * idempotency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevServer } from '../../lib/devserver';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'devserver-state-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('keeps namespaces, search attributes, runs and start idempotency across a restart', async () => {
  const dbPath = path.join(dir, 'state.sqlite');
  const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const start = { namespace: 'orders', workflowId: 'order-1', workflowType: { name: 'order' }, taskQueue: { name: 'q' }, requestId: 'r-1' };

  const first = await startDevServer({ port: 0, dbPath });
  let conn = await Connection.connect({ address: first.address });
  await conn.workflowService.registerNamespace({ namespace: 'orders' });
  await conn.operatorService.addSearchAttributes({ namespace: 'orders', searchAttributes: { Tier: KEYWORD } });
  const { runId } = await conn.workflowService.startWorkflowExecution(start);
  await conn.workflowService.terminateWorkflowExecution({ namespace: 'orders', workflowExecution: { workflowId: 'order-1' }, reason: 'done' });
  const before = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'orders', execution: { workflowId: 'order-1' } });
  await conn.close();
  await first.stop();

  const second = await startDevServer({ port: 0, dbPath });
  conn = await Connection.connect({ address: second.address });
  try {
    expect((await conn.workflowService.describeNamespace({ namespace: 'orders' })).namespaceInfo?.name).toBe('orders');
    const attrs = await conn.operatorService.listSearchAttributes({ namespace: 'orders' });
    expect(attrs.customAttributes?.Tier).toBe(KEYWORD);
    const described = await conn.workflowService.describeWorkflowExecution({ namespace: 'orders', execution: { workflowId: 'order-1' } });
    expect(described.workflowExecutionInfo?.execution?.runId).toBe(runId);
    expect(described.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    const after = await conn.workflowService.getWorkflowExecutionHistory({ namespace: 'orders', execution: { workflowId: 'order-1' } });
    expect(after.history?.events?.length).toBe(before.history?.events?.length);
    const listed = await conn.workflowService.listWorkflowExecutions({ namespace: 'orders', query: "ExecutionStatus = 'Terminated'" });
    expect(listed.executions?.map((e) => e.execution?.workflowId)).toEqual(['order-1']);
    expect((await conn.workflowService.startWorkflowExecution(start)).runId).toBe(runId);
  } finally {
    await conn.close();
    await second.stop();
  }
});
