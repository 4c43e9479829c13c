/**
 * What the real core refuses about workers, and how the SDK keeps that from reaching users: two
 * workers on one connection and task queue (the core allows one per client), and eviction on a
 * worker that has no workflows (a panic in debug builds of the core).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '../../lib/client';
import { WorkerStateError, createRuntime, workerOptionsWithDefaults } from '../../lib/core';
import type { CoreConnection, CoreRuntime } from '../../lib/core';
import { DevServer, type DevServerHandle } from '../../lib/testing';
import { ConsoleLogger, Worker } from '../../lib/worker';
import { workflowsPath } from '../e2e/workflows/environment';
import * as activities from '../e2e/workflows/fixtures/activities';
import { forceGc } from '../native/gc';
import { realCoreLibrary } from './real-core';

describe('workers on the real core', () => {
  let server: DevServerHandle;
  let runtime: CoreRuntime;
  let core: CoreConnection;

  beforeAll(async () => {
    server = await DevServer.start({ port: 0 });
    runtime = await createRuntime({ backend: 'native', coreLibraryPath: realCoreLibrary() });
    core = await runtime.connect({ address: server.address, identity: 'reg@test', clientName: 'temporal-native', clientVersion: '0.1.0' });
  });

  afterAll(async () => {
    await core.close();
    await runtime.close();
    await server.stop();
  });

  it('refuses a second core worker for the same queue on one core connection (the core rule the SDK works around)', async () => {
    const options = workerOptionsWithDefaults({ namespace: server.namespace, taskQueue: 'dup', buildId: 'b', taskTypes: { workflows: false, localActivities: false } });
    const first = core.createWorker(options);
    expect(() => core.createWorker(options)).toThrow(/multiple workers/);
    first.initiateShutdown();
    while ((await first.pollActivityTask()) !== null);
    await new Promise((resolve) => setImmediate(resolve));
    await first.finalizeShutdown();
  });

  it('frees the queue of a worker dropped without shutdown once it is garbage-collected', async () => {
    const options = workerOptionsWithDefaults({ namespace: server.namespace, taskQueue: 'dropped', buildId: 'b', taskTypes: { workflows: false, localActivities: false } });
    // Created and dropped in a scope of its own, so that only the garbage collector can free it.
    (() => void core.createWorker(options))();
    let replacement: ReturnType<CoreConnection['createWorker']> | undefined;
    for (let attempt = 0; attempt < 20 && replacement === undefined; attempt++) {
      await forceGc();
      try {
        replacement = core.createWorker(options);
      } catch (error) {
        if (!/multiple workers/.test(String(error))) throw error;
      }
    }
    expect(replacement).toBeDefined();
    replacement!.initiateShutdown();
    while ((await replacement!.pollActivityTask()) !== null);
    await new Promise((resolve) => setImmediate(resolve));
    await replacement!.finalizeShutdown();
  });

  it('runs two SDK workers on one Connection and one task queue', async () => {
    const connection = await Connection.connect({ address: server.address, runtime });
    const client = new Client({ connection, namespace: server.namespace });
    const common = { connection, namespace: server.namespace, taskQueue: 'two-workers', workflowsPath, activities, logger: new ConsoleLogger('WARN'), handleSignals: false };
    const first = await Worker.create(common);
    const second = await Worker.create(common);
    const runs = [first.run(), second.run()];
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        client.workflow.execute('sequentialActivities', { taskQueue: 'two-workers', workflowId: `two-workers-${i}`, args: [`n${i}`] }),
      ),
    );
    expect(results).toHaveLength(4);
    first.shutdown();
    second.shutdown();
    await Promise.all(runs);
    await connection.close();
  });

  it('refuses a workflow eviction on a worker without workflows, with a typed error', async () => {
    const worker = core.createWorker(
      workerOptionsWithDefaults({ namespace: server.namespace, taskQueue: 'no-workflows', buildId: 'b', taskTypes: { workflows: false, localActivities: false } }),
    );
    expect(() => worker.requestWorkflowEviction('some-run')).toThrow(WorkerStateError);
    worker.initiateShutdown();
    while ((await worker.pollActivityTask()) !== null);
    await new Promise((resolve) => setImmediate(resolve));
    await worker.finalizeShutdown();
  });
});
