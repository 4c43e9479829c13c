import { MemoryStore } from './memory-store';
import { SqliteStore } from './sqlite-store';
import type { DevServerStore } from './types';

export { type DevServerStore, DevServerStoreError, type StoreOp } from './types';
export { MemoryStore } from './memory-store';
export { SqliteStore } from './sqlite-store';

/**
 * Opens the dev server's store: SQLite at `dbPath` (created if missing), or an in-memory store
 * when no path is given. Both behave the same; only SQLite survives the process.
 *
 * @throws DevServerStoreError naming the path when the database cannot be opened or created.
 * @example
 * ```ts
 * const store = openStore(options.dbPath); // undefined → in memory
 * const { records, logs } = store.load();
 * ```
 */
export function openStore(dbPath?: string): DevServerStore {
  return dbPath === undefined || dbPath === '' ? new MemoryStore() : new SqliteStore(dbPath);
}
