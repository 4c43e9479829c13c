/**
 * A clock whose time can skip ahead, with the semantics of the official (Java) test server: virtual
 * time runs at wall-clock pace, and while time skipping is unlocked (lock count 0) and the server is
 * idle (nothing in flight, see engine/in-flight.ts), it jumps straight to the next wake-up that is a
 * skip target (a timer, a timeout, a retry backoff, a schedule action, a sleeping TestService caller)
 * and fires everything due by then. The lock count starts at 1, so time only skips while a client
 * unlocks it (around `handle.result()`, or `UnlockTimeSkippingWithSleep`).
 */
import { MAX_TIMEOUT_MS, type Clock, type WakeOptions } from './clock';

interface Waiter {
  at: number;
  fire: () => void;
  skipTarget: boolean;
}

/** Raised by {@link TimeSkippingClock.unlock} when the lock count is already 0. */
export class TimeSkippingNotLockedError extends Error {
  override get name(): string {
    return 'TimeSkippingNotLockedError';
  }
}

/**
 * @example
 * ```ts
 * const clock = new TimeSkippingClock();
 * const server = await startDevServer({ clock });
 * clock.unlock(); // from now on idle periods are skipped
 * ```
 */
export class TimeSkippingClock implements Clock {
  /** Virtual time minus wall-clock time. */
  private offset = 0;
  private locks = 1;
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private checkQueued = false;
  private idle: () => boolean = () => true;
  private stopped = false;
  private firing = false;

  constructor(private readonly log: (message: string) => void = (m) => console.error(m)) {}

  now(): number {
    return Date.now() + this.offset;
  }

  /** How many holders keep time from skipping; 0 means it skips whenever the server is idle. */
  get lockCount(): number {
    return this.locks;
  }

  wakeAt(at: number, fire: () => void, options?: WakeOptions): () => void {
    const waiter: Waiter = { at, fire, skipTarget: options?.skipTarget ?? true };
    if (this.stopped) return () => undefined;
    this.waiters.add(waiter);
    this.rearm();
    this.requestSkip();
    return () => {
      if (this.waiters.delete(waiter)) this.rearm();
    };
  }

  /** Tells the clock how to see whether the server has work in flight (no skipping while it has). */
  setIdleProbe(idle: () => boolean): void {
    this.idle = idle;
  }

  /** The server's state changed: time may be able to skip now. */
  stateChanged(): void {
    this.requestSkip();
  }

  lock(): void {
    this.locks++;
  }

  /** Throws {@link TimeSkippingNotLockedError} when nothing holds the lock. */
  unlock(): void {
    if (this.locks === 0) throw new TimeSkippingNotLockedError('time skipping is not locked: every UnlockTimeSkipping must follow a LockTimeSkipping');
    this.locks--;
    this.requestSkip();
  }

  /**
   * Resolves once virtual time reaches `at` (a skip target, so an unlocked idle server jumps to it),
   * or rejects with `signal`'s reason when it aborts first.
   */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.now() >= at) return resolve();
      const cancel = this.wakeAt(at, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = (): void => {
        cancel();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('sleep aborted'));
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Drops every wake-up and the wall-clock timer (the server is stopping). */
  stop(): void {
    this.stopped = true;
    this.waiters.clear();
    this.rearm();
  }

  // Skips are checked on the next turn of the event loop, not inside the transaction that changed
  // the state, so a deadline never fires in the middle of another one's commit.
  private requestSkip(): void {
    if (this.checkQueued || this.stopped || this.locks > 0) return;
    this.checkQueued = true;
    setImmediate(() => {
      this.checkQueued = false;
      this.skip();
    });
  }

  private skip(): void {
    if (this.stopped || this.locks > 0 || this.firing) return;
    let idle: boolean;
    try {
      idle = this.idle();
    } catch (err) {
      this.log(`dev server: time skipping idle check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return;
    }
    if (!idle) return;
    let next: Waiter | undefined;
    for (const w of this.waiters) if (w.skipTarget && (!next || w.at < next.at)) next = w;
    if (!next) return;
    if (next.at > this.now()) this.offset = next.at - Date.now();
    this.fireDue();
    this.requestSkip();
  }

  /** Fires every wake-up due by now, earliest first (a fired one may add or cancel others). */
  private fireDue(): void {
    if (this.firing) return;
    this.firing = true;
    try {
      for (;;) {
        const now = this.now();
        let first: Waiter | undefined;
        for (const w of this.waiters) if (w.at <= now && (!first || w.at < first.at)) first = w;
        if (!first) break;
        this.waiters.delete(first);
        try {
          first.fire();
        } catch (err) {
          this.log(`dev server: a clock wake-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        }
      }
    } finally {
      this.firing = false;
    }
    this.rearm();
  }

  /** Keeps one unref'd wall-clock timer for the earliest wake-up, so time passing on its own fires it too. */
  private rearm(): void {
    let earliest = Infinity;
    for (const w of this.waiters) earliest = Math.min(earliest, w.at);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (earliest === Infinity || this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.fireDue();
        this.requestSkip();
      },
      Math.min(Math.max(0, earliest - this.now()), MAX_TIMEOUT_MS),
    );
    this.timer.unref?.();
  }
}
