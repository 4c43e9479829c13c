/**
 * What is particular to the `neon` backend: the limits of the @temporalio/core-bridge functions it
 * drives, stated as errors rather than silent gaps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError, WorkerStateError, createRuntime } from '../../lib/core';
import type { CoreReplayer, CoreRuntime } from '../../lib/core';

const connectionBase = { identity: 'neon@test', clientName: 'temporal-native', clientVersion: '0.1.0' } as const;

async function shutDown(replayer: CoreReplayer): Promise<void> {
  replayer.closeHistoryStream();
  replayer.worker.initiateShutdown();
  while ((await replayer.worker.pollWorkflowActivation()) !== null);
  await replayer.worker.finalizeShutdown();
}

describe('neon backend', () => {
  let runtime: CoreRuntime;

  beforeEach(async () => {
    runtime = await createRuntime({ backend: 'neon' });
  });

  afterEach(async () => {
    await runtime.close();
  });

  it('refuses connection retry options it cannot pass to the core, naming the field', async () => {
    const retry = { initialIntervalMs: 100, randomizationFactor: 0.2, multiplier: 1.5, maxIntervalMs: 5000, maxElapsedTimeMs: 10_000, maxRetries: 5 };
    await expect(runtime.connect({ ...connectionBase, address: '127.0.0.1:7233', retry })).rejects.toThrow(/^connection options\.retry cannot be honoured by the neon backend/);
  });

  it('answers requestWorkflowEviction with a CoreError: the addon has no eviction call', async () => {
    const replayer = runtime.createReplayer({});
    expect(() => replayer.worker.requestWorkflowEviction('some-run')).toThrow(CoreError);
    expect(() => replayer.worker.requestWorkflowEviction('some-run')).toThrow(/cannot request evictions/);
    await shutDown(replayer);
  });

  it('refuses to poll a task type the worker was not created for', async () => {
    const replayer = runtime.createReplayer({});
    await expect(replayer.worker.pollActivityTask()).rejects.toBeInstanceOf(WorkerStateError);
    await shutDown(replayer);
  });

  it('treats a second initiateShutdown as a no-op', async () => {
    const replayer = runtime.createReplayer({});
    replayer.closeHistoryStream();
    replayer.worker.initiateShutdown();
    expect(() => replayer.worker.initiateShutdown()).not.toThrow();
    while ((await replayer.worker.pollWorkflowActivation()) !== null);
    await replayer.worker.finalizeShutdown();
  });

  it('keeps answering null to polls after the poller drained, without asking the core again', async () => {
    const replayer = runtime.createReplayer({});
    replayer.closeHistoryStream();
    replayer.worker.initiateShutdown();
    while ((await replayer.worker.pollWorkflowActivation()) !== null);
    await expect(replayer.worker.pollWorkflowActivation()).resolves.toBeNull();
    await replayer.worker.finalizeShutdown();
  });

  it('turns a logger that throws into a process warning instead of a crash', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    const throwing = await createRuntime({
      backend: 'neon',
      logFilter: 'INFO',
      logger: () => {
        throw new Error('logger exploded');
      },
    });
    try {
      const replayer = throwing.createReplayer({});
      const warning = await warned;
      expect(warning.message).toMatch(/the logger threw: logger exploded/);
      await shutDown(replayer);
    } finally {
      await throwing.close();
    }
  });

  it('defers the runtime shutdown until the last replayer is finalized', async () => {
    const replayer = runtime.createReplayer({});
    await runtime.close();
    // Still usable: the runtime only shuts down once its last child is gone.
    await shutDown(replayer);
    expect(() => runtime.createReplayer({})).toThrow(/createReplayer: the runtime is closed/);
  });
});
