/**
 * TLS, mTLS and API keys end to end, on both core backends: our client and worker run a workflow
 * with an activity against our dev server serving TLS, requiring client certificates, and requiring
 * an API key; the API key is rotated on a live connection; and every way the handshake or the
 * authentication can go wrong ends in a ConnectionSecurityError that names the cause, without
 * hanging. Certificates are made when the file starts (tls-certs.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection, ConnectionSecurityError, GrpcStatus, InvalidOptionError, ServiceError, type ConnectionOptions } from '../../lib/client';
import type { ConnectionSecurityReason } from '../../lib/client';
import { startDevServer, type DevServerOptions, type RunningDevServer } from '../../lib/devserver';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '../../lib/worker';
import { recordReliability, reliabilityScale } from '../support/reliability';
import { makeTestPki, type TestPki } from './tls-certs';

const BACKENDS = ['native', 'neon'] as const;
type Backend = (typeof BACKENDS)[number];

const quiet = (): void => undefined;
/** Each refusal is tried this many times: once in npm test, 25 times in the long run (never a hang, never untyped). */
const ATTEMPTS = reliabilityScale(1, 25);
const figures = { securedRuns: 0, failureCases: 0, failuresTyped: 0, rotations: 0 };

let pki: TestPki;
let bundle: WorkflowBundle;
const servers: RunningDevServer[] = [];

async function server(options: DevServerOptions): Promise<RunningDevServer> {
  const started = await startDevServer({ log: quiet, ...options });
  servers.push(started);
  return started;
}

function portOf(address: string): string {
  return address.slice(address.lastIndexOf(':') + 1);
}

/** A worker (not yet running) of the greeting workflow and its activity on `taskQueue`. */
function greetingWorker(connection: Connection, taskQueue: string): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue,
    workflowBundle: { code: bundle.code },
    activities: { greet: async (name: string) => `hello ${name}` },
  });
}

/** Runs the greeting workflow on `taskQueue` through a client of `connection`. */
function greet(connection: Connection, taskQueue: string, name: string): Promise<string> {
  return new Client({ connection }).workflow.execute('greetOverSecuredChannel', { taskQueue, workflowId: randomUUID(), args: [name] }) as Promise<string>;
}

/** Runs the workflow (and its activity) through `connection` on a fresh task queue. */
async function runWorkflow(connection: Connection): Promise<string> {
  const taskQueue = `tls-${randomUUID()}`;
  const worker = await greetingWorker(connection, taskQueue);
  const result = await worker.runUntil(greet(connection, taskQueue, 'tls'));
  figures.securedRuns++;
  return result;
}

beforeAll(async () => {
  pki = makeTestPki();
  bundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'tls-workflows.ts') });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  recordReliability('tls', {
    backends: [...BACKENDS],
    securedWorkflowRuns: figures.securedRuns,
    apiKeyRotations: figures.rotations,
    failureCases: figures.failureCases,
    failuresTyped: figures.failuresTyped,
    failuresUntyped: figures.failureCases - figures.failuresTyped,
  });
});

describe.each(BACKENDS)('on the %s backend', (backend: Backend) => {
  async function connect(options: ConnectionOptions): Promise<Connection> {
    return Connection.connect({ backend, connectTimeout: '30s', ...options });
  }

  it('runs a workflow and its activity over TLS, trusting the server through its CA', async () => {
    const tls = await server({ tls: { cert: pki.server.crt, key: pki.server.key } });
    const connection = await connect({ address: tls.address, tls: { serverRootCACertificate: pki.ca.crt } });
    try {
      expect(await runWorkflow(connection)).toBe('workflow saw: hello tls');
    } finally {
      await connection.close();
    }
  });

  it('runs a workflow over mTLS with a client certificate, checking the server as the name given in serverNameOverride', async () => {
    const mtls = await server({ tls: { cert: pki.server.crt, key: pki.server.key, clientCa: pki.ca.crt } });
    const connection = await connect({
      address: mtls.address,
      tls: { serverRootCACertificate: pki.ca.crt, serverNameOverride: 'dev.temporal.test', clientCertPair: pki.client },
    });
    try {
      expect(await runWorkflow(connection)).toBe('workflow saw: hello tls');
    } finally {
      await connection.close();
    }
  });

  it('runs a workflow over TLS with an API key the server requires', async () => {
    const keyed = await server({ tls: { cert: pki.server.crt, key: pki.server.key }, apiKey: 'tenant-key-1' });
    const connection = await connect({ address: keyed.address, tls: { serverRootCACertificate: pki.ca.crt }, apiKey: 'tenant-key-1' });
    try {
      expect(await runWorkflow(connection)).toBe('workflow saw: hello tls');
    } finally {
      await connection.close();
    }
  });

  it('sends the rotated API key on a live connection: a running worker and the client carry on against a server that wants the new key', async () => {
    const first = await server({ tls: { cert: pki.server.crt, key: pki.server.key }, apiKey: 'key-before-rotation' });
    const connection = await connect({ address: first.address, tls: { serverRootCACertificate: pki.ca.crt }, apiKey: 'key-before-rotation' });
    const taskQueue = `tls-rotation-${randomUUID()}`;
    const worker = await greetingWorker(connection, taskQueue);
    const running = worker.run();
    const execute = (name: string) => greet(connection, taskQueue, name);
    try {
      expect(await execute('before')).toBe('workflow saw: hello before');
      // The same address now wants another key: the live connection reconnects with the old one.
      await first.stop();
      await server({ port: first.port, tls: { cert: pki.server.crt, key: pki.server.key }, apiKey: 'key-after-rotation' });
      const refused = await connection.workflowService.getSystemInfo({}).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(ServiceError);
      expect((refused as ServiceError).code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect((refused as ServiceError).message).toMatch(/API key rejected/);

      connection.setApiKey('key-after-rotation');
      figures.rotations++;
      await connection.workflowService.getSystemInfo({});
      // Started by the client and run by the worker that was polling all along, both with the new key.
      expect(await execute('after')).toBe('workflow saw: hello after');
      expect(worker.getState()).toBe('RUNNING');
      figures.securedRuns += 2;
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('asks an apiKey function before each client call: a rotated key reaches the client and the worker that was polling all along', async () => {
    const first = await server({ tls: { cert: pki.server.crt, key: pki.server.key }, apiKey: 'fn-key-1' });
    let current = 'fn-key-1';
    const connection = await connect({ address: first.address, tls: { serverRootCACertificate: pki.ca.crt }, apiKey: () => current });
    const taskQueue = `tls-key-fn-${randomUUID()}`;
    const worker = await greetingWorker(connection, taskQueue);
    const running = worker.run();
    const execute = (name: string) => greet(connection, taskQueue, name);
    try {
      expect(await execute('first key')).toBe('workflow saw: hello first key');
      await first.stop();
      await server({ port: first.port, tls: { cert: pki.server.crt, key: pki.server.key }, apiKey: 'fn-key-2' });
      current = 'fn-key-2';
      figures.rotations++;
      expect(await execute('second key')).toBe('workflow saw: hello second key');
      expect(worker.getState()).toBe('RUNNING');
      // A second worker on the queue gets a core connection of its own (the core allows one worker per
      // queue and client): it dials with the rotated key.
      const second = await greetingWorker(connection, taskQueue);
      worker.shutdown();
      await running;
      expect(await second.runUntil(execute('second worker'))).toBe('workflow saw: hello second worker');
      figures.securedRuns += 3;
    } finally {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('rejects a call with InvalidOptionError naming apiKey when the apiKey function throws, and carries on once it answers again', async () => {
    const keyed = await server({ tls: { cert: pki.server.crt, key: pki.server.key }, apiKey: 'fn-key' });
    let broken = false;
    const connection = await connect({
      address: keyed.address,
      tls: { serverRootCACertificate: pki.ca.crt },
      apiKey: () => {
        if (broken) throw new Error('the key store is down');
        return 'fn-key';
      },
    });
    try {
      broken = true;
      const err = await connection.workflowService.getSystemInfo({}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).message).toMatch(/apiKey.*the key store is down/);
      broken = false;
      await connection.workflowService.getSystemInfo({});
    } finally {
      await connection.close();
    }
  });

  describe('refuses to connect, naming the cause', () => {
    /** Connects `ATTEMPTS` times; every attempt must fail with the same typed reason. */
    async function refusal(options: ConnectionOptions): Promise<ConnectionSecurityError> {
      const errors: unknown[] = [];
      for (let i = 0; i < ATTEMPTS; i++) {
        figures.failureCases++;
        const err = await connect(options).then(
          async (connection) => {
            await connection.close();
            return new Error('connected');
          },
          (e: unknown) => e,
        );
        if (err instanceof ConnectionSecurityError) figures.failuresTyped++;
        errors.push(err);
      }
      expect(errors[0]).toBeInstanceOf(ConnectionSecurityError);
      const first = errors[0] as ConnectionSecurityError;
      expect(errors.map((e) => (e instanceof ConnectionSecurityError ? e.reason : String(e)))).toEqual(errors.map(() => first.reason));
      return first;
    }

    function expectReason(err: ConnectionSecurityError, reason: ConnectionSecurityReason, code: number, message: RegExp): void {
      expect(err.reason).toBe(reason);
      expect(err.code).toBe(code);
      expect(err.rpc).toBe('connect');
      expect(err.message).toMatch(message);
    }

    let tls: RunningDevServer;
    let expired: RunningDevServer;
    let mtls: RunningDevServer;
    let keyed: RunningDevServer;
    let plaintext: RunningDevServer;

    beforeAll(async () => {
      [tls, expired, mtls, keyed, plaintext] = await Promise.all([
        server({ tls: { cert: pki.server.crt, key: pki.server.key } }),
        server({ tls: { cert: pki.expiredServer.crt, key: pki.expiredServer.key } }),
        server({ tls: { cert: pki.server.crt, key: pki.server.key, clientCa: pki.ca.crt } }),
        server({ tls: { cert: pki.server.crt, key: pki.server.key }, apiKey: 'the-right-key' }),
        server({}),
      ]);
    });

    it('when the server certificate is signed by a CA the client does not trust', async () => {
      const err = await refusal({ address: tls.address, tls: { serverRootCACertificate: pki.otherCa.crt } });
      expectReason(err, 'untrusted-server-certificate', GrpcStatus.UNAVAILABLE, /not signed by a trusted CA.*serverRootCACertificate/);
    });

    it('when the server certificate is for another name than serverNameOverride', async () => {
      const err = await refusal({ address: tls.address, tls: { serverRootCACertificate: pki.ca.crt, serverNameOverride: 'elsewhere.example' } });
      expectReason(err, 'server-name-mismatch', GrpcStatus.UNAVAILABLE, /not valid for the name.*serverNameOverride/);
    });

    it('when the server certificate has expired', async () => {
      const err = await refusal({ address: expired.address, tls: { serverRootCACertificate: pki.ca.crt } });
      expectReason(err, 'server-certificate-expired', GrpcStatus.UNAVAILABLE, /certificate has expired/);
    });

    it('when the server requires a client certificate and none is given', async () => {
      const err = await refusal({ address: mtls.address, tls: { serverRootCACertificate: pki.ca.crt } });
      expectReason(err, 'client-certificate-required', GrpcStatus.UNAVAILABLE, /requires a client certificate.*clientCertPair/);
    });

    it('when the client certificate is signed by a CA the server does not trust', async () => {
      const err = await refusal({ address: mtls.address, tls: { serverRootCACertificate: pki.ca.crt, clientCertPair: pki.strangerClient } });
      expectReason(err, 'client-certificate-rejected', GrpcStatus.UNAVAILABLE, /refused the client certificate/);
    });

    it('when the server requires an API key and none is given', async () => {
      const err = await refusal({ address: keyed.address, tls: { serverRootCACertificate: pki.ca.crt } });
      expectReason(err, 'api-key-missing', GrpcStatus.UNAUTHENTICATED, /requires an API key: pass apiKey.*server said: API key required/);
    });

    it('when the API key is wrong', async () => {
      const err = await refusal({ address: keyed.address, tls: { serverRootCACertificate: pki.ca.crt }, apiKey: 'a-wrong-key' });
      expectReason(err, 'api-key-rejected', GrpcStatus.UNAUTHENTICATED, /refused the API key.*server said: API key rejected/);
    });

    it('when a plaintext client meets a TLS server', async () => {
      const err = await refusal({ address: tls.address, tls: false });
      expectReason(err, 'tls-mismatch', GrpcStatus.UNAVAILABLE, /does the server require TLS/);
    });

    it('when a TLS client meets a plaintext server', async () => {
      const err = await refusal({ address: plaintext.address, tls: { serverRootCACertificate: pki.ca.crt } });
      expectReason(err, 'tls-mismatch', GrpcStatus.UNAVAILABLE, /does it serve plaintext/);
    });

    it('but connects to the same servers with the right settings, as localhost too', async () => {
      const right = await connect({
        address: `localhost:${portOf(mtls.address)}`,
        tls: { serverRootCACertificate: pki.ca.crt, clientCertPair: pki.client },
      });
      await right.workflowService.getSystemInfo({});
      await right.close();
    });
  });
});
