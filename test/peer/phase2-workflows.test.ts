/**
 * Spec §7 phase 2 with the official SDK: child workflows, external signal/cancel, continue-as-new,
 * workflow retry and cron, patches and replay non-determinism, search attributes, list and count,
 * start delay, OperatorService search attributes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, ChildWorkflowFailure, defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow/lib/errors';
import { temporal } from '@temporalio/proto';
import { bundle, eventually, eventTypes, startPeerEnv, uniqueId, type PeerEnv } from './helpers';

let env: PeerEnv;
let worker: Worker;
let taskQueue: string;
let running: Promise<void>;

beforeAll(async () => {
  env = await startPeerEnv();
  worker = await env.createWorker();
  taskQueue = worker.options.taskQueue;
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.close();
});

async function listAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const statusOf = async (workflowId: string, runId?: string) =>
  (await env.client.workflow.getHandle(workflowId, runId).describe()).status.name;

describe('phase 2: child workflows', () => {
  it('executeChild returns the child result', async () => {
    const handle = await env.client.workflow.start('parentOfChild', { taskQueue, workflowId: uniqueId('parent'), args: ['ok'] });
    expect(await handle.result()).toBe('Hello, child!');
    const types = eventTypes(await handle.fetchHistory());
    expect(types).toContain('StartChildWorkflowExecutionInitiated');
    expect(types).toContain('ChildWorkflowExecutionStarted');
    expect(types).toContain('ChildWorkflowExecutionCompleted');
  });

  it('a child failure propagates as ChildWorkflowFailure', async () => {
    const err = await env.client.workflow
      .execute('parentOfChild', { taskQueue, workflowId: uniqueId('parent-fail'), args: ['fail'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ChildWorkflowFailure;
    expect(cause).toBeInstanceOf(ChildWorkflowFailure);
    expect((cause.cause as ApplicationFailure).type).toBe('ChildBoom');
  });

  it('starting a child with the id of a running workflow fails', async () => {
    const childId = uniqueId('taken');
    await env.client.workflow.start('waitForever', { taskQueue, workflowId: childId });
    const result = await env.client.workflow.execute('parentWithDuplicateChild', { taskQueue, workflowId: uniqueId('dup-parent'), args: [childId] });
    expect(result).toBe('WorkflowExecutionAlreadyStartedError');
    await env.client.workflow.getHandle(childId).terminate();
  });

  it('cancelling a child cancels it and the parent sees a cancelled child failure', async () => {
    const result = await env.client.workflow.execute('parentCancelsChild', { taskQueue, workflowId: uniqueId('cancel-child') });
    expect(result).toBe('ChildWorkflowFailure:CancelledFailure');
  });

  it('applies the TERMINATE parent close policy, and not ABANDON', async () => {
    const terminated = uniqueId('child-term');
    const abandoned = uniqueId('child-abandon');
    await env.client.workflow.execute('parentAbandonsOrTerminates', { taskQueue, workflowId: uniqueId('p1'), args: [terminated, false] });
    await env.client.workflow.execute('parentAbandonsOrTerminates', { taskQueue, workflowId: uniqueId('p2'), args: [abandoned, true] });
    expect(await statusOf(terminated)).toBe('TERMINATED');
    expect(await statusOf(abandoned)).toBe('RUNNING');
    await env.client.workflow.getHandle(abandoned).terminate();
  });
});

describe('phase 2: external signal and cancel', () => {
  it('signals an existing workflow and reports a missing one', async () => {
    const targetId = uniqueId('target');
    const target = await env.client.workflow.start('counter', { taskQueue, workflowId: targetId });
    expect(await env.client.workflow.execute('signalsExternal', { taskQueue, workflowId: uniqueId('sig'), args: [targetId] })).toBe('signalled');
    await eventually(async () => (await target.query('count')) === 5, 'the external signal');
    await target.signal('finish');
    expect(await target.result()).toBe(5);
    const missing = await env.client.workflow.execute('signalsExternal', { taskQueue, workflowId: uniqueId('sig-missing'), args: [uniqueId('nobody')] });
    expect(missing).toMatch(/not found/i);
  });

  it('cancels an existing workflow and reports a missing one', async () => {
    const targetId = uniqueId('cancel-target');
    const target = await env.client.workflow.start('cancellableWithCleanup', { taskQueue, workflowId: targetId });
    expect(await env.client.workflow.execute('cancelsExternal', { taskQueue, workflowId: uniqueId('canc'), args: [targetId] })).toBe(
      'cancel requested',
    );
    await expect(target.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(await statusOf(targetId)).toBe('CANCELLED');
    const missing = await env.client.workflow.execute('cancelsExternal', { taskQueue, workflowId: uniqueId('canc-missing'), args: [uniqueId('nobody')] });
    expect(missing).toMatch(/not found/i);
  });
});

describe('phase 2: continue-as-new, retry and cron', () => {
  it('result() follows a continue-as-new chain and describe shows CONTINUED_AS_NEW', async () => {
    const handle = await env.client.workflow.start('continueChain', { taskQueue, workflowId: uniqueId('can'), args: [3] });
    expect(await handle.result()).toBe('done after chain, last run continued');
    expect(await statusOf(handle.workflowId, handle.firstExecutionRunId)).toBe('CONTINUED_AS_NEW');
    expect(await statusOf(handle.workflowId)).toBe('COMPLETED');
  });

  it('a workflow retry policy runs a second attempt', async () => {
    const handle = await env.client.workflow.start('failsFirstAttempt', {
      taskQueue,
      workflowId: uniqueId('wf-retry'),
      retry: { initialInterval: '100ms', maximumAttempts: 2 },
    });
    expect(await handle.result()).toBe(2);
    const runs = await listAll(env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` }));
    expect(runs.map((r) => r.status.name).sort()).toEqual(['COMPLETED', 'FAILED']);
  });

  it('a cron workflow produces successive runs', async () => {
    const workflowId = uniqueId('cron');
    await env.client.workflow.start('cronTick', { taskQueue, workflowId, cronSchedule: '@every 1s' });
    await eventually(
      async () => (await listAll(env.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND ExecutionStatus = 'Completed'` }))).length >= 2,
      'two completed cron runs',
    );
    await env.client.workflow.getHandle(workflowId).terminate();
  });
});

describe('phase 2: patches and replay', () => {
  it('patched and deprecatePatch workflows complete', async () => {
    expect(await env.client.workflow.execute('patchedWorkflow', { taskQueue, workflowId: uniqueId('patched') })).toBe('new code');
    expect(await env.client.workflow.execute('deprecatedPatchWorkflow', { taskQueue, workflowId: uniqueId('deprecated') })).toBe('deprecated');
  });

  it('replaying a history with changed workflow code gives DeterminismViolationError', async () => {
    const handle = await env.client.workflow.start('hello', { taskQueue, workflowId: uniqueId('nondet'), args: ['x'] });
    await handle.result();
    const history = await handle.fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: await bundle('workflows-v2') }, history)).rejects.toBeInstanceOf(
      DeterminismViolationError,
    );
  });
});

describe('phase 2: search attributes, list, count, start delay', () => {
  const keyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
  const int = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);

  it('keeps typed search attributes set at start and by upsert', async () => {
    const handle = await env.client.workflow.start('upsertsSearchAttributes', {
      taskQueue,
      workflowId: uniqueId('sa'),
      typedSearchAttributes: [{ key: keyword, value: 'at-start' }],
    });
    expect((await handle.describe()).typedSearchAttributes.get(keyword)).toBe('at-start');
    await eventually(async () => (await handle.describe()).typedSearchAttributes.get(int) === 42, 'the upsert');
    expect((await handle.describe()).typedSearchAttributes.get(keyword)).toBe('upserted');
    const found = await listAll(env.client.workflow.list({ query: `CustomIntField = 42 AND WorkflowId = '${handle.workflowId}'` }));
    expect(found).toHaveLength(1);
    await handle.terminate();
  });

  it('lists by type and status and counts grouped by status', async () => {
    const queue = uniqueId('list-tq');
    const open = await env.client.workflow.start('waitForever', { taskQueue: queue, workflowId: uniqueId('list-open') });
    const closed = await env.client.workflow.start('waitForever', { taskQueue: queue, workflowId: uniqueId('list-closed') });
    await closed.terminate();
    const running = await listAll(
      env.client.workflow.list({ query: `WorkflowType = 'waitForever' AND ExecutionStatus = 'Running' AND TaskQueue = '${queue}'` }),
    );
    expect(running.map((r) => r.workflowId)).toEqual([open.workflowId]);
    const count = await env.client.workflow.count(`TaskQueue = '${queue}' GROUP BY ExecutionStatus`);
    expect(count.count).toBe(2);
    // The client decodes group values with the legacy search-attribute converter, which yields arrays.
    expect(count.groups.map((g) => [(g.groupValues as unknown[]).flat()[0], g.count]).sort()).toEqual([
      ['Running', 1],
      ['Terminated', 1],
    ]);
    await expect(listAll(env.client.workflow.list({ query: 'WorkflowType = ' }))).rejects.toThrow();
    await open.terminate();
  });

  it('delays the first workflow task by the start delay', async () => {
    const handle = await env.client.workflow.start('hello', { taskQueue, workflowId: uniqueId('delay'), args: ['later'], startDelay: '1s' });
    const started = (await handle.fetchHistory()).events![0].workflowExecutionStartedEventAttributes!;
    expect(Number(started.firstWorkflowTaskBackoff?.seconds)).toBe(1);
    expect(eventTypes(await handle.fetchHistory())).toEqual(['WorkflowExecutionStarted']);
    expect(await handle.result()).toBe('Hello, later!');
  });

  it('adds, lists and removes custom search attributes through the OperatorService', async () => {
    const operator = env.connection.operatorService;
    const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await operator.addSearchAttributes({ namespace: 'default', searchAttributes: { OrderTier: KEYWORD } });
    const listed = await operator.listSearchAttributes({ namespace: 'default' });
    expect(listed.customAttributes?.OrderTier).toBe(KEYWORD);
    await operator.removeSearchAttributes({ namespace: 'default', searchAttributes: ['OrderTier'] });
    const after = await operator.listSearchAttributes({ namespace: 'default' });
    expect(after.customAttributes?.OrderTier).toBeUndefined();
  });
});
