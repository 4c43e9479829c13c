/**
 * The dev server's time-skipping clock on its own: the lock counter, jumps only while unlocked and
 * idle, and housekeeping wake-ups that time passes but never jumps to.
 */
import { describe, expect, it } from 'vitest';
import { TimeSkippingClock, TimeSkippingNotLockedError } from '../../lib/devserver/time-skipping-clock';

const DAY = 86_400_000;

/** Resolves after the clock's queued skip check (it runs on the next turn of the event loop). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function fired(clock: TimeSkippingClock, at: number, skipTarget = true): { done: boolean; cancel: () => void } {
  const state = { done: false, cancel: () => undefined as void };
  state.cancel = clock.wakeAt(at, () => (state.done = true), { skipTarget });
  return state;
}

describe('TimeSkippingClock', () => {
  it('starts locked: a wake-up a day away does not fire by itself', async () => {
    const clock = new TimeSkippingClock();
    const wake = fired(clock, clock.now() + DAY);
    await nextTurn();
    await nextTurn();
    expect(clock.lockCount).toBe(1);
    expect(wake.done).toBe(false);
    clock.stop();
  });

  it('jumps to the next wake-up once unlocked, and time stays there', async () => {
    const clock = new TimeSkippingClock();
    const target = clock.now() + 30 * DAY;
    const wake = fired(clock, target);
    clock.unlock();
    await nextTurn();
    expect(wake.done).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(target);
    clock.stop();
  });

  it('does not jump while the server has work in flight, and jumps once it is idle', async () => {
    const clock = new TimeSkippingClock();
    let busy = true;
    clock.setIdleProbe(() => !busy);
    const wake = fired(clock, clock.now() + DAY);
    clock.unlock();
    await nextTurn();
    expect(wake.done).toBe(false);
    busy = false;
    clock.stateChanged();
    await nextTurn();
    expect(wake.done).toBe(true);
    clock.stop();
  });

  it('needs every lock released: two locks, one unlock, no jump', async () => {
    const clock = new TimeSkippingClock();
    clock.lock();
    const wake = fired(clock, clock.now() + DAY);
    clock.unlock();
    await nextTurn();
    expect(wake.done).toBe(false);
    clock.unlock();
    await nextTurn();
    expect(wake.done).toBe(true);
    clock.stop();
  });

  it('refuses an unlock with no lock held', () => {
    const clock = new TimeSkippingClock();
    clock.unlock();
    expect(() => clock.unlock()).toThrow(TimeSkippingNotLockedError);
    clock.stop();
  });

  it('never jumps to a housekeeping wake-up, but fires it when a jump passes it', async () => {
    const clock = new TimeSkippingClock();
    const housekeeping = fired(clock, clock.now() + DAY, false);
    clock.unlock();
    await nextTurn();
    expect(housekeeping.done).toBe(false);
    const later = fired(clock, clock.now() + 2 * DAY);
    await nextTurn();
    expect(later.done).toBe(true);
    expect(housekeeping.done).toBe(true);
    clock.stop();
  });

  it('fires wake-ups in time order when one jump passes several', async () => {
    const clock = new TimeSkippingClock();
    const order: string[] = [];
    const now = clock.now();
    clock.wakeAt(now + 2 * DAY, () => order.push('second'));
    clock.wakeAt(now + DAY, () => {
      order.push('first');
      // Fired first, it arms one more between the two; the clock reaches it in order too.
      clock.wakeAt(now + 1.5 * DAY, () => order.push('added'));
    });
    clock.unlock();
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(order).toEqual(['first', 'added', 'second']);
    clock.stop();
  });

  it('does not fire a cancelled wake-up', async () => {
    const clock = new TimeSkippingClock();
    const cancelled = fired(clock, clock.now() + DAY);
    const kept = fired(clock, clock.now() + 2 * DAY);
    cancelled.cancel();
    clock.unlock();
    await nextTurn();
    expect(cancelled.done).toBe(false);
    expect(kept.done).toBe(true);
    clock.stop();
  });

  it('sleepUntil resolves when a jump reaches the instant, and an abort ends it early', async () => {
    const clock = new TimeSkippingClock();
    const ac = new AbortController();
    const aborted = clock.sleepUntil(clock.now() + DAY, ac.signal);
    ac.abort(new Error('cancelled by the caller'));
    await expect(aborted).rejects.toThrow('cancelled by the caller');
    const target = clock.now() + 7 * DAY;
    const sleeping = clock.sleepUntil(target);
    clock.unlock();
    await sleeping;
    expect(clock.now()).toBeGreaterThanOrEqual(target);
    clock.stop();
  });
});
