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
