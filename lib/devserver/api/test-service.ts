/**
 * `temporal.api.testservice.v1.TestService` over a time-skipping clock: the lock counter, sleeps in
 * virtual time and the current virtual time, as the official test server answers them. Served only
 * by a dev server started with time skipping.
 */
import { durationToMs, msToTimestamp, timestampToMs } from '../codec';
import { failedPrecondition, invalidArgument, ServiceError } from '../errors';
import { TimeSkippingClock, TimeSkippingNotLockedError } from '../time-skipping-clock';
import type { CallContext, TestServiceHandlers } from '../transport';
import * as grpc from '@grpc/grpc-js';

function unlock(clock: TimeSkippingClock): void {
  try {
    clock.unlock();
  } catch (err) {
    if (err instanceof TimeSkippingNotLockedError) throw failedPrecondition(err.message);
    throw err;
  }
}

/** Waits (in virtual time) until `at`; a cancelled call or a stopping server ends the wait with CANCELLED. */
async function sleepUntil(clock: TimeSkippingClock, at: number, ctx: CallContext): Promise<void> {
  const abort = new AbortController();
  ctx.onCancel(() => abort.abort(new ServiceError(grpc.status.CANCELLED, 'sleep cancelled')));
  await clock.sleepUntil(at, abort.signal);
}

export function testServiceHandlers(clock: TimeSkippingClock): TestServiceHandlers {
  return {
    async lockTimeSkipping() {
      clock.lock();
      return {};
    },

    async unlockTimeSkipping() {
      unlock(clock);
      return {};
    },

    async sleep(req, ctx) {
      await sleepUntil(clock, clock.now() + durationToMs(req.duration, 'duration'), ctx);
      return {};
    },

    async sleepUntil(req, ctx) {
      if (!req.timestamp) throw invalidArgument('timestamp is not set');
      await sleepUntil(clock, timestampToMs(req.timestamp), ctx);
      return {};
    },

    async unlockTimeSkippingWithSleep(req, ctx) {
      const ms = durationToMs(req.duration, 'duration');
      unlock(clock);
      try {
        await sleepUntil(clock, clock.now() + ms, ctx);
      } finally {
        clock.lock();
      }
      return {};
    },

    async getCurrentTime() {
      return { time: msToTimestamp(clock.now()) };
    },
  };
}
