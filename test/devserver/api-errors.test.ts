/**
 * The dev server's answers to bad and unknown requests, seen through the official client's raw
 * WorkflowService: the gRPC code, a message naming the field, and Temporal's typed error details.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import Long from 'long';
import { Client, Connection, isGrpcServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';
import { serviceDefinition } from '../../lib/devserver/transport';

let server: RunningDevServer;
let connection: Connection;

beforeAll(async () => {
  server = await startDevServer({ port: 0, namespaces: ['second'] });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

async function grpcError(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGrpcServiceError(err)) throw new Error(`expected a gRPC error, got ${String(err)}`);
  return { code: err.code, details: err.details };
}

const svc = () => connection.workflowService;

describe('namespaces', () => {
  it('an unknown namespace gives NamespaceNotFoundError through the client', async () => {
    const client = new Client({ connection, namespace: 'no-such-namespace' });
    await expect(client.workflow.start('wf', { taskQueue: 'q', workflowId: 'x' })).rejects.toBeInstanceOf(NamespaceNotFoundError);
  });

  it('describes the default and extra namespaces and lists them', async () => {
    const d = await svc().describeNamespace({ namespace: 'default' });
    expect(d.namespaceInfo?.name).toBe('default');
    expect((await svc().describeNamespace({ namespace: 'second' })).namespaceInfo?.name).toBe('second');
    const list = await svc().listNamespaces({});
    expect(list.namespaces?.map((n) => n.namespaceInfo?.name).sort()).toEqual(['default', 'second']);
  });

  it('registers a namespace once and refuses a duplicate with ALREADY_EXISTS', async () => {
    await svc().registerNamespace({ namespace: 'third', workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
    expect((await svc().describeNamespace({ namespace: 'third' })).namespaceInfo?.name).toBe('third');
    expect((await grpcError(svc().registerNamespace({ namespace: 'third' }))).code).toBe(status.ALREADY_EXISTS);
  });

  it('advertises sdk metadata and no build-id versioning in GetSystemInfo', async () => {
    const info = await svc().getSystemInfo({});
    expect(info.capabilities?.sdkMetadata).toBe(true);
    expect(info.capabilities?.buildIdBasedVersioning).toBeFalsy();
  });
});

describe('bad requests name the field', () => {
  it('a start without a workflow id', async () => {
    const e = await grpcError(svc().startWorkflowExecution({ namespace: 'default', workflowType: { name: 'w' }, taskQueue: { name: 'q' } }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe('WorkflowId is not set on request.');
  });

  it('a start with a negative duration', async () => {
    const e = await grpcError(
      svc().startWorkflowExecution({
        namespace: 'default',
        workflowId: 'neg',
        workflowType: { name: 'w' },
        taskQueue: { name: 'q' },
        workflowRunTimeout: { seconds: Long.fromNumber(-5) },
      }),
    );
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe('An invalid WorkflowRunTimeoutSeconds is set on request. cause: negative duration');
  });

  it('a malformed task token', async () => {
    const e = await grpcError(svc().respondActivityTaskCompleted({ namespace: 'default', taskToken: Buffer.from('garbage') }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe('Error deserializing task token.');
  });

  it('a long poll without a deadline, like the real server', async () => {
    const e = await grpcError(svc().pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'no-deadline' } }));
    expect(e).toEqual({ code: status.INVALID_ARGUMENT, details: 'Context timeout is not set.' });
  });

  it('an activity failure without application failure info, like the real server', async () => {
    const e = await grpcError(svc().respondActivityTaskFailed({ namespace: 'default', taskToken: Buffer.from('x'), failure: { message: 'm' } }));
    expect(e).toEqual({ code: status.INVALID_ARGUMENT, details: 'Failure must have ApplicationFailureInfo.' });
  });

  it('a run id that is not a UUID, like the real server', async () => {
    const e = await grpcError(svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'w', runId: 'not-a-uuid' } }));
    expect(e).toEqual({ code: status.INVALID_ARGUMENT, details: 'Invalid RunId.' });
  });

  it('a well-formed token for an unknown task is NOT_FOUND', async () => {
    const token = Buffer.from(JSON.stringify({ v: 1, k: 'wft', ns: 'default', wf: 'nobody', run: 'r', sched: 2, attempt: 1 }));
    const e = await grpcError(svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: token }));
    expect(e.code).toBe(status.NOT_FOUND);
  });

  it('a malformed visibility query', async () => {
    const e = await grpcError(svc().listWorkflowExecutions({ namespace: 'default', query: 'WorkflowType = ' }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toContain('query');
  });

  it('an unknown workflow is NOT_FOUND', async () => {
    const e = await grpcError(svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'missing' } }));
    expect(e).toEqual({ code: status.NOT_FOUND, details: 'workflow not found for ID: missing' });
  });

  it('a failed bad request leaves no state behind', async () => {
    await grpcError(
      svc().startWorkflowExecution({
        namespace: 'default',
        workflowId: 'bad-sa',
        workflowType: { name: 'w' },
        taskQueue: { name: 'q' },
        searchAttributes: { indexedFields: { NotRegistered: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') } } },
      }),
    );
    const e = await grpcError(svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'bad-sa' } }));
    expect(e.code).toBe(status.NOT_FOUND);
  });
});

describe('request idempotency and long polls', () => {
  it('a repeated start request id returns the same run', async () => {
    const req = { namespace: 'default', workflowId: 'idem', workflowType: { name: 'w' }, taskQueue: { name: 'q' }, requestId: 'req-1' };
    const first = await svc().startWorkflowExecution(req);
    const second = await svc().startWorkflowExecution(req);
    expect(second.runId).toBe(first.runId);
  });

  it('a poll whose deadline is inside the safety margin returns empty instead of risking a lost task', async () => {
    const res = await connection.withDeadline(Date.now() + 800, () =>
      svc().pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'empty-queue' } }),
    );
    expect(res.taskToken?.length ?? 0).toBe(0);
  });

  it('stop() ends long polls promptly', async () => {
    const own = await startDevServer({ port: 0 });
    const conn = await Connection.connect({ address: own.address });
    const poll = conn.withDeadline(Date.now() + 30_000, () => conn.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'idle' } }));
    await new Promise((r) => setTimeout(r, 100));
    await own.stop();
    const res = await poll.catch((e: unknown) => e);
    expect(res).toBeDefined();
    await conn.close();
  });
});

describe('gRPC health', () => {
  it('answers grpc.health.v1.Health/Check with SERVING', async () => {
    const Health = grpc.makeGenericClientConstructor(serviceDefinition('grpc.health.v1.Health'), 'Health');
    const client = new Health(server.address, grpc.credentials.createInsecure());
    const response = await new Promise<{ status?: number }>((resolve, reject) =>
      (client as unknown as { Check(req: object, cb: (err: Error | null, res: { status?: number }) => void): void }).Check(
        { service: '' },
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
    client.close();
    expect(response.status).toBe(1);
  });
});
