/**
 * The clock schedules run on. The system clock follows Date.now(); a ManualClock lets a test move
 * time forward (hours or days in an instant) and fires every schedule wake-up that falls due, so
 * time-dependent schedule behaviour is tested without waiting for wall-clock minutes.
 */

export interface ScheduleClock {
  now(): number;
  /** Calls `fire` once at or after instant `at`; the returned function cancels it. */
  wakeAt(at: number, fire: () => void): () => void;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export const systemClock: ScheduleClock = {
  now: () => Date.now(),
  wakeAt(at, fire) {
    let timer: NodeJS.Timeout;
    const arm = (): void => {
      timer = setTimeout(
        () => {
          if (Date.now() < at) arm();
          else fire();
        },
        Math.min(Math.max(0, at - Date.now()), MAX_TIMEOUT_MS),
      );
      timer.unref?.();
    };
    arm();
    return () => clearTimeout(timer);
  },
};

/** A clock that only moves when told to. */
export class ManualClock implements ScheduleClock {
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
