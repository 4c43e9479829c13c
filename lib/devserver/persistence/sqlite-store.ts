import type Database from 'better-sqlite3';

/**
 * better-sqlite3 is a native module; it is loaded when the first SQLite store opens, so a dev server
 * without `--db` (and an SDK user who never starts one) never loads it.
 */
function openDatabase(path: string): Database.Database {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const open = require('better-sqlite3') as typeof Database;
  return new open(path);
}
import { type DevServerStore, DevServerStoreError, type StoreOp } from './types';
import { duplicateEntryError, validateOps } from './validate-ops';

const SCHEMA_VERSION = '1';

/**
 * SQLite-backed store (better-sqlite3), used with `--db FILE`.
 *
 * Durability: WAL journal with `synchronous = NORMAL`. A commit has been written to the WAL file
 * (in the OS page cache) when `commit` returns, so it survives the server process being killed,
 * SIGKILL included; only an OS crash or power loss can drop the last few commits, and never
 * corrupts the file. `FULL` would add an fsync to every commit, which would bound workflow
 * throughput by disk latency for a guarantee a dev server does not need.
 *
 * @example
 * ```ts
 * const store = new SqliteStore('/tmp/dev.db');
 * store.commit([{ kind: 'append', log: 'h/1', seq: 1, bytes: new Uint8Array([1]) }]);
 * store.close();
 * ```
 */
export class SqliteStore implements DevServerStore {
  private readonly db: Database.Database;
  private readonly putStmt: Database.Statement<[string, string]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly appendStmt: Database.Statement<[string, number, Uint8Array]>;
  private readonly deleteLogStmt: Database.Statement<[string]>;
  private readonly selectLog: Database.Statement<[string], [Buffer]>;
  private readonly selectRecords: Database.Statement<[], [string, string]>;
  private readonly selectRecord: Database.Statement<[string], [string]>;
  private readonly selectRecordRange: Database.Statement<[string, string], [string, string]>;
  private readonly selectLogs: Database.Statement<[], [string, number, Buffer]>;
  private readonly applyBatch: (ops: StoreOp[]) => void;
  private closed = false;

  constructor(readonly path: string) {
    let db: Database.Database | undefined;
    try {
      db = openDatabase(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Another process (e.g. a server being stopped) may briefly hold the write lock.
      db.pragma('busy_timeout = 5000');
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS logs (
          log TEXT NOT NULL, seq INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (log, seq)
        ) WITHOUT ROWID;
      `);
      const version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE name = 'schema_version'").get();
      if (version === undefined) {
        db.prepare("INSERT INTO meta (name, value) VALUES ('schema_version', ?)").run(SCHEMA_VERSION);
      } else if (version.value !== SCHEMA_VERSION) {
        throw new Error(`unsupported schema version ${version.value} (expected ${SCHEMA_VERSION})`);
      }
    } catch (err) {
      db?.close();
      const reason = err instanceof Error ? err.message : String(err);
      throw new DevServerStoreError(`cannot open dev-server database ${path}: ${reason}`, { cause: err });
    }
    this.db = db;
    this.putStmt = db.prepare(
      'INSERT INTO records (key, json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET json = excluded.json',
    );
    this.deleteStmt = db.prepare('DELETE FROM records WHERE key = ?');
    this.appendStmt = db.prepare('INSERT INTO logs (log, seq, bytes) VALUES (?, ?, ?)');
    this.deleteLogStmt = db.prepare('DELETE FROM logs WHERE log = ?');
    this.selectLog = db.prepare<[string], [Buffer]>('SELECT bytes FROM logs WHERE log = ? ORDER BY seq').raw(true);
    this.selectRecords = db.prepare<[], [string, string]>('SELECT key, json FROM records').raw(true);
    this.selectRecord = db.prepare<[string], [string]>('SELECT json FROM records WHERE key = ?').raw(true);
    this.selectRecordRange = db.prepare<[string, string], [string, string]>('SELECT key, json FROM records WHERE key >= ? AND key < ? ORDER BY key').raw(true);
    this.selectLogs = db.prepare<[], [string, number, Buffer]>('SELECT log, seq, bytes FROM logs ORDER BY log, seq').raw(true);
    this.applyBatch = db.transaction((ops: StoreOp[]) => {
      for (const op of ops) {
        switch (op.kind) {
          case 'put':
            this.putStmt.run(op.key, op.json);
            break;
          case 'delete':
            this.deleteStmt.run(op.key);
            break;
          case 'append':
            try {
              this.appendStmt.run(op.log, op.seq, op.bytes);
            } catch (err) {
              if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
                throw duplicateEntryError(op.log, op.seq, err);
              }
              throw err;
            }
            break;
          case 'deleteLog':
            this.deleteLogStmt.run(op.log);
            break;
        }
      }
    });
  }

  load(): { records: Map<string, string>; logs: Map<string, Uint8Array[]> } {
    this.ensureOpen();
    const records = new Map<string, string>();
    for (const [key, json] of this.selectRecords.iterate()) records.set(key, json);
    const logs = new Map<string, Uint8Array[]>();
    let current: Uint8Array[] | undefined;
    let currentLog: string | undefined;
    for (const [log, , bytes] of this.selectLogs.iterate()) {
      if (log !== currentLog) {
        currentLog = log;
        logs.set(log, (current = []));
      }
      (current as Uint8Array[]).push(bytes);
    }
    return { records, logs };
  }

  readLog(log: string): Uint8Array[] {
    this.ensureOpen();
    return this.selectLog.all(log).map(([bytes]) => bytes);
  }

  readRecord(key: string): string | undefined {
    this.ensureOpen();
    return this.selectRecord.get(key)?.[0];
  }

  scanRecords(prefix: string): Iterable<[string, string]> {
    this.ensureOpen();
    // The keys that start with `prefix` are exactly those in [prefix, prefix with its last character
    // incremented), an index range rather than a scan of the table.
    const last = prefix.charCodeAt(prefix.length - 1);
    const end = prefix.length === 0 ? '\u{10ffff}' : prefix.slice(0, -1) + String.fromCharCode(last + 1);
    return this.selectRecordRange.all(prefix, end);
  }

  commit(ops: StoreOp[]): void {
    this.ensureOpen();
    validateOps(ops);
    if (ops.length === 0) return;
    try {
      this.applyBatch(ops);
    } catch (err) {
      if (err instanceof DevServerStoreError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new DevServerStoreError(`commit to dev-server database ${this.path} failed: ${reason}`, { cause: err });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new DevServerStoreError(`the dev-server database ${this.path} is closed`);
  }
}
