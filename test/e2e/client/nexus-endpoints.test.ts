/**
 * TestWorkflowEnvironment.createNexusEndpoint and deleteNexusEndpoint on the real Temporal server,
 * through createFromExistingServer. Real server only (see REAL_SERVER_ONLY_SUITES in
 * vitest.config.ts): our dev server has no Nexus, and answers UNIMPLEMENTED
 * (test/testing/environments.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '../../../lib/testing';
import { startTestServer, type TestServer } from '../../support/real-server';

let server: TestServer;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  server = await startTestServer();
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: server.namespace });
});

afterAll(async () => {
  await env?.teardown();
  await server?.stop();
});

it('creates an endpoint targeting a task queue of the namespace, listed by the server, and deletes it', async () => {
  const name = `nexus-${randomUUID().slice(0, 8)}`;
  const endpoint = await env.createNexusEndpoint(name, 'nexus-handlers');
  expect(endpoint.id).not.toBe('');
  expect(endpoint.raw.spec).toMatchObject({ name, target: { worker: { namespace: server.namespace, taskQueue: 'nexus-handlers' } } });
  const listed = await env.connection.operatorService.listNexusEndpoints({ name });
  expect(listed.endpoints.map((e) => e.id)).toEqual([endpoint.id]);
  await env.deleteNexusEndpoint(endpoint);
  const after = await env.connection.operatorService.listNexusEndpoints({ name });
  expect(after.endpoints).toEqual([]);
});
