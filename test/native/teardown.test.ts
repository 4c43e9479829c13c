import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { ADDON, FAKE_CORE, connectionOptions, fakeRuntime, settledStats, stats, uniqueTaskQueue, workerOptions } from './fake-core';

/**
 * Plain JS run in another JS environment (worker thread or child process): it uses the addon
 * directly, leaves calls of every kind pending, and reports when they are in flight.
 */
function pendingWorkScript(taskQueue: string): string {
  return `
    const addon = require(${JSON.stringify(ADDON)});
    const runtime = addon.createRuntime(${JSON.stringify(FAKE_CORE)}, { logger: () => {} });
    const report = (message) => {
      const { parentPort } = require('node:worker_threads');
      if (parentPort) parentPort.postMessage(message); else process.send ? process.send(message) : null;
    };
    (async () => {
      const connection = await runtime.connect(${JSON.stringify(connectionOptions)});
      const worker = connection.createWorker(${JSON.stringify(workerOptions(taskQueue))});
      const pending = [worker.pollWorkflowActivation(), worker.pollActivityTask()];
      for (let i = 0; i < 50; i++) pending.push(connection.rpcCall('test', 'Hang', Buffer.from('h')));
      for (let i = 0; i < 50; i++) {
        pending.push(connection.rpcCall('test', 'Echo', Buffer.from('e'), { metadata: { 'fake-delay-ms': '20' } }));
      }
      pending.forEach((p) => p.catch(() => {}));
      globalThis.keep = { runtime, connection, worker, pending };
      report('in-flight');
      if (process.argv.includes('--exit')) process.exit(0);
    })();
  `;
}

describe('native addon when its JS environment goes away', () => {
  it('cancels, drains and frees everything of a worker thread terminated with calls and polls pending', async () => {
    const observerRuntime = await fakeRuntime();
    const observer = await observerRuntime.connect(connectionOptions);
    const baseline = await settledStats(observer);

    const thread = new Worker(pendingWorkScript(uniqueTaskQueue('teardown')), { eval: true });
    await new Promise<void>((resolve, reject) => {
      thread.once('message', () => resolve());
      thread.once('error', reject);
    });
    const during = await stats(observer);
    expect(during.runtimes).toBe(baseline.runtimes + 1);
    expect(during.rpcsInFlight).toBeGreaterThanOrEqual(50);
    await thread.terminate();

    // Teardown ran synchronously while the thread exited: nothing of it is left in the core.
    const after = await settledStats(observer);
    expect(after).toMatchObject({
      runtimes: baseline.runtimes,
      connections: baseline.connections,
      workers: baseline.workers,
      tokens: 0,
      byteArrays: 0,
      rpcsInFlight: 0,
      workerOpsInFlight: 0,
    });
    await observer.close();
    await observerRuntime.close();
  });

  it('lets a process exit cleanly while core calls are still pending', () => {
    const child = spawnSync(process.execPath, ['-e', pendingWorkScript(uniqueTaskQueue('exit')), '--', '--exit'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });

  it('lets a process end on its own once nothing is in flight, even with a runtime and connection open', () => {
    const script = `
      const addon = require(${JSON.stringify(ADDON)});
      const runtime = addon.createRuntime(${JSON.stringify(FAKE_CORE)}, {});
      runtime.connect(${JSON.stringify(connectionOptions)})
        .then((connection) => connection.rpcCall('test', 'Echo', Buffer.from('done')))
        .then((bytes) => { globalThis.keep = runtime; console.log(Buffer.from(bytes).toString()); });
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('done');
    expect(child.status).toBe(0);
  });
});
