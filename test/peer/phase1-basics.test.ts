/**
 * Spec §7 phase 1 with the official SDK: worker start/stop, hello activity with the exact event
 * sequence, sequential + parallel activities, non-retryable activity failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { eventTypes, startPeerEnv, uniqueId, type PeerEnv } from './helpers';

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

describe('phase 1: basics with the official SDK', () => {
  it('a worker starts and runUntil shuts it down with no hung polls', async () => {
    const w = await env.createWorker();
    await w.runUntil(new Promise((resolve) => setTimeout(resolve, 200)));
    expect(w.getState()).toBe('STOPPED');
  });

  it('runs the hello activity workflow with the canonical event sequence', async () => {
    const handle = await env.client.workflow.start('hello', { taskQueue, workflowId: uniqueId('hello'), args: ['Temporal'] });
    expect(await handle.result()).toBe('Hello, Temporal!');
    const history = await handle.fetchHistory();
    expect(eventTypes(history)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
  });

  it('runs sequential and parallel activities', async () => {
    const result = await env.client.workflow.execute('sequentialAndParallel', {
      taskQueue,
      workflowId: uniqueId('seqpar'),
      args: [['a', 'b', 'c', 'd']],
    });
    expect(result).toEqual(['Hello, a!', 'Hello, b!', 'Hello, c!', 'Hello, d!']);
  });

  it('reports a non-retryable activity failure as WorkflowFailedError caused by ActivityFailure', async () => {
    const err = await env.client.workflow
      .execute('failingActivity', { taskQueue, workflowId: uniqueId('fail') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect((cause as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    expect(((cause as ActivityFailure).cause as ApplicationFailure).type).toBe('BadInput');
  });
});
