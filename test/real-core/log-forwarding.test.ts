/**
 * Core logs keep reaching the logger after connections and workers are freed. The C bridge as
 * released switches forwarding off when any clone of its runtime drops (every connection, worker
 * and connect task holds one); our build patches that (third_party/core-patches/0001).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, workerOptionsWithDefaults } from '../../lib/core';
import type { CoreLogRecord, CoreRuntime } from '../../lib/core';
import { DevServer, type DevServerHandle } from '../../lib/testing';
import { realCoreLibrary } from './real-core';

const connectionBase = { identity: 'logs@test', clientName: 'temporal-native', clientVersion: '0.1.0' } as const;

describe('core log forwarding on the real core', () => {
  let server: DevServerHandle;
  let runtime: CoreRuntime;
  const records: CoreLogRecord[] = [];

  beforeAll(async () => {
    server = await DevServer.start({ port: 0 });
    runtime = await createRuntime({
      backend: 'native',
      coreLibraryPath: realCoreLibrary(),
      logFilter: 'temporalio_sdk_core=DEBUG,temporalio_client=DEBUG',
      logger: (record) => records.push(record),
    });
  });

  afterAll(async () => {
    await runtime.close();
    await server.stop();
  });

  async function logsFrom(step: () => Promise<void>): Promise<CoreLogRecord[]> {
    const before = records.length;
    await step();
    // Lines are delivered on the loop after the core logged them.
    for (let i = 0; i < 50 && records.length === before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    return records.slice(before);
  }

  async function workerLifecycle(taskQueue: string): Promise<void> {
    const connection = await runtime.connect({ ...connectionBase, address: server.address });
    const worker = connection.createWorker(
      workerOptionsWithDefaults({ namespace: server.namespace, taskQueue, buildId: 'logs', taskTypes: { workflows: false, localActivities: false } }),
    );
    await worker.validate();
    worker.initiateShutdown();
    while ((await worker.pollActivityTask()) !== null);
    await new Promise((resolve) => setImmediate(resolve));
    await worker.finalizeShutdown();
    await connection.close();
  }

  it('forwards the lines of a first connection and worker', async () => {
    expect(await logsFrom(() => workerLifecycle('logs-first'))).not.toHaveLength(0);
  });

  it('still forwards lines after a connection and a worker were freed', async () => {
    const later = await logsFrom(() => workerLifecycle('logs-second'));
    expect(later).not.toHaveLength(0);
    expect(later.every((record) => typeof record.message === 'string' && record.target.length > 0)).toBe(true);
  });
});
