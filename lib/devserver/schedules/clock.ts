import { systemClock, type Clock } from '../clock';

/**
 * A clock for schedule tests. The system clock follows Date.now(); a ManualClock lets a test move
 * time forward (hours or days in an instant) and fires every schedule wake-up that falls due, so
 * time-dependent schedule behaviour is tested without waiting for wall-clock minutes.
 */

/** Schedules run on the dev server's clock (lib/devserver/clock.ts); a ManualClock is one too. */
export type ScheduleClock = Clock;
export { systemClock };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private readonly waiters = new Set<{ at: number; fire: () => void }>();

  constructor(private current: number = Date.now()) {}

  now(): number {
    return this.current;
  }

  wakeAt(at: number, fire: () => void): () => void {
    const w = { at, fire };
    this.waiters.add(w);
    return () => this.waiters.delete(w);
  }

  /** Moves to `instant` (never backwards), firing due wake-ups in time order as it passes them. */
  set(instant: number): void {
    for (;;) {
      let first: { at: number; fire: () => void } | undefined;
      for (const w of this.waiters) if (w.at <= instant && (!first || w.at < first.at)) first = w;
      if (!first) break;
      this.waiters.delete(first);
      this.current = Math.max(this.current, first.at);
      first.fire();
    }
    this.current = Math.max(this.current, instant);
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }
}
