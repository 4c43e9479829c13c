/**
 * Our TLS client on the real Temporal server. The Temporal CLI's `server start-dev` has no TLS flags
 * (its `--help` lists none), so TLS is terminated by a small proxy in front of it
 * (tls-terminating-proxy.ts): the TLS handshakes are ours against Node's TLS, the RPCs and the
 * workflow run on the real server. Runs in the e2e-cli project only (see vitest.config.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection, ConnectionSecurityError, type ConnectionOptions } from '../../lib/client';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '../../lib/worker';
import { startRealServer, type TestServer } from '../support/real-server';
import { makeTestPki, type TestPki } from './tls-certs';
import { startTlsTerminatingProxy, type TlsTerminatingProxy } from './tls-terminating-proxy';

let pki: TestPki;
let bundle: WorkflowBundle;
let real: TestServer;
let tlsProxy: TlsTerminatingProxy;
let mtlsProxy: TlsTerminatingProxy;

beforeAll(async () => {
  pki = makeTestPki();
  [real, bundle] = await Promise.all([startRealServer(), bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'tls-workflows.ts') })]);
  tlsProxy = await startTlsTerminatingProxy(real.address, { cert: pki.server.crt, key: pki.server.key });
  mtlsProxy = await startTlsTerminatingProxy(real.address, { cert: pki.server.crt, key: pki.server.key, clientCa: pki.ca.crt });
}, 120_000);

afterAll(async () => {
  await tlsProxy?.close();
  await mtlsProxy?.close();
  await real?.stop();
});

describe.each(['native', 'neon'] as const)('the real Temporal server behind TLS, on the %s backend', (backend) => {
  async function runWorkflow(options: ConnectionOptions): Promise<string> {
    const connection = await Connection.connect({ backend, connectTimeout: '30s', ...options });
    try {
      const taskQueue = `tls-real-${randomUUID()}`;
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowBundle: { code: bundle.code },
        activities: { greet: async (name: string) => `hello ${name}` },
      });
      const client = new Client({ connection });
      return await worker.runUntil(
        client.workflow.execute('greetOverSecuredChannel', { taskQueue, workflowId: randomUUID(), args: ['real'] }) as Promise<string>,
      );
    } finally {
      await connection.close();
    }
  }

  it('runs a workflow and its activity over TLS', async () => {
    expect(await runWorkflow({ address: tlsProxy.address, tls: { serverRootCACertificate: pki.ca.crt } })).toBe('workflow saw: hello real');
  });

  it('runs a workflow over mTLS with serverNameOverride', async () => {
    const tls = { serverRootCACertificate: pki.ca.crt, serverNameOverride: 'dev.temporal.test', clientCertPair: pki.client };
    expect(await runWorkflow({ address: mtlsProxy.address, tls })).toBe('workflow saw: hello real');
  });

  it('names a missing client certificate', async () => {
    const err = await Connection.connect({ backend, address: mtlsProxy.address, tls: { serverRootCACertificate: pki.ca.crt } }).then(
      async (c) => {
        await c.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionSecurityError);
    expect((err as ConnectionSecurityError).reason).toBe('client-certificate-required');
  });
});
