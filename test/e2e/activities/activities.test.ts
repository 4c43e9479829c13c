import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Client } from '../../../lib/client';
import { ApplicationFailure } from '../../../lib/common/failures';
import { activityInfo, cancellationSignal, CompleteAsyncError, Context, getClient, heartbeat, sleep } from '../../../lib/activity';
import { Worker } from '../../../lib/worker';
import { startTestServer } from '../../support/real-server';
import { ActivityE2E, type DevServerHandle, TestLogger } from './harness';
import type { ActivityOutcome } from './workflows';

/** A promise the test resolves from inside an activity, to observe what the activity saw. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const noRetry = { startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } } as const;

describe('our worker serving activities to workflows run by the official worker', () => {
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

  it('completes an activity with its return value', async () => {
    const activities = { greet: async (name: string) => `Hello, ${name}!` };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) =>
      e2e.callActivity(taskQueue, { name: 'greet', args: ['Temporal'], options: noRetry }),
    );
    expect(outcome).toEqual({ status: 'completed', value: 'Hello, Temporal!' });
  });

  it('fails with the type, details and non-retryable flag of a thrown ApplicationFailure', async () => {
    let attempts = 0;
    const activities = {
      charge: async () => {
        attempts++;
        throw ApplicationFailure.create({ message: 'card declined', type: 'CardDeclined', nonRetryable: true, details: [{ code: 51 }, 'x'] });
      },
    };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) =>
      e2e.callActivity(taskQueue, { name: 'charge', args: [], options: { startToCloseTimeout: '30s', retry: { initialInterval: '10ms', maximumAttempts: 5 } } }),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      causeClass: 'ApplicationFailure',
      type: 'CardDeclined',
      nonRetryable: true,
      details: [{ code: 51 }, 'x'],
      causeMessage: 'card declined',
    });
    expect(attempts).toBe(1);
  });

  it('retries a failing activity and reports the attempt number to it', async () => {
    const activities = {
      flaky: async () => {
        const { attempt } = activityInfo();
        if (attempt < 3) throw new Error(`attempt ${attempt} failed`);
        return attempt;
      },
    };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) =>
      e2e.callActivity(taskQueue, {
        name: 'flaky',
        args: [],
        options: { startToCloseTimeout: '30s', retry: { initialInterval: '10ms', backoffCoefficient: 1, maximumAttempts: 5 } },
      }),
    );
    expect(outcome).toEqual({ status: 'completed', value: 3 });
  });

  it('turns any other error into a retryable failure typed with the error class', async () => {
    const activities = {
      parse: async () => {
        throw new TypeError('not a number');
      },
    };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) => e2e.callActivity(taskQueue, { name: 'parse', args: [], options: noRetry }));
    expect(outcome).toMatchObject({ status: 'failed', causeClass: 'ApplicationFailure', type: 'TypeError', nonRetryable: false, causeMessage: 'not a number' });
  });

  it('fails an unregistered activity type with NotFoundError naming the registered activities', async () => {
    const activities = { alpha: async () => 1, beta: async () => 2 };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) => e2e.callActivity(taskQueue, { name: 'gamma', args: [], options: noRetry }));
    expect(outcome).toMatchObject({ status: 'failed', causeClass: 'ApplicationFailure', type: 'NotFoundError' });
    const message = (outcome as { causeMessage: string }).causeMessage;
    expect(message).toContain('gamma');
    expect(message).toContain('alpha, beta');
  });

  it('hands the last heartbeat details of a failed attempt to the next attempt', async () => {
    const activities = {
      resumable: async () => {
        const { attempt, heartbeatDetails } = activityInfo();
        if (attempt === 1) {
          heartbeat({ processed: 10 });
          heartbeat({ processed: 20 });
          throw new Error('crashed halfway');
        }
        return heartbeatDetails;
      },
    };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) =>
      e2e.callActivity(taskQueue, {
        name: 'resumable',
        args: [],
        options: { startToCloseTimeout: '30s', heartbeatTimeout: '10s', retry: { initialInterval: '10ms', maximumAttempts: 3 } },
      }),
    );
    expect(outcome).toEqual({ status: 'completed', value: { processed: 20 } });
  });

  it('times out an activity that stops heartbeating, and cancels it in the worker', async () => {
    const cancelReason = deferred<string>();
    const activities = {
      silent: async () => {
        try {
          await sleep('1 minute');
        } catch (error) {
          cancelReason.resolve((error as Error).message);
          throw error;
        }
      },
    };
    const reason = await e2e.withWorkers({ activities }, async ({ taskQueue }) => {
      const outcome = await e2e.callActivity(taskQueue, { name: 'silent', args: [], options: { ...noRetry, heartbeatTimeout: '1s' } });
      expect(outcome).toMatchObject({ status: 'failed', causeClass: 'TimeoutFailure' });
      expect((outcome as { timeoutType: string }).timeoutType).toMatch(/HEARTBEAT/);
      return cancelReason.promise;
    });
    expect(reason).toBe('TIMED_OUT');
  });

  it('delivers a cancellation requested by the workflow to an activity that heartbeats', async () => {
    const seen = deferred<{ reason: string; aborted: boolean }>();
    const activities = {
      longRunning: async () => {
        const signal = cancellationSignal();
        try {
          for (;;) {
            heartbeat();
            await sleep(100);
          }
        } catch (error) {
          seen.resolve({ reason: (error as Error).message, aborted: signal.aborted });
          throw error;
        }
      },
    };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) =>
      e2e.officialClient.workflow.execute('cancelActivity', {
        taskQueue,
        workflowId: randomUUID(),
        args: [{ name: 'longRunning', args: [], options: { ...noRetry, heartbeatTimeout: '2s' } }, 500],
      }),
    );
    expect(await seen.promise).toEqual({ reason: 'CANCELLED', aborted: true });
    expect(outcome).toMatchObject({ status: 'failed', causeClass: 'CancelledFailure' });
  });

  it('leaves an activity open on CompleteAsyncError and completes it later by task token', async () => {
    const token = deferred<Uint8Array>();
    const activities = {
      approval: async () => {
        token.resolve(Context.current().info.taskToken);
        throw new CompleteAsyncError();
      },
    };
    const outcome = await e2e.withWorkers({ activities }, async ({ taskQueue }) => {
      const result = e2e.callActivity(taskQueue, { name: 'approval', args: [], options: noRetry });
      const client = new Client({ connection: e2e.connection, namespace: server.namespace });
      await client.activity.complete(await token.promise, 'approved by token');
      return result;
    });
    expect(outcome).toEqual({ status: 'completed', value: 'approved by token' });
  });

  it('completes an async activity by workflow id and activity id', async () => {
    const ids = deferred<{ workflowId: string; activityId: string }>();
    const activities = {
      approval: async () => {
        const info = activityInfo();
        ids.resolve({ workflowId: info.workflowExecution.workflowId, activityId: info.activityId });
        throw new CompleteAsyncError();
      },
    };
    const outcome = await e2e.withWorkers({ activities }, async ({ taskQueue }) => {
      const result = e2e.callActivity(taskQueue, { name: 'approval', args: [], options: noRetry });
      const client = new Client({ connection: e2e.connection, namespace: server.namespace });
      await client.activity.complete(await ids.promise, 'approved by id');
      return result;
    });
    expect(outcome).toEqual({ status: 'completed', value: 'approved by id' });
  });

  it('gives activities a client on the worker connection', async () => {
    const activities = {
      whoCalledMe: async () => {
        const { workflowId } = activityInfo().workflowExecution;
        const description = await getClient().workflow.getHandle(workflowId).describe();
        return description.type;
      },
    };
    const outcome = await e2e.withWorkers({ activities }, ({ taskQueue }) => e2e.callActivity(taskQueue, { name: 'whoCalledMe', args: [], options: noRetry }));
    expect(outcome).toEqual({ status: 'completed', value: 'callActivity' });
  });

  it('runs activity inbound interceptors around the activity', async () => {
    const activities = { echo: async (text: string) => text };
    const outcome = await e2e.withWorkers(
      {
        activities,
        interceptors: {
          activity: [(ctx) => ({ inbound: { execute: async (input, next) => `${ctx.info.activityType}:${String(await next(input))}` } })],
        },
      },
      ({ taskQueue }) => e2e.callActivity(taskQueue, { name: 'echo', args: ['hi'], options: noRetry }),
    );
    expect(outcome).toEqual({ status: 'completed', value: 'echo:hi' });
  });

  it('lets activities in flight finish during a graceful shutdown, then stops', async () => {
    const taskQueue = e2e.taskQueue;
    const started = deferred<void>();
    const release = deferred<void>();
    const activities = {
      slow: async () => {
        started.resolve();
        await release.promise;
        return 'finished';
      },
    };
    const worker = await Worker.create(e2e.ourWorkerOptions(taskQueue, { activities, shutdownGraceTime: '1 minute' }));
    const running = worker.run();
    const result = e2e.callActivity(taskQueue, { name: 'slow', args: [], options: noRetry });
    await started.promise;
    worker.shutdown();
    expect(worker.getState()).toBe('STOPPING');
    release.resolve();
    await running;
    expect(worker.getState()).toBe('STOPPED');
    const outcome = await result;
    expect(outcome).toEqual({ status: 'completed', value: 'finished' });
  });

  it('cancels activities still running when the grace time ends, and the task is retried elsewhere', async () => {
    const taskQueue = e2e.taskQueue;
    const firstAttemptStarted = deferred<void>();
    const firstAttemptCancelled = deferred<string>();
    const activities = {
      stubborn: async () => {
        if (activityInfo().attempt === 1) {
          firstAttemptStarted.resolve();
          try {
            await sleep('1 minute');
          } catch (error) {
            firstAttemptCancelled.resolve((error as Error).message);
            throw error;
          }
        }
        return `attempt ${activityInfo().attempt}`;
      },
    };
    const first = await Worker.create(e2e.ourWorkerOptions(taskQueue, { activities, shutdownGraceTime: '100ms' }));
    const result = e2e.callActivity(taskQueue, {
      name: 'stubborn',
      args: [],
      options: { startToCloseTimeout: '30s', retry: { initialInterval: '10ms', maximumAttempts: 3 } },
    });
    // Shut the first worker down as soon as the first attempt runs; it outlives the grace time.
    await first.runUntil(firstAttemptStarted.promise);
    expect(await firstAttemptCancelled.promise).toBe('WORKER_SHUTDOWN');
    const second = await Worker.create(e2e.ourWorkerOptions(taskQueue, { activities }));
    const outcome = await second.runUntil(result);
    expect(outcome).toEqual({ status: 'completed', value: 'attempt 2' });
  });

  it('runs 1,000 activities without exceeding maxConcurrentActivityTaskExecutions', async () => {
    let running = 0;
    let maxRunning = 0;
    const activities = {
      work: async (_input: unknown, index: number) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(2);
        running--;
        return index;
      },
    };
    const outcomes = await e2e.withWorkers({ activities, maxConcurrentActivityTaskExecutions: 25 }, ({ taskQueue }) =>
      Promise.all(
        Array.from({ length: 10 }, () =>
          e2e.officialClient.workflow.execute('callActivityMany', {
            taskQueue,
            workflowId: randomUUID(),
            args: [{ name: 'work', args: [null], options: noRetry }, 100],
          }) as Promise<ActivityOutcome[]>,
        ),
      ),
    );
    const values = outcomes.flat().map((o) => (o.status === 'completed' ? o.value : o));
    expect(values).toHaveLength(1000);
    expect(values).toEqual(Array.from({ length: 10 }, () => Array.from({ length: 100 }, (_, i) => i)).flat());
    expect(maxRunning).toBeLessThanOrEqual(25);
    expect(maxRunning).toBeGreaterThan(1);
  });

  it('rejects Worker.create for a namespace the server does not know', async () => {
    await expect(
      Worker.create(e2e.ourWorkerOptions(e2e.uniqueTaskQueue(), { namespace: `missing-${randomUUID()}`, activities: { a: async () => 1 } })),
    ).rejects.toThrow(/namespace/i);
  });

  it('removes its signal listeners once run() has finished', async () => {
    const before = process.listenerCount('SIGINT');
    const worker = await Worker.create({ ...e2e.ourWorkerOptions(e2e.uniqueTaskQueue(), { activities: { a: async () => 1 } }), handleSignals: true });
    const running = worker.run();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    worker.shutdown();
    await running;
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const logger = new TestLogger();
    const worker = await Worker.create({ ...e2e.ourWorkerOptions(e2e.uniqueTaskQueue(), { activities: { a: async () => 1 }, logger }), handleSignals: true });
    const running = worker.run();
    process.emit('SIGTERM', 'SIGTERM');
    await running;
    expect(worker.getState()).toBe('STOPPED');
    expect(logger.lines.some((line) => line.message.includes('SIGTERM'))).toBe(true);
  });
});
