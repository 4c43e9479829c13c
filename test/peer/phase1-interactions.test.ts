/**
 * Spec §7 phase 1 with the official SDK: signals, queries, cancellation, termination, describe,
 * duplicate start, signal-with-start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryNotRegisteredError, WorkflowFailedError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { startPeerEnv, uniqueId, type PeerEnv } from './helpers';
import { observed } from './activities';

let env: PeerEnv;
let worker: Worker;
let uncachedWorker: Worker;
let taskQueue: string;
let uncachedQueue: string;
let running: Promise<unknown>;

beforeAll(async () => {
  env = await startPeerEnv();
  worker = await env.createWorker();
  uncachedWorker = await env.createWorker({ maxCachedWorkflows: 0 });
  taskQueue = worker.options.taskQueue;
  uncachedQueue = uncachedWorker.options.taskQueue;
  running = Promise.all([worker.run(), uncachedWorker.run()]);
});

afterAll(async () => {
  worker?.shutdown();
  uncachedWorker?.shutdown();
  await running;
  await env?.close();
});

describe('phase 1: signals', () => {
  it('counts 50 rapid signals sent while workflow tasks are in flight', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('counter') });
    await Promise.all(Array.from({ length: 50 }, () => handle.signal('increment', 1)));
    await handle.signal('finish');
    expect(await handle.result()).toBe(50);
  });

  it('signalling a closed workflow gives WorkflowNotFoundError', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('closed') });
    await handle.signal('finish');
    await handle.result();
    await expect(handle.signal('increment', 1)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});

describe('phase 1: queries', () => {
  it('returns the value, and a query right after a signal sees the signal', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('query') });
    expect(await handle.query('count')).toBe(0);
    await handle.signal('increment', 7);
    expect(await handle.query('count')).toBe(7);
    await handle.signal('increment', 3);
    expect(await handle.query('count')).toBe(10);
    await handle.signal('finish');
    await handle.result();
  });

  it('an unknown query type gives QueryNotRegisteredError', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('badquery') });
    await expect(handle.query('nope')).rejects.toBeInstanceOf(QueryNotRegisteredError);
    await handle.terminate();
  });

  it('queries a closed workflow', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('closedquery') });
    await handle.signal('increment', 4);
    await handle.signal('finish');
    await handle.result();
    expect(await handle.query('count')).toBe(4);
  });

  it('queries work on a worker with maxCachedWorkflows: 0', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue: uncachedQueue, workflowId: uniqueId('uncached') });
    await handle.signal('increment', 2);
    expect(await handle.query('count')).toBe(2);
    await handle.signal('finish');
    expect(await handle.result()).toBe(2);
  });
});

describe('phase 1: cancel, terminate, describe, start conflicts', () => {
  it('cancellation runs non-cancellable cleanup and result() has a CancelledFailure cause', async () => {
    const handle = await env.client.workflow.start('cancellableWithCleanup', { taskQueue, workflowId: uniqueId('cancel') });
    await handle.query('__stack_trace').catch(() => undefined);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const history = await handle.fetchHistory();
    const types = history.events?.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    expect(types).toEqual(['greet']);
  });

  it('a heartbeating activity observes its cancellation', async () => {
    const handle = await env.client.workflow.start('cancelHeartbeatingActivity', { taskQueue, workflowId: uniqueId('hbcancel') });
    await new Promise((r) => setTimeout(r, 500));
    await handle.cancel();
    expect(await handle.result()).toBe('activity cancelled');
    expect(observed).toContain('heartbeatUntilCancelled: CancelledFailure');
  });

  it('terminate gives TerminatedFailure', async () => {
    const handle = await env.client.workflow.start('waitForever', { taskQueue, workflowId: uniqueId('term') });
    await handle.terminate('enough');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
  });

  it('terminate while a workflow task is in flight still closes the run cleanly', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('term-inflight') });
    // Some signals may land after the termination and be refused; only the termination matters here.
    const signals = Promise.allSettled(Array.from({ length: 10 }, () => handle.signal('increment', 1)));
    await handle.terminate('mid-flight');
    await signals;
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const history = await handle.fetchHistory();
    const last = history.events![history.events!.length - 1];
    expect(last.workflowExecutionTerminatedEventAttributes?.reason).toBe('mid-flight');
  });

  it('describe moves from RUNNING to COMPLETED with the right fields', async () => {
    const workflowId = uniqueId('describe');
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId });
    const running = await handle.describe();
    expect(running.status.name).toBe('RUNNING');
    expect(running.workflowId).toBe(workflowId);
    expect(running.type).toBe('counter');
    expect(running.taskQueue).toBe(taskQueue);
    expect(running.closeTime).toBeUndefined();
    await handle.signal('finish');
    await handle.result();
    const done = await handle.describe();
    expect(done.status.name).toBe('COMPLETED');
    expect(done.runId).toBe(running.runId);
    expect(done.closeTime).toBeInstanceOf(Date);
    expect(done.historyLength).toBeGreaterThan(3);
  });

  it('a duplicate start gives WorkflowExecutionAlreadyStartedError', async () => {
    const workflowId = uniqueId('dup');
    await env.client.workflow.start('waitForever', { taskQueue, workflowId });
    await expect(env.client.workflow.start('waitForever', { taskQueue, workflowId })).rejects.toBeInstanceOf(
      WorkflowExecutionAlreadyStartedError,
    );
    await env.client.workflow.getHandle(workflowId).terminate();
  });

  it('signalWithStart starts a new workflow and signals an existing one', async () => {
    const workflowId = uniqueId('sws');
    const first = await env.client.workflow.signalWithStart('counter', { taskQueue, workflowId, signal: 'increment', signalArgs: [5] });
    const second = await env.client.workflow.signalWithStart('counter', { taskQueue, workflowId, signal: 'increment', signalArgs: [6] });
    expect(second.signaledRunId).toBe(first.signaledRunId);
    await first.signal('finish');
    expect(await first.result()).toBe(11);
    const history = await first.fetchHistory();
    expect(history.events!.slice(0, 3).map((e) => Number(e.eventType))).toEqual([1, 26, 5]);
  });
});
