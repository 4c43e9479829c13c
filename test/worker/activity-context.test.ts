import { describe, expect, it } from 'vitest';
import {
  activityInfo,
  ActivityContextError,
  cancellationDetails,
  cancellationSignal,
  cancelled,
  CancelledFailure,
  Context,
  heartbeat,
  log,
  MockActivityEnvironment,
  sleep,
} from '../../lib/activity';
import { LevelLogger, type LogLevel, type LogMetadata } from '../../lib/worker/logger';

class MemoryLogger extends LevelLogger {
  readonly lines: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.lines.push({ level, message, meta });
  }
}

describe('activity context', () => {
  it('is available from Context.current() inside the activity, across awaits', async () => {
    const env = new MockActivityEnvironment({ activityId: 'a-1', attempt: 3 });
    const seen = await env.run(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.resolve();
      return { id: Context.current().info.activityId, attempt: activityInfo().attempt };
    });
    expect(seen).toEqual({ id: 'a-1', attempt: 3 });
  });

  it('is not available outside an activity', () => {
    expect(() => Context.current()).toThrow(ActivityContextError);
    expect(() => heartbeat('x')).toThrow(/only available while an activity runs/);
  });

  it('keeps concurrent activities apart', async () => {
    const envA = new MockActivityEnvironment({ activityId: 'A' });
    const envB = new MockActivityEnvironment({ activityId: 'B' });
    const readIdLater = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return activityInfo().activityId;
    };
    expect(await Promise.all([envA.run(readIdLater), envB.run(readIdLater)])).toEqual(['A', 'B']);
  });

  it('hands heartbeat details to the worker side', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details) => beats.push(details));
    await env.run(async () => {
      heartbeat({ step: 1 });
      Context.current().heartbeat({ step: 2 });
    });
    expect(beats).toEqual([{ step: 1 }, { step: 2 }]);
  });

  it('aborts the cancellation signal with a CancelledFailure carrying the reason', async () => {
    const env = new MockActivityEnvironment();
    const signal = await env.run(async () => cancellationSignal());
    expect(signal.aborted).toBe(false);
    env.cancel('TIMED_OUT');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CancelledFailure);
    expect((signal.reason as Error).message).toBe('TIMED_OUT');
  });

  it('rejects the cancelled promise on cancellation', async () => {
    const env = new MockActivityEnvironment();
    const result = env.run(async () => cancelled());
    env.cancel();
    await expect(result).rejects.toBeInstanceOf(CancelledFailure);
  });

  it('rejects cancelled() at once when the activity is already cancelled', async () => {
    const env = new MockActivityEnvironment();
    env.cancel('WORKER_SHUTDOWN');
    await expect(env.run(() => cancelled())).rejects.toThrow('WORKER_SHUTDOWN');
  });

  it('reports why the activity was cancelled', async () => {
    const env = new MockActivityEnvironment();
    expect(await env.run(async () => cancellationDetails())).toBeUndefined();
    env.cancel('CANCELLED');
    expect(env.context.cancellationDetails).toMatchObject({ cancelRequested: true, timedOut: false, workerShutdown: false });
  });

  it('keeps the first cancellation reason', () => {
    const env = new MockActivityEnvironment();
    env.cancel('CANCELLED');
    env.cancel('WORKER_SHUTDOWN');
    expect((env.context.cancellationSignal.reason as Error).message).toBe('CANCELLED');
  });

  it('sleeps for the given duration', async () => {
    const env = new MockActivityEnvironment();
    await expect(env.run(() => sleep('5ms'))).resolves.toBeUndefined();
  });

  it('interrupts sleep on cancellation with the CancelledFailure', async () => {
    const env = new MockActivityEnvironment();
    const sleeping = env.run(() => sleep('1 hour'));
    env.cancel('CANCELLED');
    await expect(sleeping).rejects.toBeInstanceOf(CancelledFailure);
  });

  it('refuses to sleep once cancelled', async () => {
    const env = new MockActivityEnvironment();
    env.cancel();
    await expect(env.run(() => sleep(1))).rejects.toBeInstanceOf(CancelledFailure);
  });

  it('logs through the worker logger with the activity ids attached', async () => {
    const logger = new MemoryLogger();
    const env = new MockActivityEnvironment({ activityId: 'a-7', activityType: 'charge' }, { logger });
    await env.run(async () => {
      log.info('charging', { amount: 5 });
    });
    expect(logger.lines).toEqual([
      { level: 'INFO', message: 'charging', meta: { activityId: 'a-7', activityType: 'charge', amount: 5 } },
    ]);
  });
});
