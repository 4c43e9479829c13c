/**
 * The shared runtime lives exactly as long as the connections using it: a script that closes its
 * last connection exits on its own, and later connections get a fresh runtime.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '../../../lib/client';
import { startTestServer, type TestServer } from '../../support/real-server';

let server: TestServer;
let workDir: string;

beforeAll(async () => {
  server = await startTestServer();
  workDir = mkdtempSync(path.join(tmpdir(), 'client-lifetime-'));
});

afterAll(async () => {
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Bundles `source` (TypeScript importing the SDK sources) into a runnable script. */
async function script(name: string, source: string): Promise<string> {
  const outfile = path.join(workDir, `${name}.js`);
  await build({
    stdin: { contents: source, resolveDir: path.join(__dirname), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

function run(file: string, address: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // The bundle lives in a temp dir; its external packages resolve from the project's node_modules.
    const env = { ...process.env, NODE_PATH: path.resolve(__dirname, '../../../node_modules') };
    const child = spawn(process.execPath, [file, address], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('connection lifetime', () => {
  it('a process exits by itself once it closed its last connection', async () => {
    const file = await script(
      'exits',
      `
      import { Client, Connection } from '../../../lib/client';
      (async () => {
        const connection = await Connection.connect({ address: process.argv[2] });
        const { count } = await new Client({ connection }).workflow.count();
        await connection.close();
        console.log('closed after count', count);
      })().catch((err) => { console.error(err); process.exitCode = 1; });
      `,
    );
    const { code, output } = await run(file, server.address);
    expect(output).toContain('closed after count 0');
    expect(code).toBe(0);
  });

  it('closing one of two connections leaves the other working', async () => {
    const a = await Connection.connect({ address: server.address });
    const b = await Connection.connect({ address: server.address });
    await a.close();
    expect((await new Client({ connection: b }).workflow.count()).count).toBe(0);
    await b.close();
  });

  it('a connection made after every earlier one closed works', async () => {
    const first = await Connection.connect({ address: server.address });
    await first.close();
    const second = await Connection.connect({ address: server.address });
    expect((await new Client({ connection: second }).workflow.count()).count).toBe(0);
    await second.close();
  });
});
