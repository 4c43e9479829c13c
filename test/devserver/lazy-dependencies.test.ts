/**
 * The dev server's heavy dependencies load only when they are used: the SDK's root entry point
 * and `temporal-native/testing` load neither @grpc/grpc-js nor better-sqlite3, and an in-memory dev
 * server never loads SQLite.
 * Each case runs in a fresh Node process on the built package (dist/), where require.cache shows
 * exactly what was loaded.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../support/run-process';

const ROOT = path.join(__dirname, '..', '..');

/** Runs `body` (CommonJS, async allowed) in a fresh process and returns which heavy modules it loaded. */
async function loadedAfter(body: string): Promise<{ grpc: boolean; sqlite: boolean }> {
  const script = `
    (async () => {
      ${body}
      const loaded = Object.keys(require.cache);
      process.stdout.write(JSON.stringify({
        grpc: loaded.some((f) => f.includes('${path.sep}@grpc${path.sep}grpc-js${path.sep}')),
        sqlite: loaded.some((f) => f.includes('${path.sep}better-sqlite3${path.sep}')),
      }));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const result = await runProcess(process.execPath, ['-e', script], { cwd: ROOT });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as { grpc: boolean; sqlite: boolean };
}

describe('heavy dependencies load on first use', () => {
  it('the root entry point loads neither grpc-js nor better-sqlite3', async () => {
    expect(await loadedAfter(`require('temporal-native');`)).toEqual({ grpc: false, sqlite: false });
  });

  it('temporal-native/testing loads neither until a server starts: MockActivityEnvironment alone stays light', async () => {
    const loaded = await loadedAfter(`
      const { MockActivityEnvironment } = require('temporal-native/testing');
      await new MockActivityEnvironment().run(async () => 'done');`);
    expect(loaded).toEqual({ grpc: false, sqlite: false });
  });

  it('an in-memory dev server does not load better-sqlite3', async () => {
    const loaded = await loadedAfter(`
      const { DevServer } = require('temporal-native/testing');
      const server = await DevServer.start({ port: 0 });
      await server.stop();`);
    expect(loaded).toEqual({ grpc: true, sqlite: false });
  });

  it('a dev server with a database loads better-sqlite3', async () => {
    const loaded = await loadedAfter(`
      const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lazy-deps-'));
      const { DevServer } = require('temporal-native/testing');
      const server = await DevServer.start({ port: 0, dbPath: path.join(dir, 'dev.db') });
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });`);
    expect(loaded.sqlite).toBe(true);
  });
});
