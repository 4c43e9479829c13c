import { type DevServerStore, DevServerStoreError, type StoreOp } from './types';
import { duplicateEntryError, validateOps } from './validate-ops';

interface Entry {
  seq: number;
  bytes: Uint8Array;
}

/**
 * The store used without `--db`: nothing touches the disk, but committed data is kept so that
 * `load()` in the same process sees it, with the same all-or-nothing and duplicate rules as SQLite.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * store.commit([{ kind: 'put', key: 'k', json: '{}' }]);
 * store.load().records.get('k'); // '{}'
 * ```
 */
export class MemoryStore implements DevServerStore {
  private readonly records = new Map<string, string>();
  private readonly logs = new Map<string, Entry[]>();
  private closed = false;

  load(): { records: Map<string, string>; logs: Map<string, Uint8Array[]> } {
    this.ensureOpen();
    const logs = new Map<string, Uint8Array[]>();
    for (const [name, entries] of this.logs) logs.set(name, entries.map((e) => e.bytes.slice()));
    return { records: new Map(this.records), logs };
  }

  readLog(log: string): Uint8Array[] {
    this.ensureOpen();
    return (this.logs.get(log) ?? []).map((e) => e.bytes.slice());
  }

  readRecord(key: string): string | undefined {
    this.ensureOpen();
    return this.records.get(key);
  }

  scanRecords(prefix: string): Iterable<[string, string]> {
    this.ensureOpen();
    return [...this.records].filter(([key]) => key.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  commit(ops: StoreOp[]): void {
    this.ensureOpen();
    validateOps(ops);
    // Check every append first so a duplicate leaves the store untouched.
    const pending = new Map<string, Set<number>>();
    for (const op of ops) {
      if (op.kind !== 'append') continue;
      let seen = pending.get(op.log);
      if (!seen) pending.set(op.log, (seen = new Set()));
      if (seen.has(op.seq) || this.hasEntry(op.log, op.seq)) throw duplicateEntryError(op.log, op.seq);
      seen.add(op.seq);
    }
    for (const op of ops) {
      switch (op.kind) {
        case 'put':
          this.records.set(op.key, op.json);
          break;
        case 'delete':
          this.records.delete(op.key);
          break;
        case 'append':
          this.append(op.log, { seq: op.seq, bytes: op.bytes.slice() });
          break;
        case 'deleteLog':
          this.logs.delete(op.log);
          break;
      }
    }
  }

  close(): void {
    this.closed = true;
  }

  private hasEntry(log: string, seq: number): boolean {
    const entries = this.logs.get(log);
    if (!entries) return false;
    return entries[this.insertionIndex(entries, seq)]?.seq === seq;
  }

  private append(log: string, entry: Entry): void {
    let entries = this.logs.get(log);
    if (!entries) this.logs.set(log, (entries = []));
    const last = entries[entries.length - 1];
    // Logs almost always grow at the end; keep that path O(1).
    if (last === undefined || last.seq < entry.seq) entries.push(entry);
    else entries.splice(this.insertionIndex(entries, entry.seq), 0, entry);
  }

  /** First index whose seq is >= `seq` (binary search; entries are sorted by seq). */
  private insertionIndex(entries: Entry[], seq: number): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((entries[mid] as Entry).seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensureOpen(): void {
    if (this.closed) throw new DevServerStoreError('the in-memory dev-server store is closed');
  }
}
