/**
 * The supervised activity pool (`Worker.create({ activityPool })`) with real worker threads and
 * child processes, against the server of TEMPORAL_TEST_SERVER (default: our embedded one). Workflows
 * come from test/e2e/activities/workflows.ts, run by the official worker (see the harness).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { Worker, type WorkerOptions } from '../../../lib/worker';
import { startTestServer } from '../../support/real-server';
import { ActivityE2E, type DevServerHandle, TestLogger } from '../activities/harness';

const modulePath = path.join(__dirname, 'pooled-activities.ts');
const noRetry = { startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } } as const;

let server: DevServerHandle;
let e2e: ActivityE2E;

beforeAll(async () => {
  server = await startTestServer();
  e2e = await ActivityE2E.start(server);
});

afterAll(async () => {
  await e2e?.close();
  await server?.stop();
});

function pool(isolation: 'thread' | 'process', extra: Record<string, unknown> = {}): Partial<WorkerOptions> {
  return { activityPool: { modulePath, isolation, numWorkers: 2, ...extra } as WorkerOptions['activityPool'] };
}

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(['thread', 'process'] as const)('activity pool, isolation %s', (isolation) => {
  it('runs pooled activities next to in-process ones, with both activity contexts', async () => {
    const [pooled, local] = await e2e.withWorkers({ ...pool(isolation), activities: { inProcess: async () => process.pid } }, async ({ taskQueue, worker }) => {
      const states = worker.activityPool!.state();
      expect(states).toHaveLength(2);
      expect(states.every((s) => s.state === 'ready')).toBe(true);
      return Promise.all([
        e2e.callActivity(taskQueue, { name: 'whereAmI', args: [], options: noRetry }),
        e2e.callActivity(taskQueue, { name: 'inProcess', args: [], options: noRetry }),
      ]);
    });
    expect(local).toEqual({ status: 'completed', value: process.pid });
    expect(pooled).toMatchObject({ status: 'completed', value: { activityType: 'whereAmI', officialType: 'whereAmI' } });
    const where = (pooled as { value: { pid: number; threadId: number } }).value;
    if (isolation === 'thread') {
      expect(where.pid).toBe(process.pid);
      expect(where.threadId).toBeGreaterThan(0);
    } else {
      expect(where.pid).not.toBe(process.pid);
    }
  });

  it('carries failure types, details and nonRetryable through the data converter', async () => {
    const outcome = await e2e.withWorkers(pool(isolation), ({ taskQueue }) =>
      e2e.callActivity(taskQueue, { name: 'failTyped', args: [], options: { startToCloseTimeout: '30s', retry: { maximumAttempts: 3, initialInterval: '10ms' } } }),
    );
    expect(outcome).toMatchObject({ status: 'failed', type: 'PoolTyped', nonRetryable: true, details: [{ code: 7 }], causeMessage: 'nope' });
  });

  it('fails only the attempt of a crashed worker, with a retryable ActivityPoolWorkerCrashed, and replaces it', async () => {
    await e2e.withWorkers(pool(isolation), async ({ taskQueue, worker }) => {
      const before = worker.activityPool!.state().map((s) => s.id);
      const [crashed, exited, ok] = await Promise.all([
        e2e.callActivity(taskQueue, { name: 'crash', args: [], options: noRetry }),
        e2e.callActivity(taskQueue, { name: 'exitNow', args: [], options: noRetry }),
        e2e.callActivity(taskQueue, { name: 'echo', args: ['fine'], options: noRetry }),
      ]);
      expect(crashed).toMatchObject({ status: 'failed', type: 'ActivityPoolWorkerCrashed', nonRetryable: false });
      expect(exited).toMatchObject({ status: 'failed', type: 'ActivityPoolWorkerCrashed', nonRetryable: false });
      expect(ok).toEqual({ status: 'completed', value: 'fine' });
      await waitFor(() => worker.activityPool!.state().filter((s) => s.state === 'ready').length === 2);
      expect(worker.activityPool!.state().map((s) => s.id)).not.toEqual(before);
    });
  });

  it('kills a hanging attempt after execTtlMs and replaces its worker', async () => {
    await e2e.withWorkers(pool(isolation, { supervisor: { execTtlMs: 500, watchTickMs: 100 } }), async ({ taskQueue, worker }) => {
      const outcome = await e2e.callActivity(taskQueue, { name: 'hang', args: [], options: noRetry });
      expect(outcome).toMatchObject({ status: 'failed', type: 'ActivityPoolExecTimeout', nonRetryable: false });
      await waitFor(() => worker.activityPool!.state().filter((s) => s.state === 'ready').length === 2);
    });
  });
});

describe.each(['thread', 'process'] as const)('activity pool, local activities and allocation, isolation %s', (isolation) => {
  it('runs a local activity the pool module exports in the pool, with isLocal in its info', async () => {
    // Our worker runs the workflow too: local activities run on the worker of their workflow.
    const taskQueue = e2e.uniqueTaskQueue();
    const worker = await Worker.create(e2e.ourWorkerOptions(taskQueue, { ...pool(isolation), workflowsPath: path.join(__dirname, '..', 'activities', 'workflows.ts') }));
    const outcome = await worker.runUntil(() =>
      e2e.officialClient.workflow.execute('callLocalActivity', {
        taskQueue,
        workflowId: `local-${Math.random()}`,
        args: [{ name: 'whereAmI', args: [], options: { startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } } }],
      }),
    );
    expect(outcome).toMatchObject({ status: 'completed', value: { activityType: 'whereAmI', officialType: 'whereAmI', isLocal: true } });
    const where = (outcome as { value: { pid: number; threadId: number } }).value;
    if (isolation === 'thread') {
      expect(where.pid).toBe(process.pid);
      expect(where.threadId).toBeGreaterThan(0);
    } else {
      expect(where.pid).not.toBe(process.pid);
    }
  });

  it('fails an attempt that waits longer than allocateTimeoutMs for a worker with a retryable ActivityPoolAllocateTimeout', async () => {
    // One worker, busy with `slow` well past the timeout: the second activity waits in the queue.
    // The timeout also bounds a pool worker's start, hence not shorter than a loaded machine needs.
    const allocateTimeoutMs = 3000;
    const options = pool(isolation, { numWorkers: 1, maxQueueSize: 1, allocateTimeoutMs, supervisor: { watchTickMs: 100 } });
    await e2e.withWorkers(options, async ({ taskQueue, worker }) => {
      const busy = e2e.callActivity(taskQueue, { name: 'slow', args: [allocateTimeoutMs * 2], options: noRetry });
      await waitFor(() => worker.activityPool!.state().some((s) => s.state === 'working'), 30_000);
      const waiting = await e2e.callActivity(taskQueue, { name: 'echo', args: ['never ran'], options: noRetry });
      expect(waiting).toMatchObject({ status: 'failed', type: 'ActivityPoolAllocateTimeout', nonRetryable: false });
      expect(await busy).toEqual({ status: 'completed', value: 'slow done' });
      expect(worker.activityPool!.queueLength).toBe(0);
    });
  });
});

describe.each(['thread', 'process'] as const)('activity pool supervision, isolation %s', (isolation) => {
  it('keeps the main loop responsive and heartbeats on time while a CPU-bound activity runs 5 s', async () => {
    await e2e.withWorkers(pool(isolation), async ({ taskQueue, worker }) => {
      let heavyDone = false;
      const heavy = e2e
        .callActivity(taskQueue, { name: 'cpu', args: [5000], options: { startToCloseTimeout: '30s', heartbeatTimeout: '2s', retry: { maximumAttempts: 1 } } })
        .finally(() => (heavyDone = true));
      await waitFor(() => worker.activityPool!.state().some((s) => s.state === 'working'), 30_000);
      // The main thread polls, runs and completes another activity while the pool is busy hashing.
      const quick = await e2e.callActivity(taskQueue, { name: 'echo', args: ['quick'], options: noRetry });
      expect(quick).toEqual({ status: 'completed', value: 'quick' });
      expect(heavyDone).toBe(false);
      // Its heartbeats crossed to the server in time: no heartbeat TimeoutFailure.
      expect(await heavy).toMatchObject({ status: 'completed' });
    });
  });

  it('delivers a cancellation to the pooled activity AbortSignal', async () => {
    const outcome = await e2e.withWorkers(pool(isolation), ({ taskQueue }) =>
      e2e.officialClient.workflow.execute('cancelActivity', {
        taskQueue,
        workflowId: `cancel-${Math.random()}`,
        args: [{ name: 'waitCancel', args: [], options: { startToCloseTimeout: '30s', heartbeatTimeout: '1s', retry: { maximumAttempts: 1 } } }, 500],
      }),
    );
    expect(outcome).toMatchObject({ status: 'failed', causeClass: 'CancelledFailure' });
  });

  it('kills the worker of a CPU-bound activity that cannot see its cancellation within destroyTimeoutMs', async () => {
    await e2e.withWorkers(pool(isolation, { destroyTimeoutMs: 300 }), async ({ taskQueue, worker }) => {
      const before = worker.activityPool!.state().map((s) => s.id);
      const outcome = await e2e.officialClient.workflow.execute('cancelActivity', {
        taskQueue,
        workflowId: `cancel-cpu-${Math.random()}`,
        args: [{ name: 'cpu', args: [20_000], options: { startToCloseTimeout: '60s', heartbeatTimeout: '1s', retry: { maximumAttempts: 1 } } }, 500],
      });
      expect(outcome).toMatchObject({ status: 'failed', causeClass: 'CancelledFailure' });
      await waitFor(() => worker.activityPool!.state().filter((s) => s.state === 'ready').length === 2);
      expect(worker.activityPool!.state().map((s) => s.id)).not.toEqual(before);
    });
  });

  it('fails a leaking attempt at the hard memory limit and replaces the worker', async () => {
    await e2e.withWorkers(pool(isolation, { numWorkers: 1, supervisor: { maxWorkerMemoryMb: 48 } }), async ({ taskQueue, worker }) => {
      const outcome = await e2e.callActivity(taskQueue, { name: 'leak', args: [], options: noRetry });
      expect(outcome).toMatchObject({
        status: 'failed',
        type: isolation === 'thread' ? 'ActivityPoolWorkerOutOfMemory' : 'ActivityPoolWorkerCrashed',
        nonRetryable: false,
      });
      await waitFor(() => worker.activityPool!.state().filter((s) => s.state === 'ready').length === 1);
    });
  });

  it('recycles workers after maxJobs, ttlMs and the soft memory limit', async () => {
    const where = async (taskQueue: string) =>
      ((await e2e.callActivity(taskQueue, { name: 'whereAmI', args: [], options: noRetry })) as { value: { pid: number; threadId: number } }).value;
    const id = (w: { pid: number; threadId: number }) => `${w.pid}/${w.threadId}`;
    await e2e.withWorkers(pool(isolation, { numWorkers: 1, maxJobs: 2 }), async ({ taskQueue, worker }) => {
      const a = await where(taskQueue);
      const b = await where(taskQueue);
      const c = await where(taskQueue);
      expect(id(a)).toBe(id(b));
      expect(id(c)).not.toBe(id(b));
      expect(worker.activityPool!.state()).toHaveLength(1);
    });
    await e2e.withWorkers(pool(isolation, { numWorkers: 1, supervisor: { ttlMs: 300, watchTickMs: 50 } }), async ({ taskQueue }) => {
      const a = await where(taskQueue);
      await new Promise((r) => setTimeout(r, 600));
      expect(id(await where(taskQueue))).not.toBe(id(a));
    });
    // The RSS of a fresh process is already ~50 MB, a thread's heap a few MB.
    const limitMb = isolation === 'thread' ? 64 : 160;
    await e2e.withWorkers(pool(isolation, { numWorkers: 1, supervisor: { maxWorkerMemoryMb: limitMb } }), async ({ taskQueue, worker }) => {
      const a = await where(taskQueue);
      expect(id(await where(taskQueue))).toBe(id(a)); // under the limit: kept
      expect(await e2e.callActivity(taskQueue, { name: 'retain', args: [limitMb + 20], options: noRetry })).toMatchObject({ status: 'completed' });
      expect(id(await where(taskQueue))).not.toBe(id(a));
      expect(worker.activityPool!.state()[0]!.jobsDone).toBeLessThanOrEqual(1);
    });
  });

  it('grows under load up to maxWorkers and shrinks back after idleTimeoutMs', async () => {
    await e2e.withWorkers(
      pool(isolation, { numWorkers: 1, maxQueueSize: 6, supervisor: { watchTickMs: 50 }, dynamic: { maxWorkers: 3, spawnRate: 1, idleTimeoutMs: 300 } }),
      async ({ taskQueue, worker }) => {
        let peak = 0;
        const sampler = setInterval(() => (peak = Math.max(peak, worker.activityPool!.state().length)), 20);
        const outcomes = await e2e.officialClient.workflow.execute('callActivityMany', {
          taskQueue,
          workflowId: `grow-${Math.random()}`,
          args: [{ name: 'slow', args: [600], options: noRetry }, 6],
        });
        clearInterval(sampler);
        expect(outcomes).toHaveLength(6);
        expect(peak).toBe(3);
        await waitFor(() => worker.activityPool!.state().length === 1, 5000);
      },
    );
  });

  it('drains pooled activities in flight on shutdown and leaves nothing running', async () => {
    const worker = await Worker.create(e2e.ourWorkerOptions(e2e.taskQueue, { ...pool(isolation), shutdownGraceTime: '5s' }));
    const running = worker.run();
    const handle = await e2e.officialClient.workflow.start('callActivity', {
      taskQueue: e2e.taskQueue,
      workflowId: `drain-${Math.random()}`,
      args: [{ name: 'slow', args: [800], options: noRetry }],
    });
    await waitFor(() => worker.activityPool!.state().some((s) => s.state === 'working'));
    const ids = worker.activityPool!.state().map((s) => s.pid ?? s.threadId);
    worker.shutdown();
    await running;
    expect(worker.activityPool!.state()).toEqual([]);
    expect(await handle.result()).toEqual({ status: 'completed', value: 'slow done' });
    if (isolation === 'process') {
      for (const pid of ids) expect(() => process.kill(pid!, 0)).toThrow();
    }
  });
});

describe('activity pool options', () => {
  it.each([
    [{ modulePath: '' }, /activityPool\.modulePath/],
    [{ modulePath, isolation: 'fiber' }, /activityPool\.isolation/],
    [{ modulePath, numWorkers: 0 }, /activityPool\.numWorkers/],
    [{ modulePath, maxJobs: -1 }, /activityPool\.maxJobs/],
    [{ modulePath, maxQueueSize: 1.5 }, /activityPool\.maxQueueSize/],
    [{ modulePath, allocateTimeoutMs: 0 }, /activityPool\.allocateTimeoutMs/],
    [{ modulePath, destroyTimeoutMs: 'x' }, /activityPool\.destroyTimeoutMs/],
    [{ modulePath, supervisor: { execTtlMs: -5 } }, /activityPool\.supervisor\.execTtlMs/],
    [{ modulePath, supervisor: { maxMemory: 5 } }, /activityPool\.supervisor\.maxMemory/],
    [{ modulePath, dynamic: { maxWorkers: 1 }, numWorkers: 2 }, /activityPool\.dynamic\.maxWorkers/],
    [{ modulePath, dynamic: { spawnRate: 0 } }, /activityPool\.dynamic\.spawnRate/],
    [{ modulePath, poolSize: 3 }, /activityPool\.poolSize/],
    ['x', /activityPool must be an object/],
  ])('refuses %j with a TypeError naming the field', async (activityPool, message) => {
    await expect(Worker.create(e2e.ourWorkerOptions('q', { activityPool } as never))).rejects.toThrow(TypeError);
    await expect(Worker.create(e2e.ourWorkerOptions('q', { activityPool } as never))).rejects.toThrow(message);
  });

  it('refuses more activity slots than the pool can hold, and a module that does not load', async () => {
    await expect(
      Worker.create(e2e.ourWorkerOptions('q', { activityPool: { modulePath, numWorkers: 1, maxQueueSize: 1 }, maxConcurrentActivityTaskExecutions: 3 })),
    ).rejects.toThrow(/maxConcurrentActivityTaskExecutions/);
    await expect(Worker.create(e2e.ourWorkerOptions('q', { activityPool: { modulePath: '/nonexistent/module.js', numWorkers: 1 } }))).rejects.toThrow(
      /activityPool\.modulePath/,
    );
  });
});
