import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { CoreError, WorkerStateError } from '../../lib/core/errors';
import type { CoreConnection, CoreRuntime, ReplayerOptions } from '../../lib/core/types';
import { connectionOptions, fakeRuntime, settledStats, text } from './fake-core';

function history(workflowType: string): Uint8Array {
  const message = temporal.api.history.v1.History.fromObject({
    events: [
      {
        eventId: 1,
        eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
        workflowExecutionStartedEventAttributes: { workflowType: { name: workflowType } },
      },
    ],
  });
  return temporal.api.history.v1.History.encode(message).finish();
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

  it('feeds pushed histories to its worker, then shuts down in order', async () => {
    const replayer = runtime.createReplayer({ namespace: 'default', taskQueue: 'replay' });
    const bytes = history('orderSaga');
    await replayer.pushHistory('wf-1', bytes);
    const activation = await replayer.worker.pollWorkflowActivation();
    // The fake core's activation for a replayed history: "<workflow id>\n<history bytes>".
    expect(text(activation)?.startsWith('wf-1\n')).toBe(true);
    expect(Buffer.from(activation!).subarray(5).equals(Buffer.from(bytes))).toBe(true);
    await replayer.worker.completeWorkflowActivation(Buffer.from('replayed'));
    replayer.closeHistoryStream();
    replayer.worker.initiateShutdown();
    expect(await replayer.worker.pollWorkflowActivation()).toBeNull();
    await replayer.worker.finalizeShutdown();
  });

  it('rejects a history the core cannot decode, with the core message', async () => {
    const replayer = runtime.createReplayer({});
    await expect(replayer.pushHistory('wf-bad', Buffer.from('bad'))).rejects.toThrow(CoreError);
    await expect(replayer.pushHistory('wf-bad', Buffer.from('bad'))).rejects.toThrow(/Worker replay init failed/);
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
