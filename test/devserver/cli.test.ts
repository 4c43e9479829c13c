/**
 * `temporal-native dev-server`: flag parsing, and the real command run as a child process — it
 * prints its address, serves the official client, and shuts down cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { Connection } from '@temporalio/client';
import { parseDevServerArgs } from '../../lib/cli';

let dir: string;
let cliPath: string;

beforeAll(async () => {
  // Inside the repository so the bundle resolves the package's node_modules.
  const cache = path.join(__dirname, '../../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(path.join(cache, 'devserver-cli-'));
  cliPath = path.join(dir, 'cli.js');
  // The package's bin is dist/cli.js compiled by tsc; bundling the same source keeps this test
  // independent of whether the rest of the tree has been compiled.
  await build({ entryPoints: [path.join(__dirname, '../../lib/cli.ts')], bundle: true, platform: 'node', packages: 'external', outfile: cliPath, logLevel: 'silent' });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('dev-server flags', () => {
  it('parses port, ip, db and repeated namespaces', () => {
    expect(parseDevServerArgs(['--port', '0', '--ip', '127.0.0.1', '--db=x.sqlite', '--namespace', 'a', '--namespace', 'b'])).toEqual({
      port: 0,
      ip: '127.0.0.1',
      dbPath: 'x.sqlite',
      namespaces: ['a', 'b'],
    });
  });

  it('defaults to port 7233', () => {
    expect(parseDevServerArgs([]).port).toBe(7233);
  });

  it('rejects a bad port and unknown flags, naming them', () => {
    expect(() => parseDevServerArgs(['--port', 'eighty'])).toThrow(/--port/);
    expect(() => parseDevServerArgs(['--porty', '1'])).toThrow(/--porty/);
    expect(() => parseDevServerArgs(['--db'])).toThrow(/--db needs a value/);
  });
});

describe('dev-server command', () => {
  it('prints its address, serves clients, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [cliPath, 'dev-server', '--port', '0', '--namespace', 'extra'], {
      cwd: path.join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`dev-server exited early with ${code}: ${out}`)));
    });
    const connection = await Connection.connect({ address });
    const ns = await connection.workflowService.describeNamespace({ namespace: 'extra' });
    expect(ns.namespaceInfo?.name).toBe('extra');
    await connection.close();
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toContain('stopped');
  });

  it('refuses an unknown command with exit code 2', async () => {
    const child = spawn(process.execPath, [cliPath, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('usage: temporal-native dev-server');
  });
});
