/**
 * The connection against the test server (ours or the real one): the typed service methods of the
 * official connection, a connection made lazily, and an HTTP CONNECT proxy in between.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, ServiceError } from '../../../lib';
import { startClientTestEnvironment, type ClientTestEnvironment } from './environment';
import { rejectionOf } from './helpers';
import { greet } from './workflows';

let env: ClientTestEnvironment;

beforeAll(async () => {
  env = await startClientTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

/** What a CONNECT proxy saw: the tunnel target and the credentials header of each request. */
interface ProxyRequest {
  target: string;
  authorization: string | undefined;
}

/**
 * A minimal HTTP CONNECT proxy (node:http): tunnels to the requested host:port, optionally only for
 * the given Basic credentials (407 otherwise), and records every CONNECT it receives.
 */
async function startConnectProxy(credentials?: { username: string; password: string }) {
  const requests: ProxyRequest[] = [];
  const sockets = new Set<net.Socket>();
  const expected = credentials && `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    const authorization = req.headers['proxy-authorization'];
    requests.push({ target: req.url ?? '', authorization });
    if (expected !== undefined && authorization !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const url = new URL(`http://${req.url}`);
    const upstream = net.connect(Number(url.port), url.hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    targetHost: `127.0.0.1:${port}`,
    requests,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('typed service methods', () => {
  it('workflowService.getWorkflowExecutionHistory returns the history of a run', async () => {
    const workflowId = env.workflowId('typed-history');
    await env.client.workflow.execute(greet, { taskQueue: env.taskQueue, workflowId, args: ['Ada'] });
    const { history } = await env.connection.workflowService.getWorkflowExecutionHistory({
      namespace: env.namespace,
      execution: { workflowId },
    });
    const types = history?.events?.map((e) => e.eventType);
    expect(types?.[0]).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    expect(types?.at(-1)).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });

  it('a typed method that fails rejects with a ServiceError carrying the gRPC code', async () => {
    const err = await rejectionOf(
      env.connection.workflowService.describeWorkflowExecution({ namespace: env.namespace, execution: { workflowId: env.workflowId('absent') } }),
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ codeName: 'NOT_FOUND', rpc: 'DescribeWorkflowExecution' });
  });

  it('operatorService.listSearchAttributes lists the system attributes', async () => {
    const { systemAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace: env.namespace });
    expect(Object.keys(systemAttributes ?? {})).toContain('WorkflowType');
  });

  it('healthService.check reports the workflow service as serving', async () => {
    const { status } = await env.connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
    expect(status).toBe(1); // SERVING
  });
});

describe('connecting', () => {
  it('a lazy connection connects on its first call', async () => {
    const connection = Connection.lazy({ address: env.address });
    try {
      const client = new Client({ connection, namespace: env.namespace });
      const result = await client.workflow.execute(greet, { taskQueue: env.taskQueue, workflowId: env.workflowId('lazy'), args: ['Lin'] });
      expect(result).toBe('Hello, Lin!');
    } finally {
      await connection.close();
    }
  });

  it('client.workflow.result waits for a workflow started elsewhere', async () => {
    const workflowId = env.workflowId('result-by-id');
    await env.client.workflow.start(greet, { taskQueue: env.taskQueue, workflowId, args: ['Kim'] });
    expect(await env.client.workflow.result<typeof greet>(workflowId)).toBe('Hello, Kim!');
  });
});

describe('HTTP CONNECT proxy', () => {
  it('calls travel through the proxy, which is asked to tunnel to the server', async () => {
    const proxy = await startConnectProxy();
    const connection = await Connection.connect({ address: env.address, proxy: { type: 'http-connect', targetHost: proxy.targetHost } });
    try {
      const client = new Client({ connection, namespace: env.namespace });
      const result = await client.workflow.execute(greet, { taskQueue: env.taskQueue, workflowId: env.workflowId('proxied'), args: ['Bo'] });
      expect(result).toBe('Hello, Bo!');
      expect(proxy.requests.length).toBeGreaterThan(0);
      expect(proxy.requests[0]).toMatchObject({ target: expect.stringMatching(new RegExp(`:${env.address.split(':').at(-1)}$`)), authorization: undefined });
    } finally {
      await connection.close();
      await proxy.stop();
    }
  });

  it('proxy credentials are sent as Basic authorization', async () => {
    const credentials = { username: 'svc', password: 's3cret' };
    const proxy = await startConnectProxy(credentials);
    const connection = await Connection.connect({ address: env.address, proxy: { type: 'http-connect', targetHost: proxy.targetHost, basicAuth: credentials } });
    try {
      await new Client({ connection, namespace: env.namespace }).workflow.count();
      expect(proxy.requests[0]?.authorization).toBe(`Basic ${Buffer.from('svc:s3cret').toString('base64')}`);
    } finally {
      await connection.close();
      await proxy.stop();
    }
  });

  it('a proxy that refuses the credentials makes the connect fail', async () => {
    const proxy = await startConnectProxy({ username: 'svc', password: 'right' });
    try {
      const err = await rejectionOf(
        Connection.connect({
          address: env.address,
          connectTimeout: '20s',
          proxy: { type: 'http-connect', targetHost: proxy.targetHost, basicAuth: { username: 'svc', password: 'wrong' } },
        }),
      );
      expect(err).toBeInstanceOf(ServiceError);
      expect(proxy.requests.length).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
    }
  });
});
