import { describe, expect, it } from 'vitest';
import { CompleteAsyncError as OfficialCompleteAsyncError, ApplicationFailure as OfficialApplicationFailure } from '@temporalio/common';
import * as official from '@temporalio/activity';
import { activityInfo, CancelledFailure, CompleteAsyncError, Context, heartbeat, sleep } from '../../lib/activity';
import { defaultMockActivityInfo } from '../../lib/activity/mock-environment';
import { ApplicationFailure } from '../../lib/common/failures';
import { resolveDataConverter } from '../../lib/converter';
import type { Payload } from '../../lib/converter/types';
import { ActivityExecution, type ActivityFunction } from '../../lib/worker/activity/activity-execution';
import type { WorkerInterceptors } from '../../lib/worker/interceptors';
import { ConsoleLogger } from '../../lib/worker/logger';
import { HeartbeatRecorder } from './recording-core-worker';

const dataConverter = resolveDataConverter();

function newExecution(interceptors: WorkerInterceptors = {}) {
  const recorder = new HeartbeatRecorder();
  const execution = new ActivityExecution(defaultMockActivityInfo, {
    coreWorker: recorder.asCoreWorker(),
    dataConverter,
    logger: new ConsoleLogger('ERROR'),
    interceptors,
  });
  return { execution, recorder };
}

function run(fn: ActivityFunction, args: unknown[] = [], interceptors: WorkerInterceptors = {}) {
  return newExecution(interceptors).execution.execute(fn, args, {});
}

describe('activity results', () => {
  it('completes with the returned value converted by the data converter', async () => {
    const result = await run((async (a: number, b: number) => a + b) as ActivityFunction, [2, 3]);
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toBe(5);
  });

  it('completes with a binary/null payload when the activity returns nothing', async () => {
    const result = await run(async () => undefined);
    expect(result.completed?.result?.metadata?.encoding).toEqual(new TextEncoder().encode('binary/null'));
  });

  it('keeps type, non-retryable flag, details and next retry delay of a thrown ApplicationFailure', async () => {
    const result = await run(async () => {
      throw ApplicationFailure.create({ message: 'declined', type: 'CardDeclined', nonRetryable: true, details: [{ code: 51 }], nextRetryDelay: '3s' });
    });
    const failure = result.failed!.failure!;
    expect(failure.message).toBe('declined');
    expect(failure.applicationFailureInfo).toMatchObject({ type: 'CardDeclined', nonRetryable: true });
    expect(Number(failure.applicationFailureInfo!.nextRetryDelay!.seconds)).toBe(3);
    expect(await dataConverter.decode(failure.applicationFailureInfo!.details!.payloads!)).toEqual([{ code: 51 }]);
  });

  it('treats an ApplicationFailure from @temporalio/common like ours', async () => {
    const result = await run(async () => {
      throw OfficialApplicationFailure.nonRetryable('gone', 'Gone', 'detail');
    });
    expect(result.failed!.failure!.applicationFailureInfo).toMatchObject({ type: 'Gone', nonRetryable: true });
  });

  it('turns any other error into a retryable application failure with its class name, message and stack', async () => {
    const result = await run(async () => {
      throw new RangeError('out of stock');
    });
    const failure = result.failed!.failure!;
    expect(failure.message).toBe('out of stock');
    expect(failure.applicationFailureInfo).toMatchObject({ type: 'RangeError', nonRetryable: false });
    expect(failure.stackTrace).toContain('activity-execution.test.ts');
  });

  it('leaves the task open when the activity throws CompleteAsyncError (ours or the official one)', async () => {
    expect(await run(async () => { throw new CompleteAsyncError(); })).toEqual({ willCompleteAsync: {} });
    expect(await run(async () => { throw new OfficialCompleteAsyncError(); })).toEqual({ willCompleteAsync: {} });
  });

  it('runs the function inside the activity context', async () => {
    const result = await run(async () => activityInfo().activityId);
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toBe(defaultMockActivityInfo.activityId);
  });
});

describe('activities written for @temporalio/activity', () => {
  it('see this worker\'s context through the official helpers', async () => {
    const { execution, recorder } = newExecution();
    const result = await execution.execute(async () => {
      official.heartbeat('from official');
      await official.sleep(1);
      return { id: official.activityInfo().activityId, aborted: official.cancellationSignal().aborted };
    }, [], {});
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toEqual({ id: defaultMockActivityInfo.activityId, aborted: false });
    expect(await dataConverter.decodeOne(recorder.heartbeats[0]!.details[0])).toBe('from official');
  });
});

describe('activity cancellation results', () => {
  it('reports cancelled, without a stack trace, when a cancelled activity throws the CancelledFailure', async () => {
    const { execution } = newExecution();
    const done = execution.execute(async () => sleep('1 hour'), [], {});
    execution.cancellation.cancel('CANCELLED');
    const result = await done;
    expect(result.cancelled?.failure?.canceledFailureInfo).toBeDefined();
    expect(result.cancelled?.failure?.message).toBe('CANCELLED');
    expect(result.cancelled?.failure?.stackTrace).toBe('');
  });

  it('reports cancelled whatever a cancelled activity throws', async () => {
    const { execution } = newExecution();
    const done = execution.execute(async () => {
      await sleep('1 hour').catch(() => undefined);
      throw new Error('cleanup failed');
    }, [], {});
    execution.cancellation.cancel('TIMED_OUT');
    const result = await done;
    expect(result.cancelled?.failure?.message).toBe('TIMED_OUT');
    expect(result.cancelled?.failure?.cause?.message).toBe('cleanup failed');
  });

  it('reports a paused activity as an ActivityPause failure', async () => {
    const { execution } = newExecution();
    const done = execution.execute(async () => sleep('1 hour'), [], {});
    execution.cancellation.cancel('PAUSED', { notFound: false, cancelRequested: false, paused: true, timedOut: false, workerShutdown: false, reset: false });
    expect((await done).failed?.failure?.applicationFailureInfo?.type).toBe('ActivityPause');
  });

  it('does not start an activity cancelled before it began', async () => {
    const { execution } = newExecution();
    let started = false;
    execution.cancellation.cancel('WORKER_SHUTDOWN');
    const result = await execution.execute(async () => { started = true; }, [], {});
    expect(started).toBe(false);
    expect(result.cancelled?.failure?.message).toBe('WORKER_SHUTDOWN');
  });

  it('completes normally when a cancelled activity returns a value anyway', async () => {
    const { execution } = newExecution();
    execution.cancellation.signal.addEventListener('abort', () => undefined);
    const done = execution.execute(async () => {
      await sleep('1 hour').catch(() => undefined);
      return 'ignored the cancel';
    }, [], {});
    execution.cancellation.cancel('CANCELLED');
    expect((await done).completed).toBeDefined();
  });
});

describe('activity heartbeats', () => {
  it('sends details converted by the data converter with the task token', async () => {
    const { execution, recorder } = newExecution();
    await execution.execute(async () => { heartbeat({ step: 1 }); await sleep(1); }, [], {});
    expect(recorder.heartbeats).toHaveLength(1);
    expect([...recorder.heartbeats[0]!.taskToken]).toEqual([...defaultMockActivityInfo.taskToken]);
    expect(await dataConverter.decode(recorder.heartbeats[0]!.details)).toEqual([{ step: 1 }]);
  });

  it('coalesces heartbeats sent while one is being converted: the newest pending one wins', async () => {
    const { execution, recorder } = newExecution();
    await execution.execute(async () => {
      heartbeat(1);
      heartbeat(2);
      heartbeat(3);
      heartbeat(4);
      await sleep(5);
    }, [], {});
    const sent = await Promise.all(recorder.heartbeats.map((h) => dataConverter.decodeOne(h.details[0])));
    expect(sent).toEqual([1, 4]);
  });

  it('flushes the pending heartbeat before reporting a failure, so the next attempt sees it', async () => {
    const { execution, recorder } = newExecution();
    const result = await execution.execute(async () => {
      heartbeat('first');
      heartbeat('last');
      throw new Error('boom');
    }, [], {});
    expect(result.failed).toBeDefined();
    const sent = await Promise.all(recorder.heartbeats.map((h) => dataConverter.decodeOne(h.details[0])));
    expect(sent).toEqual(['first', 'last']);
  });

  it('ignores heartbeats from an activity that has finished', async () => {
    const { execution, recorder } = newExecution();
    let beatLater: (() => void) | undefined;
    await execution.execute(async () => {
      const context = Context.current();
      beatLater = () => context.heartbeat('late');
    }, [], {});
    beatLater!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(recorder.heartbeats).toHaveLength(0);
  });

  it('cancels the activity when heartbeat details cannot be converted, and fails it retryably', async () => {
    const { execution } = newExecution();
    const result = await execution.execute(async () => {
      heartbeat(10n);
      await sleep('1 hour');
    }, [], {});
    expect(result.failed?.failure?.applicationFailureInfo).toMatchObject({ type: 'CancelledFailure', nonRetryable: false });
  });
});

describe('activity inbound interceptors', () => {
  it('wrap the activity, first factory outermost, and may change its input and output', async () => {
    const calls: string[] = [];
    const interceptors: WorkerInterceptors = {
      activity: [
        () => ({ inbound: { async execute(input, next) { calls.push('outer in'); const r = await next(input); calls.push('outer out'); return `${String(r)}!`; } } }),
        (ctx) => ({ inbound: { async execute(input, next) { calls.push(`inner in ${ctx.info.activityId}`); return next({ ...input, args: [String(input.args[0]).toUpperCase()] }); } } }),
      ],
    };
    const result = await run((async (s: string) => { calls.push('activity'); return s; }) as ActivityFunction, ['hi'], interceptors);
    expect(await dataConverter.decodeOne(result.completed!.result as Payload)).toBe('HI!');
    expect(calls).toEqual(['outer in', `inner in ${defaultMockActivityInfo.activityId}`, 'activity', 'outer out']);
  });

  it('turn an interceptor error into an activity failure', async () => {
    const result = await run(async () => 'never', [], {
      activity: [() => ({ inbound: { execute: async () => { throw new CancelledFailure('refused by interceptor'); } } })],
    });
    expect(result.failed?.failure?.applicationFailureInfo?.type).toBe('CancelledFailure');
  });
});

describe('activity outbound interceptors', () => {
  it('shape the tags of the metrics the activity context makes', async () => {
    const tagged: Record<string, unknown>[] = [];
    // A meter that only remembers the tags it was narrowed with: what the interceptor changes.
    const meter = {
      withTags(tags: Record<string, unknown>) {
        tagged.push(tags);
        return meter;
      },
    };
    const execution = new ActivityExecution(defaultMockActivityInfo, {
      coreWorker: new HeartbeatRecorder().asCoreWorker(),
      dataConverter,
      logger: new ConsoleLogger('ERROR'),
      metricMeter: meter as unknown as NonNullable<ConstructorParameters<typeof ActivityExecution>[1]['metricMeter']>,
      interceptors: { activity: [() => ({ outbound: { getMetricTags: (input, next) => next({ ...input, tenant: 'acme' }) } })] },
    });
    let seen: unknown;
    await execution.execute(async () => {
      seen = Context.current().metricMeter;
    }, [], {});
    expect(seen).toBe(meter);
    expect(tagged.at(-1)).toEqual({ activityType: defaultMockActivityInfo.activityType, tenant: 'acme' });
  });
});
