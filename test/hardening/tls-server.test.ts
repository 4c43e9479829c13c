/**
 * The dev server's listening and authentication layer on its own: TLS material is checked before
 * anything is bound (errors name the option, or the flag on the command line), the API key is
 * checked on the `authorization` header of every call, and binding beyond loopback with neither TLS
 * nor an API key prints a warning. The client side over every mode is in tls.test.ts.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { Connection as OfficialConnection } from '@temporalio/client';
import { parseDevServerArgs } from '../../lib/cli';
import { Connection } from '../../lib/client';
import { InvalidOptionError } from '../../lib/common/options-validation';
import { startDevServer, type DevServerOptions } from '../../lib/devserver';
import { DevServer } from '../../lib/testing';
import { makeTestPki, type TestPki } from './tls-certs';

let pki: TestPki;
let dir: string;
let files: { cert: string; key: string; clientCa: string; notPem: string };

beforeAll(() => {
  pki = makeTestPki();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-server-'));
  files = {
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server-key.pem'),
    clientCa: path.join(dir, 'ca.pem'),
    notPem: path.join(dir, 'notes.txt'),
  };
  fs.writeFileSync(files.cert, pki.server.crt);
  fs.writeFileSync(files.key, pki.server.key);
  fs.writeFileSync(files.clientCa, pki.ca.crt);
  fs.writeFileSync(files.notPem, 'not a certificate\n');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function refused(options: DevServerOptions): Promise<InvalidOptionError> {
  const err = await startDevServer({ log: () => undefined, ...options }).then(
    async (server) => {
      await server.stop();
      return new Error('started');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidOptionError);
  return err as InvalidOptionError;
}

describe('TLS options are checked before the server binds', () => {
  it('refuses a certificate path that cannot be read, naming the option and the path', async () => {
    const err = await refused({ tls: { cert: path.join(dir, 'missing.pem'), key: files.key } });
    expect(err.field).toBe('tls.cert');
    expect(err.message).toMatch(/missing\.pem.*ENOENT/);
  });

  it('refuses a file that is not PEM', async () => {
    const err = await refused({ tls: { cert: files.cert, key: files.notPem } });
    expect(err.field).toBe('tls.key');
    expect(err.message).toMatch(/not PEM/);
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const err = await refused({ tls: { cert: pki.server.crt, key: pki.client.key } });
    expect(err.field).toBe('tls.key');
    expect(err.message).toMatch(/not the private key of the certificate/);
  });

  it('refuses a certificate without its key', async () => {
    const err = await refused({ tls: { cert: files.cert } as never });
    expect(err.field).toBe('tls.key');
  });

  it('refuses a client CA that holds no certificate', async () => {
    const err = await refused({ tls: { cert: files.cert, key: files.key, clientCa: pki.client.key } });
    expect(err.field).toBe('tls.clientCa');
    expect(err.message).toMatch(/no PEM CERTIFICATE/);
  });

  it('refuses an unknown TLS option by name', async () => {
    const err = await refused({ tls: { cert: files.cert, key: files.key, ca: files.clientCa } as never });
    expect(err.field).toBe('tls.ca');
  });

  it('refuses an API key that could not travel as a bearer token', async () => {
    const err = await refused({ apiKey: 'has spaces and\nnewlines' });
    expect(err.field).toBe('apiKey');
  });

  it('takes certificates from file paths as well as bytes, on DevServer.start too', async () => {
    const server = await DevServer.start({ tls: { cert: files.cert, key: files.key, clientCa: files.clientCa } });
    try {
      const connection = await Connection.connect({
        address: server.address,
        tls: { serverRootCACertificate: pki.ca.crt, clientCertPair: pki.client },
      });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
    } finally {
      await server.stop();
    }
  });
});

/** The messages of an error and its causes: the official client wraps the gRPC error. */
function causes(err: unknown): string {
  const messages: string[] = [];
  for (let e = err; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages.join(' <- ');
}

describe('the API key', () => {
  it('is checked on the authorization header of every call, including for the official client', async () => {
    const server = await startDevServer({ apiKey: 'k-123', log: () => undefined });
    try {
      const missing = await OfficialConnection.connect({ address: server.address }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(causes(missing)).toMatch(/UNAUTHENTICATED: API key required/);
      const wrong = await OfficialConnection.connect({ address: server.address, metadata: { authorization: 'Bearer k-456' } }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(causes(wrong)).toMatch(/UNAUTHENTICATED: API key rejected/);
      const right = await OfficialConnection.connect({ address: server.address, metadata: { authorization: 'Bearer k-123' } });
      const ns = await right.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
      await right.close();
    } finally {
      await server.stop();
    }
  });
});

describe('safe defaults', () => {
  async function warnings(options: DevServerOptions): Promise<{ address: string; lines: string[] }> {
    const lines: string[] = [];
    const server = await startDevServer({ ...options, log: (m) => lines.push(m) });
    await server.stop();
    return { address: server.address, lines };
  }

  it('binds 127.0.0.1 by default, without a warning', async () => {
    const { address, lines } = await warnings({});
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(lines).toEqual([]);
  });

  it('warns when bound to every interface with neither TLS nor an API key', async () => {
    const { lines } = await warnings({ ip: '0.0.0.0' });
    expect(lines.join('\n')).toMatch(/WARNING: listening on 0\.0\.0\.0 without TLS and without an API key/);
  });

  it('does not warn when bound to every interface behind an API key or TLS', async () => {
    expect((await warnings({ ip: '0.0.0.0', apiKey: 'k' })).lines).toEqual([]);
    expect((await warnings({ ip: '0.0.0.0', tls: { cert: files.cert, key: files.key } })).lines).toEqual([]);
  });
});

describe('dev-server TLS and API key flags', () => {
  let cliPath: string;

  beforeAll(async () => {
    // Bundled from source, as in test/devserver/cli.test.ts, so the test does not depend on dist/.
    const cache = path.join(__dirname, '../../node_modules/.cache');
    fs.mkdirSync(cache, { recursive: true });
    const out = fs.mkdtempSync(path.join(cache, 'tls-cli-'));
    cliPath = path.join(out, 'cli.js');
    await build({ entryPoints: [path.join(__dirname, '../../lib/cli.ts')], bundle: true, platform: 'node', packages: 'external', outfile: cliPath, logLevel: 'silent' });
  });

  it('parses --tls-cert, --tls-key, --tls-client-ca and --api-key', () => {
    expect(parseDevServerArgs(['--tls-cert', 'a.pem', '--tls-key=b.pem', '--tls-client-ca', 'ca.pem', '--api-key', 'k'])).toMatchObject({
      tls: { cert: 'a.pem', key: 'b.pem', clientCa: 'ca.pem' },
      apiKey: 'k',
    });
  });

  it('takes the API key from TEMPORAL_DEV_SERVER_API_KEY when no flag gives one', () => {
    expect(parseDevServerArgs([], { TEMPORAL_DEV_SERVER_API_KEY: 'from-env' }).apiKey).toBe('from-env');
    expect(parseDevServerArgs(['--api-key', 'flag'], { TEMPORAL_DEV_SERVER_API_KEY: 'from-env' }).apiKey).toBe('flag');
  });

  it('refuses half a TLS configuration, naming the missing flag', () => {
    expect(() => parseDevServerArgs(['--tls-key', 'b.pem'])).toThrow(/--tls-cert is required/);
    expect(() => parseDevServerArgs(['--tls-cert', 'a.pem'])).toThrow(/--tls-key is required/);
  });

  it('serves mTLS with an API key from the command line, and says so', async () => {
    const child = spawn(
      process.execPath,
      [cliPath, 'dev-server', '--port', '0', '--tls-cert', files.cert, '--tls-key', files.key, '--tls-client-ca', files.clientCa],
      { env: { ...process.env, TEMPORAL_DEV_SERVER_API_KEY: 'cli-key' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const address = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`dev-server exited early with ${code}: ${out}`)));
      });
      expect(out).toMatch(/mTLS, API key required/);
      const connection = await Connection.connect({
        address,
        tls: { serverRootCACertificate: pki.ca.crt, clientCertPair: pki.client },
        apiKey: 'cli-key',
      });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });

  it('exits 2 naming the flag when a certificate file cannot be read', async () => {
    const child = spawn(process.execPath, [cliPath, 'dev-server', '--port', '0', '--tls-cert', path.join(dir, 'nope.pem'), '--tls-key', files.key], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/--tls-cert: tls\.cert cannot be read from .*nope\.pem/);
  });
});
