/** One change in a {@link DevServerStore.commit} batch. */
export type StoreOp =
  | { kind: 'put'; key: string; json: string }
  | { kind: 'delete'; key: string }
  | { kind: 'append'; log: string; seq: number; bytes: Uint8Array }
  /** Removes a whole log (a run's history once its retention has passed). */
  | { kind: 'deleteLog'; log: string };

/**
 * Durable key/value records plus append-only byte logs (one per history, for instance). The engine
 * decides what to write; the store only guarantees that a batch is applied entirely or not at all.
 *
 * @example
 * ```ts
 * const store = openStore('/tmp/dev.db');
 * store.commit([
 *   { kind: 'put', key: 'exec/default/wf-1', json: '{"status":1}' },
 *   { kind: 'append', log: 'history/default/wf-1/run-1', seq: 1, bytes: eventBytes },
 * ]);
 * const { records, logs } = store.load();
 * store.close();
 * ```
 */
export interface DevServerStore {
  /** Everything stored: records by key, and each log's entries ordered by `seq`. */
  load(): { records: Map<string, string>; logs: Map<string, Uint8Array[]> };
  /** One log's entries ordered by `seq` (empty when there is no such log). */
  readLog(log: string): Uint8Array[];
  /** One record's JSON, or undefined when there is none. */
  readRecord(key: string): string | undefined;
  /** Every record whose key starts with `prefix`, as `[key, json]` pairs in key order. */
  scanRecords(prefix: string): Iterable<[string, string]>;
  /**
   * Applies the batch in one transaction, all or nothing. A `(log, seq)` pair that already exists
   * (or repeats within the batch) is an error naming both, and nothing of the batch is applied.
   */
  commit(ops: StoreOp[]): void;
  /** Releases the store; later calls throw. Closing twice is harmless. */
  close(): void;
}

/**
 * A store failure: a database that cannot be opened (naming the path), a malformed op (naming its
 * index and field), a duplicate log entry (naming log and seq), or use after close.
 *
 * @example
 * ```ts
 * try { openStore('/no/such/dir/dev.db'); } catch (e) {
 *   if (e instanceof DevServerStoreError) console.error(e.message); // names /no/such/dir/dev.db
 * }
 * ```
 */
export class DevServerStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  override get name(): string {
    return 'DevServerStoreError';
  }
}
