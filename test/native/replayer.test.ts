import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError, WorkerStateError } from '../../lib/core/errors';
import type { CoreConnection, CoreRuntime, ReplayerOptions } from '../../lib/core/types';
import { firstWorkflowTaskHistory } from '../contract/histories';
import { connectionOptions, eviction, fakeRuntime, messages, settledStats } from './fake-core';

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

  it('refuses a replayer cache size, which the core would ignore, naming the field', () => {
    const options = { maxCachedWorkflows: 10 } as unknown as ReplayerOptions;
    expect(() => runtime.createReplayer(options)).toThrow(/ReplayerOptions\.maxCachedWorkflows is not supported/);
  });

  it('frees every replay worker and history stream', async () => {
    expect(await settledStats(observer)).toMatchObject({ workers: 0, pushers: 0, byteArrays: 0 });
  });
});
