/**
 * The side-effect log of the chaos test: an SQLite file outside the dev server, written by the starter
 * (every start and signal call it makes, retries included) and by the activities in the worker
 * processes (every attempt, and every success). It is what the workflows did to the outside world,
 * read back at the end to check that nothing ran twice that must not, and nothing was lost.
 * WAL mode and a busy timeout let several processes append at once; a process SIGKILLed mid-write
 * loses at most its own unfinished row, never the file.
 */
import Database from 'better-sqlite3';

export type EffectKind = 'start-call' | 'signal-call' | 'attempt' | 'done';

export interface EffectRow {
  kind: EffectKind;
  workflowId: string;
  runId: string;
  key: string;
  attempt: number;
  pid: number;
}

export class EffectsLog {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, string, string, string, number, number]>;

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 30000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS effects (
      kind TEXT NOT NULL, workflow_id TEXT NOT NULL, run_id TEXT NOT NULL, key TEXT NOT NULL,
      attempt INTEGER NOT NULL, pid INTEGER NOT NULL)`);
    this.insert = this.db.prepare('INSERT INTO effects (kind, workflow_id, run_id, key, attempt, pid) VALUES (?, ?, ?, ?, ?, ?)');
  }

  record(row: Omit<EffectRow, 'pid'>): void {
    this.insert.run(row.kind, row.workflowId, row.runId, row.key, row.attempt, process.pid);
  }

  count(kind: EffectKind): number {
    return (this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM effects WHERE kind = ?').get(kind) as { n: number }).n;
  }

  /** How many activities `key` have succeeded. */
  countDone(key: string): number {
    return (this.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM effects WHERE kind = 'done' AND key = ?").get(key) as { n: number }).n;
  }

  rows(kind: EffectKind): EffectRow[] {
    return this.db
      .prepare<[string], { kind: EffectKind; workflow_id: string; run_id: string; key: string; attempt: number; pid: number }>(
        'SELECT kind, workflow_id, run_id, key, attempt, pid FROM effects WHERE kind = ?',
      )
      .all(kind)
      .map((r) => ({ kind: r.kind, workflowId: r.workflow_id, runId: r.run_id, key: r.key, attempt: r.attempt, pid: r.pid }));
  }

  close(): void {
    this.db.close();
  }
}
