/**
 * The addon's threading and lifetime paths on the real core against the dev server: many calls in
 * flight with aborts and GC, worker shutdown with polls and completions in flight, and JS
 * environment teardown with calls pending. Every promise settles; scripts/native-memcheck.sh runs
 * this file under AddressSanitizer too.
 */
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, workerOptionsWithDefaults } from '../../lib/core';
import { runProcess } from '../support/run-process';
import { startDevServerProcess, type DevServerProcess } from './dev-server-process';
import { realCoreLibrary } from './real-core';

const CALLS = Number(process.env.TN_STRESS_CALLS ?? 10_000);
const ROUNDS = 9;

/** One line of rpc-rounds.js. */
interface RoundResult {
  ok: number;
  notFound: number;
  cancelled: number;
  reset: number;
  wrong: string[];
  /** Bytes the allocator has handed out and not had back (heap_probe). */
  inUse: number;
  /** RSS once the allocator has given its free pages back (heap_probe). */
  rss: number;
}
const ws = temporal.api.workflowservice.v1;
const connectionBase = { identity: 'stress@test', clientName: 'temporal-native', clientVersion: '0.1.0' } as const;
const NAMESPACE = 'default';

let server: DevServerProcess;
let library: string;

beforeAll(async () => {
  library = realCoreLibrary();
  // STRESS_ADDRESS points the suite at another server (e.g. the Temporal CLI's) for a manual run.
  server = process.env.STRESS_ADDRESS ? { address: process.env.STRESS_ADDRESS, stop: async () => undefined } : await startDevServerProcess();
});

afterAll(async () => {
  await server.stop();
});

describe('the native addon on the real core under load', () => {
  // Memory is compared over rounds on one runtime: three warm-up rounds (the core's and Node's
  // caches fill), then the smaller of rounds 3 and 4 against the smaller of the last two, so that
  // a connection not yet collected, whose buffers count in one round, is not taken for a leak.
  // - RSS, after the allocator has given its free pages back (heap_probe.trim), with one malloc
  //   arena for all threads: without the trim, glibc keeps the free memory a burst of 10,000 calls
  //   leaves behind, fragmented, and RSS showed the burst (550-650 MB, climbing in steps for up to
  //   seven rounds) rather than what stays allocated; with per-thread arenas, the core's threads
  //   coming and going moved it in steps of up to 10 MB (120-140 MB). With both: 114-123 MB, flat
  //   to within 3% from round 3 on. Bound: 10%.
  // - The allocator's in-use bytes: a leak grows them every round by at least a chunk (32 bytes)
  //   for each call it touches; the bound, 16 bytes per call per round, catches one that touches
  //   half the calls. Measured: 1.3 to 3.3 bytes per call per round, falling off as the rounds go
  //   on (1,000-call rounds: 230 KB over the first 50 rounds, 25 KB over rounds 100-150).
  it('settles 10,000 concurrent rpcCalls a third aborted, with GC forced mid-flight, round after round, and memory stops growing', async () => {
    const heapProbe = path.resolve(__dirname, '..', 'fake-core', 'build', 'Release', 'heap_probe.node');
    const run = await runProcess(process.execPath, [
      path.join(__dirname, 'rpc-rounds.js'),
      path.resolve(__dirname, '..', '..', 'dist'),
      library,
      server.address,
      String(CALLS),
      String(ROUNDS),
      heapProbe,
    ], { env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.arena_max=1' } });
    // Core warnings (a connection reset by the server's rapid-reset guard) may be logged; nothing else.
    expect(run.stderr.split('\n').filter((line) => line !== '' && !line.includes('[temporal core]'))).toEqual([]);
    expect(run.status).toBe(0);
    const rounds = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as RoundResult);
    expect(rounds).toHaveLength(ROUNDS);
    const kb = (bytes: number) => Math.round(bytes / 1e3);
    console.log(`rpc rounds on the real core, ok/notFound/cancelled/reset: ${rounds.map((r) => `${r.ok}/${r.notFound}/${r.cancelled}/${r.reset}`).join(', ')}`);
    console.log(`rpc rounds on the real core, after each round: allocated ${rounds.map((r) => kb(r.inUse)).join(', ')} KB; RSS ${rounds.map((r) => Math.round(r.rss / 1e6)).join(', ')} MB`);
    for (const result of rounds) {
      expect(result.wrong).toEqual([]);
      expect(result.ok + result.notFound + result.cancelled + result.reset).toBe(CALLS);
    }
    // Both paths ran, answers and aborts. Not every round must have both: a round's first aborts
    // can trip the server's rapid-reset guard, whose GOAWAY resets every call still in flight on
    // that connection, answered or aborted later or not (one run in about a dozen had a round
    // with a zero count).
    expect(rounds.reduce((sum, result) => sum + result.ok, 0)).toBeGreaterThan(0);
    expect(rounds.reduce((sum, result) => sum + result.cancelled, 0)).toBeGreaterThan(0);
    const settled = (key: 'inUse' | 'rss', ...indexes: number[]) => Math.min(...indexes.map((i) => rounds[i][key]));
    const last = [ROUNDS - 2, ROUNDS - 1];
    const bytesPerCallPerRound = (settled('inUse', ...last) - settled('inUse', 3, 4)) / ((ROUNDS - 5) * CALLS);
    // Under AddressSanitizer (scripts/native-memcheck.sh) ASan's allocator replaces glibc's and its
    // quarantine keeps freed memory resident, so neither figure says anything there; that run
    // checks for memory errors instead.
    if (process.env.TEMPORAL_NATIVE_MEMCHECK !== '1') {
      expect(settled('rss', ...last)).toBeLessThanOrEqual(settled('rss', 3, 4) * 1.1);
      expect(bytesPerCallPerRound).toBeLessThan(16);
    }
  }, 300_000);

  it('shuts a worker down with polls and an activity completion in flight, settling every promise', async () => {
    const runtime = await createRuntime({ backend: 'native', coreLibraryPath: library });
    const connection = await runtime.connect({ ...connectionBase, address: server.address });
    const taskQueue = `stress-shutdown-${process.pid}`;
    const worker = connection.createWorker(workerOptionsWithDefaults({ namespace: NAMESPACE, taskQueue, buildId: 'stress' }));
    await worker.validate();

    // An activity task to complete: a workflow whose first task schedules it, answered by hand.
    await connection.rpcCall(
      'workflow',
      'StartWorkflowExecution',
      ws.StartWorkflowExecutionRequest.encode({
        namespace: NAMESPACE,
        workflowId: `stress-${Date.now()}`,
        workflowType: { name: 'wf' },
        taskQueue: { name: taskQueue },
        requestId: `${Math.random()}`,
        identity: 'stress',
      }).finish(),
    );
    const { coresdk } = await import('@temporalio/proto');
    const activation = coresdk.workflow_activation.WorkflowActivation.decode((await worker.pollWorkflowActivation())!);
    await worker.completeWorkflowActivation(
      coresdk.workflow_completion.WorkflowActivationCompletion.encode({
        runId: activation.runId,
        successful: {
          commands: [
            {
              scheduleActivity: {
                seq: 1,
                activityId: '1',
                activityType: 'act',
                taskQueue,
                startToCloseTimeout: { seconds: Long.fromNumber(60) },
              },
            },
          ],
        },
      }).finish(),
    );
    const task = coresdk.activity_task.ActivityTask.decode((await worker.pollActivityTask())!);

    // In flight together: a completion, a workflow poll and an activity poll, then shutdown.
    const pending: Promise<unknown>[] = [
      worker.completeActivityTask(
        coresdk.ActivityTaskCompletion.encode({ taskToken: task.taskToken, result: { completed: { result: { metadata: {}, data: new Uint8Array() } } } }).finish(),
      ),
      worker.pollWorkflowActivation(),
      worker.pollActivityTask(),
    ];
    worker.initiateShutdown();
    const settled = await Promise.allSettled(pending);
    expect(settled[0].status).toBe('fulfilled');
    // A task the activity poller still handed out must be answered before the poller can shut down.
    const completeActivity = async (bytes: Uint8Array) => {
      const handedOut = coresdk.activity_task.ActivityTask.decode(bytes);
      await worker.completeActivityTask(
        coresdk.ActivityTaskCompletion.encode({ taskToken: handedOut.taskToken, result: { cancelled: { failure: { message: 'worker stopping' } } } }).finish(),
      );
    };
    const lastActivityPoll = settled[2];
    if (lastActivityPoll.status === 'fulfilled' && lastActivityPoll.value !== null) await completeActivity(lastActivityPoll.value as Uint8Array);
    // Drain: the workflow poller may still hand out the activation for the completed activity.
    for (;;) {
      const bytes = await worker.pollWorkflowActivation();
      if (bytes === null) break;
      const next = coresdk.workflow_activation.WorkflowActivation.decode(bytes);
      await worker.completeWorkflowActivation(
        coresdk.workflow_completion.WorkflowActivationCompletion.encode({ runId: next.runId, successful: { commands: [] } }).finish(),
      );
    }
    for (let bytes = await worker.pollActivityTask(); bytes !== null; bytes = await worker.pollActivityTask()) await completeActivity(bytes);
    await new Promise((resolve) => setImmediate(resolve));
    await worker.finalizeShutdown();
    await connection.close();
    await runtime.close();
  });

  function pendingWorkScript(exit: boolean): string {
    return `
      const { loadAddon } = require(${JSON.stringify(path.resolve(__dirname, '..', '..', 'dist', 'core', 'native', 'addon.js'))});
      const addon = loadAddon();
      const runtime = addon.createRuntime(${JSON.stringify(library)}, { logger: () => {}, loggerIsDefault: true });
      const report = (message) => {
        const { parentPort } = require('node:worker_threads');
        if (parentPort) parentPort.postMessage(message);
      };
      (async () => {
        const connection = await runtime.connect(${JSON.stringify({ ...connectionBase, address: server.address })});
        const worker = connection.createWorker(${JSON.stringify(workerOptionsWithDefaults({ namespace: NAMESPACE, taskQueue: `teardown-${process.pid}`, buildId: 'teardown' }))});
        const pending = [worker.pollWorkflowActivation(), worker.pollActivityTask()];
        const poll = Buffer.from(${JSON.stringify(Array.from(ws.PollWorkflowTaskQueueRequest.encode({ namespace: NAMESPACE, taskQueue: { name: 'nobody-else' } }).finish()))});
        for (let i = 0; i < 20; i++) pending.push(connection.rpcCall('workflow', 'PollWorkflowTaskQueue', poll));
        pending.forEach((p) => p.catch(() => {}));
        globalThis.keep = { runtime, connection, worker, pending };
        setTimeout(() => {
          report('in-flight');
          if (${exit}) process.exit(0);
        }, 200);
      })();
    `;
  }

  it('tears down a worker thread terminated with polls and long calls pending', async () => {
    const thread = new Thread(pendingWorkScript(false), { eval: true });
    await new Promise<void>((resolve, reject) => {
      thread.once('message', () => resolve());
      thread.once('error', reject);
    });
    expect(await thread.terminate()).toBe(1);
    // This process's own core still works after the thread's environment went away.
    const runtime = await createRuntime({ backend: 'native', coreLibraryPath: library });
    const connection = await runtime.connect({ ...connectionBase, address: server.address });
    await connection.rpcCall('workflow', 'GetSystemInfo', ws.GetSystemInfoRequest.encode({}).finish());
    await connection.close();
    await runtime.close();
  });

  it('lets a process exit cleanly while polls and long calls are pending', () => {
    const child = spawnSync(process.execPath, ['-e', pendingWorkScript(true)], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });
});
