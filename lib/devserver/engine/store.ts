/**
 * The shape of the generic store the persistence module provides (`lib/devserver/persistence`). The
 * engine decides what to write: one `put` per changed record and one `append` per new history event,
 * all of one committed mutation in a single `commit` (one transaction).
 */
export type StoreOp =
  | { kind: 'put'; key: string; json: string }
  | { kind: 'delete'; key: string }
  | { kind: 'append'; log: string; seq: number; bytes: Uint8Array }
  /** Removes a whole log (a run's history once its retention has passed). */
  | { kind: 'deleteLog'; log: string };

export interface EngineStore {
  readLog(log: string): Uint8Array[];
  readRecord(key: string): string | undefined;
  scanRecords(prefix: string): Iterable<[string, string]>;
  commit(ops: StoreOp[]): void;
  close(): void;
}
