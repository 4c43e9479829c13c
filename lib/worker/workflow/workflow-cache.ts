import { getHeapStatistics } from 'node:v8';

/** Why the cache let go of a workflow. */
export type EvictionReason =
  | 'cache-full'
  | 'memory-pressure'
  /** The workflow changed shared realm state and moves to a realm of its own. */
  | 'isolation-change'
  /** A runaway call poisoned the shared realm; every execution in it is replayed elsewhere. */
  | 'realm-reset';

export interface Disposable {
  dispose(): void;
}

export interface WorkflowCacheOptions<T extends Disposable> {
  /** Most workflows kept at once (`maxCachedWorkflows`). 0 keeps none between activations. */
  maxEntries: number;
  /** Heap usage (bytes) above which idle workflows are evicted, least recently used first. */
  maxHeapBytes: number;
  /** Told about every eviction the cache decides on its own (not about `delete`). */
  onEvict: (runId: string, entry: T, reason: EvictionReason) => void;
  /** Heap bytes in use; injectable so the budget logic can be exercised deterministically. */
  heapUsed?: () => number;
  /** Shortest interval between two heap measurements in {@link WorkflowCache.trim} (default 100 ms). */
  heapCheckIntervalMs?: number;
}

/** The default memory budget: 70 % of the V8 heap limit, leaving room for the activation in flight. */
export function defaultMaxHeapBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit * 0.7);
}

/**
 * The workflow cache: an LRU bounded both by entry count and by a heap budget. A workflow that is
 * running an activation is pinned and never evicted; a budget overrun evicts idle workflows instead
 * of letting the process run out of memory. Evicted entries are disposed here and reported through
 * `onEvict` so the caller can tell the core (`requestWorkflowEviction`).
 *
 * @example
 * ```ts
 * const cache = new WorkflowCache<WorkflowInstance>({
 *   maxEntries: 1000, maxHeapBytes: defaultMaxHeapBytes(),
 *   onEvict: (runId) => coreWorker.requestWorkflowEviction(runId),
 * });
 * ```
 */
export class WorkflowCache<T extends Disposable> {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  private readonly entries = new Map<string, T>();
  private readonly pinned = new Map<string, number>();
  private readonly heapUsed: () => number;
  private lastHeapCheck = -Infinity;

  constructor(private readonly options: WorkflowCacheOptions<T>) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new RangeError(`'maxCachedWorkflows' must be a non-negative integer, got ${options.maxEntries}`);
    }
    if (!(options.maxHeapBytes > 0)) {
      throw new RangeError(`'maxHeapBytes' must be a positive number of bytes, got ${options.maxHeapBytes}`);
    }
    this.heapUsed = options.heapUsed ?? (() => getHeapStatistics().used_heap_size);
  }

  get size(): number {
    return this.entries.size;
  }

  has(runId: string): boolean {
    return this.entries.has(runId);
  }

  /** The entry, marked most recently used. */
  get(runId: string): T | undefined {
    const entry = this.entries.get(runId);
    if (entry !== undefined) {
      this.entries.delete(runId);
      this.entries.set(runId, entry);
    }
    return entry;
  }

  /** Adds an entry as most recently used. Call {@link trim} once it is unpinned. */
  set(runId: string, entry: T): void {
    this.entries.delete(runId);
    this.entries.set(runId, entry);
  }

  /** Keeps `runId` from being evicted while an activation runs; pins nest. */
  pin(runId: string): void {
    this.pinned.set(runId, (this.pinned.get(runId) ?? 0) + 1);
  }

  unpin(runId: string): void {
    const count = (this.pinned.get(runId) ?? 0) - 1;
    if (count > 0) this.pinned.set(runId, count);
    else this.pinned.delete(runId);
  }

  /** Removes and disposes an entry at the caller's request (the core evicted it). No `onEvict`. */
  delete(runId: string): boolean {
    const entry = this.entries.get(runId);
    if (entry === undefined) return false;
    this.entries.delete(runId);
    entry.dispose();
    return true;
  }

  /**
   * Evicts idle entries, least recently used first, until the count fits and the heap is under
   * budget. Returns the run ids evicted.
   */
  trim(): string[] {
    const evicted: string[] = [];
    while (this.entries.size > this.options.maxEntries) {
      const victim = this.evictOne('cache-full');
      if (victim === undefined) break;
      evicted.push(victim);
    }
    // Measuring the heap is not free; once per interval is plenty to catch growth.
    const now = performance.now();
    if (now - this.lastHeapCheck < (this.options.heapCheckIntervalMs ?? 100)) return evicted;
    this.lastHeapCheck = now;
    const used = this.heapUsed();
    if (used > this.options.maxHeapBytes && this.entries.size > 0) {
      // Heap usage only drops after a GC, so size the eviction from the average cost of an entry
      // instead of re-measuring after each one.
      const perEntry = used / this.entries.size;
      let excess = used - this.options.maxHeapBytes;
      while (excess > 0) {
        const victim = this.evictOne('memory-pressure');
        if (victim === undefined) break;
        evicted.push(victim);
        excess -= perEntry;
      }
    }
    return evicted;
  }

  /** Removes and disposes an entry the caller decided to drop, and reports it through `onEvict`. */
  evict(runId: string, reason: EvictionReason): boolean {
    const entry = this.entries.get(runId);
    if (entry === undefined) return false;
    this.entries.delete(runId);
    try {
      entry.dispose();
    } finally {
      this.options.onEvict(runId, entry, reason);
    }
    return true;
  }

  /** Run ids whose entry satisfies `predicate`, without touching recency. */
  findRunIds(predicate: (entry: T) => boolean): string[] {
    return [...this.entries].filter(([, entry]) => predicate(entry)).map(([runId]) => runId);
  }

  /** Disposes every entry (worker shutdown). Returns their run ids. */
  clear(): string[] {
    const runIds = [...this.entries.keys()];
    for (const runId of runIds) this.delete(runId);
    return runIds;
  }

  private evictOne(reason: EvictionReason): string | undefined {
    for (const [runId, entry] of this.entries) {
      if (this.pinned.has(runId)) continue;
      this.entries.delete(runId);
      try {
        entry.dispose();
      } finally {
        this.options.onEvict(runId, entry, reason);
      }
      return runId;
    }
    return undefined;
  }
}
