/**
 * The randomised pool test: 500 activities whose outcomes are drawn from {return, throw, crash,
 * hang, leak} with a fixed, printed seed (override with POOL_SEED). Every attempt is reported exactly
 * once, no task is lost, and the pool returns to its size. Both isolation modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import type { Context } from '../../../lib/activity';
import type { ActivityExecuteInput, ActivityExecuteNext } from '../../../lib/worker';
import { ConsoleLogger } from '../../../lib/worker/logger';
import { startTestServer } from '../../support/real-server';
import { ActivityE2E, type DevServerHandle } from '../activities/harness';

const modulePath = path.join(__dirname, 'pooled-activities.ts');
const SEED = Number(process.env.POOL_SEED ?? 20261204);
const COUNT = 500;

/** mulberry32: a small seeded PRNG, enough to make the draw reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mostly returns and throws; crash, hang and leak each cost a worker, so they are rarer. */
function draw(random: () => number): string {
  const r = random();
  if (r < 0.6) return 'return';
  if (r < 0.9) return 'throw';
  if (r < 0.94) return 'crash';
  if (r < 0.97) return 'hang';
  return 'leak';
}

const expectedType: Record<string, string> = {
  throw: 'Chaos',
  crash: 'ActivityPoolWorkerCrashed',
  hang: 'ActivityPoolExecTimeout',
};

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

describe.each((process.env.POOL_ONLY ? [process.env.POOL_ONLY] : ['thread', 'process']) as ('thread' | 'process')[])('activity pool randomised, isolation %s', (isolation) => {
  it(`${COUNT} activities drawn from return/throw/crash/hang/leak (seed ${SEED})`, { timeout: 120_000 }, async () => {
    console.log(`activity pool randomised test (${isolation}): seed ${SEED} (set POOL_SEED to replay another)`);
    const random = prng(SEED + (isolation === 'thread' ? 0 : 1));
    const plan = Array.from({ length: COUNT }, () => draw(random));
    const attempts = new Map<string, number>();
    const count = (ctx: Context) => ({
      execute: (input: ActivityExecuteInput, next: ActivityExecuteNext) => {
        const key = `${ctx.info.workflowExecution.workflowId}/${ctx.info.activityId}/${ctx.info.attempt}`;
        attempts.set(key, (attempts.get(key) ?? 0) + 1);
        return next(input);
      },
    });
    const numWorkers = 2;
    await e2e.withWorkers(
      {
        interceptors: { activityInbound: [count] },
        ...(process.env.POOL_DEBUG ? { logger: new ConsoleLogger('DEBUG') } : {}),
        activityPool: { modulePath, isolation, numWorkers, maxQueueSize: 8, supervisor: { execTtlMs: 800, maxWorkerMemoryMb: isolation === 'thread' ? 32 : 96, watchTickMs: 100 } },
      },
      async ({ taskQueue, worker }) => {
        const outcomes = (await e2e.officialClient.workflow.execute('callActivityMany', {
          taskQueue,
          workflowId: `random-${isolation}-${SEED}`,
          args: [{ name: 'chaos', args: [plan], options: { startToCloseTimeout: '60s', retry: { maximumAttempts: 1 } } }, COUNT],
        })) as { status: string; value?: unknown; type?: string; nonRetryable?: boolean }[];
        expect(outcomes).toHaveLength(COUNT);
        outcomes.forEach((outcome, i) => {
          const kind = plan[i]!;
          if (kind === 'return') expect(outcome, `activity ${i}`).toEqual({ status: 'completed', value: `ok ${i}` });
          else if (kind === 'leak') {
            expect(outcome.status, `activity ${i}`).toBe('failed');
            expect(['ActivityPoolWorkerOutOfMemory', 'ActivityPoolWorkerCrashed'], `activity ${i}`).toContain(outcome.type);
          } else expect(outcome, `activity ${i}`).toMatchObject({ status: 'failed', type: expectedType[kind] });
        });
        // Exactly one attempt per activity, each reported once.
        expect(attempts.size).toBe(COUNT);
        expect([...attempts.values()].every((n) => n === 1)).toBe(true);
        const end = Date.now() + 10_000;
        while (worker.activityPool!.state().filter((s) => s.state === 'ready').length !== numWorkers && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(worker.activityPool!.state().map((s) => s.state)).toEqual(['ready', 'ready']);
        expect(worker.activityPool!.queueLength).toBe(0);
      },
    );
  });
});
