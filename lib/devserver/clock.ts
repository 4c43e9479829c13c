/**
 * The dev server's one clock, and the deadline scheduler that keeps it in step with the records.
 *
 * Everything time-dependent in the dev server (event times, timers, timeouts, retry backoffs, schedule
 * actions, visibility times, retention) reads `Clock.now()` and waits with `Clock.wakeAt`, so a
 * clock injected at start (the system clock by default, a time-skipping clock in tests) decides what
 * "now" is for the whole server. Only gRPC call deadlines stay on `Date.now()`: the caller set them
 * on its wall clock.
 */

/** What a wake-up is for, so a time-skipping clock can tell what is worth jumping to. */
export interface WakeOptions {
  /**
   * False for housekeeping (deleting closed runs after retention): virtual time passing it still fires
   * it, but a time-skipping clock never jumps forward just to reach it. Default true.
   */
  skipTarget?: boolean;
}

/**
 * @example
 * ```ts
 * const cancel = clock.wakeAt(clock.now() + 60_000, () => console.log('a minute later'));
 * cancel(); // changed our mind
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch, as the server sees it. */
  now(): number;
  /** Calls `fire` once at or after instant `at` (clock time); the returned function cancels it. */
  wakeAt(at: number, fire: () => void, options?: WakeOptions): () => void;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Wall-clock time, with one unref'd Node timer per wake-up (an armed deadline must not keep a
 * script that stopped using the server alive; the gRPC server does that while it listens).
 */
export const systemClock: Clock = {
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

export interface Deadline {
  at: number;
  fire(): void;
  /** See {@link WakeOptions.skipTarget}; default true. */
  skipTarget?: boolean;
}

interface Armed {
  at: number;
  cancel: () => void;
}

/**
 * Durable, cancellable deadlines. Deadlines themselves live in execution records (absolute ms); this
 * keeps one clock wake-up per (owner, deadline name) in step with them. `reconcile` is called after
 * every committed mutation and after recovery, so a restarted server re-arms exactly what the records
 * say, and a cancelled deadline (a record field cleared) simply disappears.
 */
export class DeadlineScheduler {
  private readonly owners = new Map<string, Map<string, Armed>>();
  private stopped = false;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Makes the armed wake-ups of `owner` exactly `desired` (by name and instant). */
  reconcile(owner: string, desired: Map<string, Deadline>): void {
    if (this.stopped) return;
    let armed = this.owners.get(owner);
    if (!armed) {
      if (desired.size === 0) return;
      armed = new Map();
      this.owners.set(owner, armed);
    }
    for (const [name, a] of armed) {
      const want = desired.get(name);
      if (!want || want.at !== a.at) {
        a.cancel();
        armed.delete(name);
      }
    }
    for (const [name, d] of desired) {
      if (armed.has(name)) continue;
      armed.set(name, { at: d.at, cancel: this.arm(owner, name, d) });
    }
    if (armed.size === 0) this.owners.delete(owner);
  }

  private arm(owner: string, name: string, d: Deadline): () => void {
    const entry = { cancelled: false };
    const cancel = this.clock.wakeAt(
      d.at,
      () => {
        const armed = this.owners.get(owner);
        if (entry.cancelled || !armed || armed.get(name)?.cancel !== wrapped) return;
        armed.delete(name);
        if (armed.size === 0) this.owners.delete(owner);
        d.fire();
      },
      { skipTarget: d.skipTarget ?? true },
    );
    const wrapped = (): void => {
      entry.cancelled = true;
      cancel();
    };
    return wrapped;
  }

  stop(): void {
    this.stopped = true;
    for (const armed of this.owners.values()) for (const a of armed.values()) a.cancel();
    this.owners.clear();
  }
}
