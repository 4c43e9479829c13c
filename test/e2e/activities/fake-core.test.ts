/**
 * The activity worker on the `native` backend over the fake core: the same poll/complete protocol
 * as against the real core, with activity tasks scripted through the fake core's Test service.
 * What the worker reports is read at the core boundary (see recording-core.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { coresdk } from '@temporalio/proto';
import { activityInfo, CompleteAsyncError, Context, heartbeat, sleep } from '../../../lib/activity';
import { ApplicationFailure } from '../../../lib/common/failures';
import { resolveDataConverter } from '../../../lib/converter';
import type { Payload } from '../../../lib/converter/types';
import type { CoreConnection, CoreRuntime } from '../../../lib/core/types';
import { Worker, WorkerStateTransitionError, type WorkerOptions } from '../../../lib/worker';
import { enqueueTask, fakeConnection, settledStats, uniqueTaskQueue } from '../../native/fake-core';
import { TestLogger } from './harness';
import { RecordingCoreConnection } from './recording-core';

const dataConverter = resolveDataConverter();

describe('our activity worker on the native backend over the fake core', () => {
  let runtime: CoreRuntime;
  let connection: CoreConnection;
  let recording: RecordingCoreConnection;

  beforeAll(async () => {
    ({ runtime, connection } = await fakeConnection());
    recording = new RecordingCoreConnection(connection, { balanceCancelTasks: true });
  });

  afterAll(async () => {
    await connection?.close();
    await runtime?.close();
  });

  function options(taskQueue: string, extra: Partial<WorkerOptions>): WorkerOptions {
    return { connection: recording, taskQueue, handleSignals: false, logger: new TestLogger(), ...extra };
  }

  /** Scripts a start task and returns its task token. */
  async function startActivity(taskQueue: string, start: coresdk.activity_task.IStart): Promise<Uint8Array> {
    const taskToken = randomBytes(16);
    const task = coresdk.activity_task.ActivityTask.encode({
      taskToken,
      start: {
        workflowNamespace: 'default',
        workflowType: 'scripted',
        workflowExecution: { workflowId: 'wf-1', runId: 'run-1' },
        activityId: taskToken.toString('hex'),
        attempt: 1,
        ...start,
      },
    }).finish();
    await enqueueTask(connection, taskQueue, 'activity', task);
    return taskToken;
  }

  async function withWorker<T>(extra: Partial<WorkerOptions>, fn: (taskQueue: string, worker: Worker) => Promise<T>): Promise<T> {
    const taskQueue = uniqueTaskQueue('activities');
    const worker = await Worker.create(options(taskQueue, extra));
    return worker.runUntil(() => fn(taskQueue, worker));
  }

  // Most scenarios share one worker: the fake core is scripted per task, not per worker.
  const sharedActivities = {
    add: async (a: number, b: number) => a + b,
    charge: async () => {
      throw ApplicationFailure.create({ message: 'declined', type: 'CardDeclined', nonRetryable: true, details: [{ code: 51 }] });
    },
    parse: async () => {
      throw new TypeError('not a number');
    },
    which: async () => activityInfo().attempt,
    resumable: async () => {
      if (activityInfo().attempt === 1) {
        heartbeat({ processed: 20 });
        throw new Error('crashed');
      }
      return activityInfo().heartbeatDetails;
    },
    later: async () => {
      throw new CompleteAsyncError();
    },
    echo: async (text: string) => text,
    clientless: async () => {
      try {
        return Context.current().client;
      } catch (error) {
        return (error as Error).message;
      }
    },
    waitForCancel: async () => {
      try {
        await sleep('1 hour');
      } catch (error) {
        cancelReasons.push((error as Error).message);
        throw error;
      }
    },
    ignoreCancel: async () => {
      await sleep('1 hour').catch(() => undefined);
      return 'finished anyway';
    },
  };
  const cancelReasons: string[] = [];
  let sharedQueue: string;
  let sharedWorker: Worker;
  let sharedRun: Promise<void>;

  beforeAll(async () => {
    sharedQueue = uniqueTaskQueue('activities');
    sharedWorker = await Worker.create(
      options(sharedQueue, {
        activities: sharedActivities,
        interceptors: {
          activity: [
            (ctx) => ({
              inbound: {
                execute: async (input, next) => (ctx.info.activityType === 'echo' ? `<${String(await next(input))}>` : next(input)),
              },
            }),
          ],
        },
      }),
    );
    sharedRun = sharedWorker.run();
  });

  afterAll(async () => {
    // Normally stopped by the last test; a failed run must still not leave it polling.
    if (sharedWorker?.getState() === 'RUNNING') sharedWorker.shutdown();
    await sharedRun?.catch(() => undefined);
  });

  function onShared<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
    return fn(sharedQueue);
  }

  async function resultOf(taskToken: Uint8Array) {
    return (await recording.log.completionFor(taskToken)).result!;
  }

  it('decodes the arguments and completes with the converted return value', async () => {
    const result = await onShared(async (taskQueue) => {
      const token = await startActivity(taskQueue, { activityType: 'add', input: await dataConverter.encode([2, 40]) });
      return resultOf(token);
    });
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toBe(42);
  });

  it('reports a thrown ApplicationFailure with its type, details and non-retryable flag', async () => {
    const result = await onShared(async (taskQueue) => resultOf(await startActivity(taskQueue, { activityType: 'charge' })));
    const failure = result.failed!.failure!;
    expect(failure.applicationFailureInfo).toMatchObject({ type: 'CardDeclined', nonRetryable: true });
    expect(await dataConverter.decode(failure.applicationFailureInfo!.details!.payloads!)).toEqual([{ code: 51 }]);
  });

  it('reports any other error as a retryable failure typed with the error class', async () => {
    const result = await onShared(async (taskQueue) => resultOf(await startActivity(taskQueue, { activityType: 'parse' })));
    expect(result.failed!.failure).toMatchObject({ message: 'not a number', applicationFailureInfo: { type: 'TypeError', nonRetryable: false } });
  });

  it('gives the activity the attempt number of the task', async () => {
    const result = await onShared(async (taskQueue) =>
      resultOf(await startActivity(taskQueue, { activityType: 'which', attempt: 3 })),
    );
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toBe(3);
  });

  it('fails an unregistered activity type with NotFoundError naming the registered ones', async () => {
    const result = await onShared(async (taskQueue) => resultOf(await startActivity(taskQueue, { activityType: 'omega' })));
    expect(result.failed!.failure!.applicationFailureInfo!.type).toBe('NotFoundError');
    expect(result.failed!.failure!.message).toMatch(/omega.*add, charge, parse/);
  });

  it('sends heartbeat details through the data converter and hands them to the next attempt', async () => {
    const result = await onShared(async (taskQueue) => {
      const first = await startActivity(taskQueue, { activityType: 'resumable' });
      expect((await resultOf(first)).failed).toBeDefined();
      const beat = recording.log.heartbeats.find((h) => Buffer.from(h.taskToken).equals(Buffer.from(first)))!;
      return resultOf(await startActivity(taskQueue, { activityType: 'resumable', attempt: 2, heartbeatDetails: beat.details }));
    });
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toEqual({ processed: 20 });
  });

  it('reports willCompleteAsync when the activity throws CompleteAsyncError', async () => {
    const result = await onShared(async (taskQueue) =>
      resultOf(await startActivity(taskQueue, { activityType: 'later' })),
    );
    expect(result.willCompleteAsync).toBeDefined();
  });

  it('tells an activity that asks for a client that a bare core connection has none', async () => {
    const result = await onShared(async (taskQueue) => resultOf(await startActivity(taskQueue, { activityType: 'clientless' })));
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toMatch(/only available when the worker was created with a Connection/);
  });

  it('runs inbound interceptors around the activity', async () => {
    const result = await onShared(async (taskQueue) =>
      resultOf(await startActivity(taskQueue, { activityType: 'echo', input: await dataConverter.encode(['x']) })),
    );
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toBe('<x>');
  });

  it('finishes activities in flight before a graceful shutdown completes', async () => {
    const taskQueue = uniqueTaskQueue('activities');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const startedPromise = new Promise<void>((resolve) => (started = resolve));
    const worker = await Worker.create(options(taskQueue, { activities: { slow: async () => { started(); await released; return 'done'; } } }));
    const running = worker.run();
    const token = await startActivity(taskQueue, { activityType: 'slow' });
    await startedPromise;
    worker.shutdown();
    release();
    await running;
    expect(worker.getState()).toBe('STOPPED');
    expect(await dataConverter.decodeOne((await resultOf(token)).completed!.result as Payload)).toBe('done');
  });

  it('runs 1,000 activities without ever exceeding maxConcurrentActivityTaskExecutions, even when the core hands out more', async () => {
    // The fake core has no slots: it hands out all 1,000 tasks. Every activity holds its slot until
    // the worker has received all of them, so without the worker's own limit all would run at once.
    const polledBefore = recording.log.activityTasksPolled;
    let running = 0;
    let maxRunning = 0;
    const activities = {
      work: async (index: number) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await recording.log.whenPolled(polledBefore + 1000);
        running--;
        return index;
      },
    };
    const values = await withWorker({ activities, maxConcurrentActivityTaskExecutions: 25 }, async (taskQueue) => {
      const tokens = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => startActivity(taskQueue, { activityType: 'work', input: await dataConverter.encode([i]) })),
      );
      return Promise.all(tokens.map(async (token) => dataConverter.decodeOne((await resultOf(token)).completed!.result as Payload)));
    });
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(maxRunning).toBe(25);
  });

  it('rejects Worker.create when the core refuses the namespace', async () => {
    await expect(
      Worker.create(options(uniqueTaskQueue('activities'), { namespace: 'missing-namespace', activities: { a: async () => 1 } })),
    ).rejects.toThrow(/missing-namespace/);
  });

  /** Scripts a cancel task for `taskToken`, as the core sends when the server asks or a timeout fires. */
  async function cancelActivity(taskQueue: string, taskToken: Uint8Array, reason: coresdk.activity_task.ActivityCancelReason): Promise<void> {
    const task = coresdk.activity_task.ActivityTask.encode({ taskToken, cancel: { reason } }).finish();
    await enqueueTask(connection, taskQueue, 'activity', task);
  }

  it.each([
    ['CANCELLED', coresdk.activity_task.ActivityCancelReason.CANCELLED],
    ['TIMED_OUT', coresdk.activity_task.ActivityCancelReason.TIMED_OUT],
    ['WORKER_SHUTDOWN', coresdk.activity_task.ActivityCancelReason.WORKER_SHUTDOWN],
  ] as const)('delivers a %s cancel task to the activity, which completes as cancelled', async (name, reason) => {
    const result = await onShared(async (taskQueue) => {
      const polled = recording.log.whenPolled(recording.log.activityTasksPolled + 1);
      const token = await startActivity(taskQueue, { activityType: 'waitForCancel' });
      await polled;
      await cancelActivity(taskQueue, token, reason);
      return resultOf(token);
    });
    expect(cancelReasons.at(-1)).toBe(name);
    expect(result.cancelled?.failure).toMatchObject({ message: name, canceledFailureInfo: {} });
  });

  it('completes normally an activity that ignores its cancellation', async () => {
    const result = await onShared(async (taskQueue) => {
      const polled = recording.log.whenPolled(recording.log.activityTasksPolled + 1);
      const token = await startActivity(taskQueue, { activityType: 'ignoreCancel' });
      await polled;
      await cancelActivity(taskQueue, token, coresdk.activity_task.ActivityCancelReason.CANCELLED);
      return resultOf(token);
    });
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toBe('finished anyway');
  });

  describe('lifecycle', () => {
    const activities = { noop: async () => undefined };

    it('moves from INITIALIZED to RUNNING to STOPPING to STOPPED', async () => {
      const worker = await Worker.create(options(uniqueTaskQueue('lifecycle'), { activities }));
      expect(worker.getState()).toBe('INITIALIZED');
      const running = worker.run();
      expect(worker.getState()).toBe('RUNNING');
      worker.shutdown();
      expect(worker.getState()).toBe('STOPPING');
      await running;
      expect(worker.getState()).toBe('STOPPED');
    });

    it('refuses shutdown() before run()', async () => {
      const worker = await Worker.create(options(uniqueTaskQueue('lifecycle'), { activities }));
      expect(() => worker.shutdown()).toThrow(WorkerStateTransitionError);
      await worker.runUntil(Promise.resolve());
    });

    it('refuses a second run()', async () => {
      const worker = await Worker.create(options(uniqueTaskQueue('lifecycle'), { activities }));
      await worker.runUntil(async () => {
        await expect(worker.run()).rejects.toThrow(WorkerStateTransitionError);
      });
    });

    it('runUntil resolves with the value of the promise after shutting down', async () => {
      const worker = await Worker.create(options(uniqueTaskQueue('lifecycle'), { activities }));
      expect(await worker.runUntil(async () => 'value')).toBe('value');
      expect(worker.getState()).toBe('STOPPED');
    });

    it('runUntil rejects with the error of the promise after shutting down', async () => {
      const worker = await Worker.create(options(uniqueTaskQueue('lifecycle'), { activities }));
      await expect(worker.runUntil(Promise.reject(new RangeError('inner failure')))).rejects.toThrow('inner failure');
      expect(worker.getState()).toBe('STOPPED');
    });

    it('runUntil rejects when the worker is stopped before the promise settles', async () => {
      const worker = await Worker.create(options(uniqueTaskQueue('lifecycle'), { activities }));
      const never = new Promise<never>(() => undefined);
      const running = worker.runUntil(never);
      worker.shutdown();
      await expect(running).rejects.toThrow(/stopped before the given promise settled/);
    });

    it('shuts down and rejects run() with the error when polling fails', async () => {
      const failing = new RecordingCoreConnection(connection);
      const worker = await Worker.create({ ...options(uniqueTaskQueue('lifecycle'), { activities }), connection: failing });
      failing.log.failNextPoll = new Error('core poller broke');
      await expect(worker.run()).rejects.toThrow('core poller broke');
      expect(worker.getState()).toBe('FAILED');
    });
  });

  it('stops the shared worker cleanly, leaving no worker, operation or byte array behind', async () => {
    sharedWorker.shutdown();
    await sharedRun;
    expect(sharedWorker.getState()).toBe('STOPPED');
    expect(await settledStats(connection)).toMatchObject({ workers: 0, workerOpsInFlight: 0, byteArrays: 0 });
  });
});
