import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DevServerStore,
  DevServerStoreError,
  MemoryStore,
  openStore,
  SqliteStore,
  type StoreOp,
} from '../../lib/devserver/persistence';

const dir = mkdtempSync(join(tmpdir(), 'devserver-store-'));
let counter = 0;
const freshPath = (): string => join(dir, `store-${++counter}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function storeError(fn: () => unknown): DevServerStoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DevServerStoreError);
    return err as DevServerStoreError;
  }
  throw new Error('expected a DevServerStoreError');
}

const kinds: Array<[string, () => DevServerStore]> = [
  ['in-memory store', () => openStore()],
  ['SQLite store', () => openStore(freshPath())],
];

describe.each(kinds)('%s', (_name, open) => {
  it('starts empty', () => {
    const store = open();
    expect(store.load()).toEqual({ records: new Map(), logs: new Map() });
    store.close();
  });

  it('round-trips records and logs', () => {
    const store = open();
    store.commit([
      { kind: 'put', key: 'exec/1', json: '{"a":1}' },
      { kind: 'append', log: 'history/1', seq: 1, bytes: bytes(1, 2) },
      { kind: 'append', log: 'history/1', seq: 2, bytes: bytes(3) },
      { kind: 'append', log: 'history/2', seq: 1, bytes: bytes() },
    ]);
    const { records, logs } = store.load();
    expect(records).toEqual(new Map([['exec/1', '{"a":1}']]));
    expect(logs.get('history/1')?.map((b) => [...b])).toEqual([[1, 2], [3]]);
    expect(logs.get('history/2')?.map((b) => [...b])).toEqual([[]]);
    store.close();
  });

  it('reads one record by key, and undefined for a key it does not hold', () => {
    const store = open();
    store.commit([{ kind: 'put', key: 'run/a/1', json: '{"a":1}' }]);
    expect(store.readRecord('run/a/1')).toBe('{"a":1}');
    expect(store.readRecord('run/a/2')).toBeUndefined();
    store.close();
  });

  it('scans the records under a key prefix in key order, and nothing beyond it', () => {
    const store = open();
    store.commit(
      ['run/b/2', 'run/a/1', 'run/b/1', 'run/b0/1', 'run/b', 'current/b/1'].map((key) => ({ kind: 'put' as const, key, json: JSON.stringify(key) })),
    );
    expect([...store.scanRecords('run/b/')]).toEqual([
      ['run/b/1', '"run/b/1"'],
      ['run/b/2', '"run/b/2"'],
    ]);
    expect([...store.scanRecords('run/c/')]).toEqual([]);
    store.close();
  });

  it('overwrites a record on a second put', () => {
    const store = open();
    store.commit([{ kind: 'put', key: 'k', json: '1' }]);
    store.commit([{ kind: 'put', key: 'k', json: '2' }]);
    expect(store.load().records.get('k')).toBe('2');
    store.close();
  });

  it('deletes a record, and deleting a missing key is harmless', () => {
    const store = open();
    store.commit([{ kind: 'put', key: 'k', json: '1' }]);
    store.commit([{ kind: 'delete', key: 'k' }, { kind: 'delete', key: 'never-there' }]);
    expect(store.load().records.has('k')).toBe(false);
    store.close();
  });

  it('applies the ops of a batch in order', () => {
    const store = open();
    store.commit([
      { kind: 'put', key: 'k', json: '1' },
      { kind: 'delete', key: 'k' },
      { kind: 'put', key: 'k', json: '3' },
    ]);
    expect(store.load().records.get('k')).toBe('3');
    store.close();
  });

  it('returns each log ordered by seq whatever the append order', () => {
    const store = open();
    store.commit([
      { kind: 'append', log: 'h', seq: 3, bytes: bytes(3) },
      { kind: 'append', log: 'h', seq: 1, bytes: bytes(1) },
    ]);
    store.commit([{ kind: 'append', log: 'h', seq: 2, bytes: bytes(2) }]);
    expect(store.load().logs.get('h')?.map((b) => b[0])).toEqual([1, 2, 3]);
    store.close();
  });

  it('rejects a duplicate (log, seq) naming both', () => {
    const store = open();
    store.commit([{ kind: 'append', log: 'history/x', seq: 7, bytes: bytes(1) }]);
    const err = storeError(() => store.commit([{ kind: 'append', log: 'history/x', seq: 7, bytes: bytes(2) }]));
    expect(err.message).toBe('log entry already exists: log "history/x" seq 7');
    store.close();
  });

  it('rejects a (log, seq) repeated within one batch', () => {
    const store = open();
    const err = storeError(() =>
      store.commit([
        { kind: 'append', log: 'h', seq: 1, bytes: bytes(1) },
        { kind: 'append', log: 'h', seq: 1, bytes: bytes(2) },
      ]),
    );
    expect(err.message).toMatch(/log "h" seq 1/);
    expect(store.load().logs.size).toBe(0);
    store.close();
  });

  it('rolls back the whole batch when one op fails', () => {
    const store = open();
    store.commit([
      { kind: 'put', key: 'keep', json: 'old' },
      { kind: 'append', log: 'h', seq: 1, bytes: bytes(1) },
    ]);
    storeError(() =>
      store.commit([
        { kind: 'put', key: 'keep', json: 'new' },
        { kind: 'put', key: 'added', json: 'x' },
        { kind: 'delete', key: 'keep' },
        { kind: 'append', log: 'h', seq: 2, bytes: bytes(2) },
        { kind: 'append', log: 'h', seq: 1, bytes: bytes(9) },
      ]),
    );
    const { records, logs } = store.load();
    expect(records).toEqual(new Map([['keep', 'old']]));
    expect(logs.get('h')?.map((b) => [...b])).toEqual([[1]]);
    store.close();
  });

  it('rejects a malformed op naming its index and field, writing nothing', () => {
    const store = open();
    const ops = [
      { kind: 'put', key: 'a', json: '1' },
      { kind: 'append', log: 'h', seq: 1.5, bytes: bytes() },
    ] as StoreOp[];
    expect(storeError(() => store.commit(ops)).message).toBe('ops[1].seq must be a safe integer, got 1.5');
    expect(store.load().records.size).toBe(0);
    store.close();
  });

  it('rejects an unknown op kind', () => {
    const store = open();
    expect(storeError(() => store.commit([{ kind: 'upsert' } as unknown as StoreOp])).message).toMatch(
      /ops\[0\]\.kind must be 'put', 'delete', 'append' or 'deleteLog', got "upsert"/,
    );
    store.close();
  });

  it('accepts an empty batch', () => {
    const store = open();
    expect(() => store.commit([])).not.toThrow();
    store.close();
  });

  it('does not let callers change stored bytes through the arrays they passed or received', () => {
    const store = open();
    const data = bytes(1);
    store.commit([{ kind: 'append', log: 'h', seq: 1, bytes: data }]);
    data[0] = 99;
    const loaded = store.load().logs.get('h')?.[0] as Uint8Array;
    loaded[0] = 42;
    expect(store.load().logs.get('h')?.[0]?.[0]).toBe(1);
    store.close();
  });

  it('commits a batch of thousands of ops', () => {
    const store = open();
    const ops: StoreOp[] = [];
    for (let i = 1; i <= 5000; i++) {
      ops.push({ kind: 'append', log: `history/${i % 10}`, seq: i, bytes: bytes(i % 256) });
      ops.push({ kind: 'put', key: `exec/${i % 100}`, json: String(i) });
    }
    store.commit(ops);
    const { records, logs } = store.load();
    expect(records.size).toBe(100);
    expect([...logs.values()].reduce((n, entries) => n + entries.length, 0)).toBe(5000);
    store.close();
  });

  it('refuses use after close, and closing twice is harmless', () => {
    const store = open();
    store.close();
    expect(() => store.close()).not.toThrow();
    expect(storeError(() => store.load()).message).toMatch(/closed/);
    expect(storeError(() => store.commit([])).message).toMatch(/closed/);
    expect(storeError(() => store.readRecord('k')).message).toMatch(/closed/);
    expect(storeError(() => [...store.scanRecords('k')]).message).toMatch(/closed/);
  });
});

describe('openStore', () => {
  it('gives an in-memory store without a path', () => {
    const store = openStore();
    expect(store).toBeInstanceOf(MemoryStore);
    store.close();
  });

  it('gives a SQLite store with a path', () => {
    const store = openStore(freshPath());
    expect(store).toBeInstanceOf(SqliteStore);
    store.close();
  });

  it('names the path when the database cannot be created', () => {
    const path = join(dir, 'no-such-dir', 'dev.db');
    const err = storeError(() => openStore(path));
    expect(err.message).toContain(path);
  });

  it('names the path when it is a directory', () => {
    expect(storeError(() => openStore(dir)).message).toContain(dir);
  });

  it('names the path when the file is not a database', () => {
    const path = join(dir, 'not-a-db.txt');
    writeFileSync(path, 'hello, this is plainly not an SQLite file '.repeat(50));
    const err = storeError(() => openStore(path));
    expect(err.message).toContain(path);
  });
});

describe('SQLite durability', () => {
  it('sees everything after close and reopen', () => {
    const path = freshPath();
    const first = openStore(path);
    first.commit([
      { kind: 'put', key: 'exec/1', json: '{"open":true}' },
      { kind: 'append', log: 'history/1', seq: 1, bytes: bytes(10) },
    ]);
    first.commit([{ kind: 'append', log: 'history/1', seq: 2, bytes: bytes(20) }]);
    first.close();

    const second = openStore(path);
    const { records, logs } = second.load();
    expect(records.get('exec/1')).toBe('{"open":true}');
    expect(logs.get('history/1')?.map((b) => [...b])).toEqual([[10], [20]]);
    second.close();
  });

  it('keeps a duplicate check across reopen', () => {
    const path = freshPath();
    const first = openStore(path);
    first.commit([{ kind: 'append', log: 'h', seq: 1, bytes: bytes(1) }]);
    first.close();
    const second = openStore(path);
    expect(storeError(() => second.commit([{ kind: 'append', log: 'h', seq: 1, bytes: bytes(1) }])).message).toMatch(
      /log "h" seq 1/,
    );
    second.close();
  });

  it('keeps a commit made by a process that was SIGKILLed right after commit returned', async () => {
    const path = freshPath();
    const bundle = join(dir, 'persistence-bundle.cjs');
    buildSync({
      entryPoints: [resolve(__dirname, '../../lib/devserver/persistence/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['better-sqlite3'],
      outfile: bundle,
      logLevel: 'silent',
    });
    const script = `
      const { openStore } = require(${JSON.stringify(bundle)});
      const store = openStore(${JSON.stringify(path)});
      const ops = [];
      for (let i = 1; i <= 1000; i++) ops.push({ kind: 'append', log: 'history/k', seq: i, bytes: new Uint8Array([i % 256]) });
      ops.push({ kind: 'put', key: 'exec/k', json: '{"done":true}' });
      store.commit(ops);
      process.stdout.write('committed\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, NODE_PATH: resolve(__dirname, '../../node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, signal) => resolveExit(signal)));
    await new Promise<void>((resolveCommitted, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('committed')) {
          child.kill('SIGKILL');
          resolveCommitted();
        }
      });
      child.on('exit', () => reject(new Error(`child exited before committing: ${stderr}`)));
    });
    expect(await exit).toBe('SIGKILL');

    const store = openStore(path);
    const { records, logs } = store.load();
    expect(records.get('exec/k')).toBe('{"done":true}');
    expect(logs.get('history/k')).toHaveLength(1000);
    store.close();
  });
});
