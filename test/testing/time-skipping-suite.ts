/**
 * TestWorkflowEnvironment.createTimeSkipping(): the embedded dev server with time skipping, a real
 * worker and the environment's client, on the core backend the test file chose. Workflows that wait for days, a year, or hourly retries
 * complete at once, because the server's clock jumps whenever nothing is in flight and a client
 * waits for a result (or `env.sleep`s). The whole suite shares one environment and one worker.
 */
import type { Workflow } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '../../lib/testing';
import { ConsoleLogger, Worker } from '../../lib/worker';
import { WorkflowFailedError } from '../../lib/client';
import * as activities from './fixtures/activities';
import { activityRacesTimer, proceed, retriedHourly, signalOrTimeout, sleepThirtyDaysThenGreet, sleepTwoYears } from './fixtures/workflows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Declares the suite; the calling file picks the backend (TEMPORAL_CORE_BACKEND) first. */
export function timeSkippingSuite(backend: string): void {
  const taskQueue = `time-skipping-${randomUUID()}`;

  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping();
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowsPath: path.join(__dirname, 'fixtures', 'workflows.ts'),
      activities,
      // The retried activity's expected failures would be logged at WARN.
      logger: new ConsoleLogger('ERROR'),
      handleSignals: false,
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const start = <T extends Workflow>(workflow: T, args: Parameters<T>) =>
    env.client.workflow.start(workflow, { taskQueue, workflowId: `${workflow.name}-${randomUUID()}`, args });

  describe(`TestWorkflowEnvironment.createTimeSkipping (${backend} backend)`, () => {
    it('supports time skipping and starts its clock at the current time', async () => {
      if (backend === 'neon' || backend === 'native') expect(env.connection.coreRuntime?.backend).toBe(backend);
      expect(env.supportsTimeSkipping).toBe(true);
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Date.now() - 1_000);
    });

    it('completes a workflow that sleeps 30 days and then runs an activity; the server clock moved 30 days', async () => {
      const before = await env.currentTimeMs();
      const handle = await env.client.workflow.start(sleepThirtyDaysThenGreet, { taskQueue, workflowId: `sleep-${randomUUID()}`, args: ['Ada'] });
      const result = (await handle.result()) as Awaited<ReturnType<typeof sleepThirtyDaysThenGreet>>;
      expect(result.greeting).toBe('Hello, Ada!');
      expect(result.sleptMs).toBeGreaterThanOrEqual(30 * DAY);
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * DAY);
    });

    it('fires a timer that no signal beat', async () => {
      const handle = await start(signalOrTimeout, []);
      expect(await handle.result()).toBe('timer');
    });

    it('delivers a signal sent before the timer: env.sleep skips only to the time asked for', async () => {
      const handle = await start(signalOrTimeout, []);
      const before = await env.currentTimeMs();
      await env.sleep('10 minutes');
      const slept = (await env.currentTimeMs()) - before;
      expect(slept).toBeGreaterThanOrEqual(10 * 60_000);
      expect(slept).toBeLessThan(HOUR);
      await handle.signal(proceed);
      expect(await handle.result()).toBe('signal');
    });

    it('times a workflow out after its one-year execution timeout', async () => {
      const before = await env.currentTimeMs();
      const handle = await env.client.workflow.start(sleepTwoYears, {
        taskQueue,
        workflowId: `sleepTwoYears-${randomUUID()}`,
        workflowExecutionTimeout: '365 days',
      });
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((await handle.describe()).status.name).toBe('TIMED_OUT');
      const elapsed = (await env.currentTimeMs()) - before;
      expect(elapsed).toBeGreaterThanOrEqual(365 * DAY);
      expect(elapsed).toBeLessThan(730 * DAY);
    });

    it('retries an activity after a one-hour backoff, twice', async () => {
      const before = await env.currentTimeMs();
      const handle = await start(retriedHourly, []);
      expect(await handle.result()).toBe(3);
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(2 * HOUR);
    });

    it('does not skip time while an activity runs: a second and a half of work beats a one-hour timer', async () => {
      const handle = await start(activityRacesTimer, []);
      expect(await handle.result()).toBe('activity');
    });

    it('takes a daily schedule action three times while env.sleep skips three days', async () => {
      const schedule = await env.client.schedule.create({
        scheduleId: `daily-${randomUUID()}`,
        spec: { intervals: [{ every: '1 day' }] },
        action: { type: 'startWorkflow', workflowType: 'greetNow', taskQueue, args: ['schedule'] },
      });
      try {
        await env.sleep('3 days');
        expect((await schedule.describe()).info.numActionsTaken).toBeGreaterThanOrEqual(3);
      } finally {
        await schedule.delete();
      }
    });

    it('keeps time locked outside result() and sleep(): a waiting workflow does not move the clock', async () => {
      const handle = await start(signalOrTimeout, []);
      // The first workflow task completes (the one-hour timer is armed) while the lock holds.
      await expect.poll(async () => (await handle.fetchHistory()).events?.length ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
      const before = await env.currentTimeMs();
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect((await env.currentTimeMs()) - before).toBeLessThan(HOUR);
      await handle.signal(proceed);
      expect(await handle.result()).toBe('signal');
    });
  });
}
