import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CoreError, WorkerStateError } from '../../lib/core/errors';
import type { CoreConnection, CoreReplayer, CoreRuntime, ReplayerOptions } from '../../lib/core/types';
import { firstWorkflowTaskHistory } from '../contract/histories';
import { ADDON, FAKE_CORE, connectionOptions, eviction, fakeRuntime, messages, pending, settledStats, workersOn } from './fake-core';

function history(workflowType: string, runId = `run-${workflowType}`): Uint8Array {
  return firstWorkflowTaskHistory({ workflowType, taskQueue: 'replay', runId, startMs: 1_700_000_000_000 });
}

describe('native replayer on the fake core', () => {
  let runtime: CoreRuntime;
  let observer: CoreConnection;

  beforeAll(async () => {
    runtime = await fakeRuntime();
    observer = await runtime.connect(connectionOptions);
  });

  afterAll(async () => {
    await observer.close();
    await runtime.close();
  });

  it('feeds a pushed history to its worker as an activation that initializes the run, then evicts it', async () => {
    const replayer = runtime.createReplayer({ namespace: 'default', taskQueue: 'replay' });
    await replayer.pushHistory('wf-1', history('orderSaga', 'run-1'));
    const activation = messages.decodeActivation(await replayer.worker.pollWorkflowActivation());
    expect(activation.runId).toBe('run-1');
    expect(activation.jobs[0].initializeWorkflow).toMatchObject({ workflowId: 'wf-1', workflowType: 'orderSaga' });
    await replayer.worker.completeWorkflowActivation(messages.workflowCompletion('run-1'));
    const evicted = messages.decodeActivation(await replayer.worker.pollWorkflowActivation());
    expect(evicted.runId).toBe('run-1');
    expect(eviction(evicted)).toEqual({ message: 'Always evict workflows after replay', reason: 'LANG_REQUESTED' });
    await replayer.worker.completeWorkflowActivation(messages.workflowCompletion('run-1'));
    replayer.closeHistoryStream();
    replayer.worker.initiateShutdown();
    expect(await replayer.worker.pollWorkflowActivation()).toBeNull();
    await replayer.worker.finalizeShutdown();
  });

  it('rejects a history the core cannot decode, with the core message', async () => {
    const replayer = runtime.createReplayer({});
    await expect(replayer.pushHistory('wf-bad', Buffer.from('bad'))).rejects.toThrow(CoreError);
    await expect(replayer.pushHistory('wf-bad', Buffer.from('bad'))).rejects.toThrow(
      /Worker replay init failed: failed to decode Protobuf message: buffer underflow/,
    );
    replayer.closeHistoryStream();
    replayer.worker.initiateShutdown();
    expect(await replayer.worker.pollWorkflowActivation()).toBeNull();
    await replayer.worker.finalizeShutdown();
  });

  it('refuses a push after the stream is closed and after the worker is finalized', async () => {
    const replayer = runtime.createReplayer({});
    replayer.closeHistoryStream();
    await expect(replayer.pushHistory('wf', history('x'))).rejects.toThrow(/history stream is closed/);
    replayer.worker.initiateShutdown();
    expect(await replayer.worker.pollWorkflowActivation()).toBeNull();
    await replayer.worker.finalizeShutdown();
    await expect(replayer.pushHistory('wf', history('x'))).rejects.toThrow(WorkerStateError);
  });

  /** Sets the delay of every worker callback and replay relay of the fake core (0 after the test). */
  async function workerDelay(ms: number): Promise<void> {
    await observer.rpcCall('test', 'Configure', new Uint8Array(), { metadata: { 'fake-worker-delay-ms': String(ms) } });
  }

  /** Replays what the stream delivers (each activation, then its eviction) until the poller shuts down. */
  async function replayAll(replayer: CoreReplayer): Promise<string[]> {
    const workflowIds: string[] = [];
    for (;;) {
      const bytes = await replayer.worker.pollWorkflowActivation();
      if (bytes === null) return workflowIds;
      const activation = messages.decodeActivation(bytes);
      const started = activation.jobs.find((job) => job.initializeWorkflow)?.initializeWorkflow;
      if (started) workflowIds.push(started.workflowId!);
      await replayer.worker.completeWorkflowActivation(messages.workflowCompletion(activation.runId));
    }
  }

  it('returns from a push before the history reaches the replay worker, which gets it later', async () => {
    await workerDelay(200);
    try {
      const replayer = runtime.createReplayer({ taskQueue: 'replay-async' });
      await replayer.pushHistory('wf-async', history('asyncPush', 'run-async'));
      expect(await workersOn(observer, 'replay-async')).toMatchObject([{ replay: true, historiesInTransit: 1, historiesInStream: 0 }]);
      const activation = messages.decodeActivation(await replayer.worker.pollWorkflowActivation());
      expect(activation.runId).toBe('run-async');
      await replayer.worker.completeWorkflowActivation(messages.workflowCompletion(activation.runId));
      replayer.closeHistoryStream();
      await replayAll(replayer);
      replayer.worker.initiateShutdown();
      await replayer.worker.finalizeShutdown();
    } finally {
      await workerDelay(1);
    }
  });

  it('delivers histories pushed back to back in push order, one at a time', async () => {
    await workerDelay(5);
    try {
      const replayer = runtime.createReplayer({ taskQueue: 'replay-order' });
      const ids = Array.from({ length: 8 }, (_, i) => `wf-order-${i}`);
      for (const [i, id] of ids.entries()) await replayer.pushHistory(id, history('ordered', `run-order-${i}`));
      replayer.closeHistoryStream();
      expect(await replayAll(replayer)).toEqual(ids);
      replayer.worker.initiateShutdown();
      await replayer.worker.finalizeShutdown();
    } finally {
      await workerDelay(1);
    }
  });

  it('delivers what was pushed before the stream closed, then ends the stream and shuts its poller down by itself', async () => {
    await workerDelay(300);
    try {
      const replayer = runtime.createReplayer({ taskQueue: 'replay-close' });
      await replayer.pushHistory('wf-close-1', history('closing', 'run-close-1'));
      await replayer.pushHistory('wf-close-2', history('closing', 'run-close-2'));
      // Freed while both pushes are still on their way: neither is lost.
      replayer.closeHistoryStream();
      expect(await workersOn(observer, 'replay-close')).toMatchObject([{ historiesInTransit: 2 }]);
      expect(await replayAll(replayer)).toEqual(['wf-close-1', 'wf-close-2']);
      replayer.worker.initiateShutdown();
      await replayer.worker.finalizeShutdown();
    } finally {
      await workerDelay(1);
    }
  });

  it('keeps the replay poller waiting while the history stream is open', async () => {
    const replayer = runtime.createReplayer({ taskQueue: 'replay-open' });
    await replayer.pushHistory('wf-open', history('open', 'run-open'));
    const first = messages.decodeActivation(await replayer.worker.pollWorkflowActivation());
    await replayer.worker.completeWorkflowActivation(messages.workflowCompletion(first.runId));
    const evicted = messages.decodeActivation(await replayer.worker.pollWorkflowActivation());
    expect(eviction(evicted)?.reason).toBe('LANG_REQUESTED');
    await replayer.worker.completeWorkflowActivation(messages.workflowCompletion(evicted.runId));
    const next = replayer.worker.pollWorkflowActivation();
    expect(await pending(next)).toBe(true);
    replayer.closeHistoryStream();
    expect(await next).toBeNull();
    replayer.worker.initiateShutdown();
    await replayer.worker.finalizeShutdown();
  });

  it('aborts the process, as the real core panics, when a replayed history has no WorkflowExecutionStarted event', () => {
    const script = `
      const addon = require(${JSON.stringify(ADDON)});
      const runtime = addon.createRuntime(${JSON.stringify(FAKE_CORE)}, {});
      const replayer = runtime.createReplayer({});
      replayer.pushHistory('wf-no-start', new Uint8Array());
      replayer.worker.pollWorkflowActivation();
      setTimeout(() => {}, 10_000);
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal).toBe('SIGABRT');
    expect(child.stderr).toContain(
      'fake core: a replayed history for workflow wf-no-start has no WorkflowExecutionStarted event: the real core panics here',
    );
  });

  it('refuses a replayer cache size, which the core would ignore, naming the field', () => {
    const options = { maxCachedWorkflows: 10 } as unknown as ReplayerOptions;
    expect(() => runtime.createReplayer(options)).toThrow(/ReplayerOptions\.maxCachedWorkflows is not supported/);
  });

  it('frees every replay worker and history stream', async () => {
    expect(await settledStats(observer)).toMatchObject({ workers: 0, pushers: 0, byteArrays: 0 });
  });
});
