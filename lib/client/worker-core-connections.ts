/**
 * Which core connection a worker runs on. The Rust core refuses a second worker with overlapping
 * task types on the same client, namespace and task queue unless deployment versioning tells them
 * apart. Two `Worker`s on one `Connection` and one queue are a normal thing to want (more pollers,
 * a worker per activity set, a rolling restart in one process), so the second such worker gets a
 * sibling core connection with the same options; siblings close when their last worker ends.
 */
import type { CoreConnection } from '../core/types';

/** A core connection held for one worker; `release` once that worker has finalized. */
export interface WorkerCoreLease {
  readonly core: CoreConnection;
  release(): Promise<void>;
}

interface Slot {
  readonly core: CoreConnection;
  readonly primary: boolean;
  /** `namespace\ntaskQueue` → workers registered on this core connection. */
  readonly queues: Map<string, number>;
}

/**
 * @example
 * ```ts
 * const cores = new WorkerCoreConnections(primary, () => runtime.connect(resolvedOptions));
 * const lease = await cores.acquire('default', 'orders');
 * const worker = lease.core.createWorker(options);
 * // ... after the worker finalized:
 * await lease.release();
 * ```
 */
export class WorkerCoreConnections {
  private readonly slots: Slot[];
  /** The latest setting of each kind, replayed onto siblings opened later. */
  private readonly settings = new Map<'apiKey' | 'metadata', (core: CoreConnection) => void>();

  constructor(
    primary: CoreConnection,
    private readonly openSibling: () => Promise<CoreConnection>,
  ) {
    this.slots = [{ core: primary, primary: true, queues: new Map() }];
  }

  async acquire(namespace: string, taskQueue: string): Promise<WorkerCoreLease> {
    const key = `${namespace}\n${taskQueue}`;
    let slot = this.slots.find((candidate) => !candidate.queues.has(key));
    if (slot === undefined) {
      const core = await this.openSibling();
      for (const apply of this.settings.values()) apply(core);
      slot = { core, primary: false, queues: new Map() };
      this.slots.push(slot);
    }
    slot.queues.set(key, (slot.queues.get(key) ?? 0) + 1);
    const held = slot;
    let released = false;
    return {
      core: held.core,
      release: async () => {
        if (released) return;
        released = true;
        const count = (held.queues.get(key) ?? 1) - 1;
        if (count > 0) held.queues.set(key, count);
        else held.queues.delete(key);
        if (!held.primary && held.queues.size === 0) {
          this.slots.splice(this.slots.indexOf(held), 1);
          await held.core.close();
        }
      },
    };
  }

  /**
   * Applies a connection-wide setting (API key, metadata) to the primary and every sibling, now and
   * to siblings opened later.
   */
  update(kind: 'apiKey' | 'metadata', apply: (core: CoreConnection) => void): void {
    for (const slot of this.slots) apply(slot.core);
    this.settings.set(kind, apply);
  }

  /** Closes every sibling (the primary belongs to the `Connection`). */
  async closeSiblings(): Promise<void> {
    const siblings = this.slots.filter((slot) => !slot.primary);
    this.slots.splice(1);
    await Promise.all(siblings.map((slot) => slot.core.close()));
  }
}
