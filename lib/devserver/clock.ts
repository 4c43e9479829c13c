/**
 * Durable, cancellable deadlines. Deadlines themselves live in execution records (absolute ms); this
 * module only keeps one Node timer per (owner, deadline name) in step with them. `reconcile` is called
 * after every committed mutation and after recovery, so a restarted server re-arms exactly what the
 * records say, and a cancelled deadline (a record field cleared) simply disappears.
 */

/** setTimeout cannot wait longer than 2^31-1 ms; longer deadlines are re-checked at that interval. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export interface Deadline {
  at: number;
  fire(): void;
}

interface Armed {
  at: number;
  timer: NodeJS.Timeout;
}

export class DeadlineScheduler {
  private readonly owners = new Map<string, Map<string, Armed>>();
  private stopped = false;

  /** Makes the armed timers of `owner` exactly `desired` (by name and instant). */
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
        clearTimeout(a.timer);
        armed.delete(name);
      }
    }
    for (const [name, d] of desired) {
      if (armed.has(name)) continue;
      armed.set(name, { at: d.at, timer: this.arm(owner, name, d) });
    }
    if (armed.size === 0) this.owners.delete(owner);
  }

  private arm(owner: string, name: string, d: Deadline): NodeJS.Timeout {
    const delay = Math.min(Math.max(0, d.at - Date.now()), MAX_TIMEOUT_MS);
    const timer = setTimeout(() => {
      const armed = this.owners.get(owner);
      if (!armed || armed.get(name)?.timer !== timer) return;
      if (Date.now() < d.at) {
        armed.set(name, { at: d.at, timer: this.arm(owner, name, d) });
        return;
      }
      armed.delete(name);
      if (armed.size === 0) this.owners.delete(owner);
      d.fire();
    }, delay);
    return timer;
  }

  stop(): void {
    this.stopped = true;
    for (const armed of this.owners.values()) for (const a of armed.values()) clearTimeout(a.timer);
    this.owners.clear();
  }
}
