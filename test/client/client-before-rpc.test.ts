/**
 * What the client does on its own, before and around the wire: refusing bad options without sending
 * anything, and passing scoped metadata/deadlines to each call. A recording core connection stands in
 * for the server here; everything that needs a server is in test/e2e/client.
 */
import { temporal } from '@temporalio/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AsyncCompletionClient,
  Client,
  Connection,
  InvalidOptionError,
  ScheduleClient,
  UnknownOptionError,
  UnsupportedOptionError,
  WorkflowClient,
} from '../../lib/client';
import type { RpcCallOptions } from '../../lib/core/types';
import { rpcOnlyRuntime } from '../support/rpc-only-runtime';

interface RecordedCall {
  rpc: string;
  options: RpcCallOptions | undefined;
}

function recordingRuntime(calls: RecordedCall[]) {
  return rpcOnlyRuntime(async (rpc, _request, options) => {
    calls.push({ rpc, options });
    if (rpc === 'SignalWorkflowExecution') {
      return temporal.api.workflowservice.v1.SignalWorkflowExecutionResponse.encode({}).finish();
    }
    throw new Error(`unexpected RPC ${rpc}`);
  });
}

let calls: RecordedCall[];
let client: Client;

beforeEach(async () => {
  calls = [];
  const connection = await Connection.connect({ address: 'localhost:1', runtime: recordingRuntime(calls) });
  client = new Client({ connection });
});

async function refused(promise: Promise<unknown>, field: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as InvalidOptionError).field).toBe(field);
  expect(calls).toEqual([]);
}

describe('options refused before any RPC', () => {
  it('start without taskQueue', async () => {
    await refused(client.workflow.start('greet', { workflowId: 'w' } as never), 'taskQueue');
  });

  it('start with a numeric workflowId', async () => {
    await refused(client.workflow.start('greet', { taskQueue: 'q', workflowId: 7 } as never), 'workflowId');
  });

  it('start with a negative workflowExecutionTimeout', async () => {
    await refused(client.workflow.start('greet', { taskQueue: 'q', workflowId: 'w', workflowExecutionTimeout: '-1s' }), 'workflowExecutionTimeout');
  });

  it('start with an unknown reuse policy', async () => {
    await refused(
      client.workflow.start('greet', { taskQueue: 'q', workflowId: 'w', workflowIdReusePolicy: 'NEVER' as never }),
      'workflowIdReusePolicy',
    );
  });

  it('signalWithStart without a signal name', async () => {
    await refused(client.workflow.signalWithStart('greet', { taskQueue: 'q', workflowId: 'w', signal: '' }), 'signal');
  });

  it('startUpdate with an unknown stage', async () => {
    await refused(client.workflow.getHandle('w').startUpdate('u', { waitForStage: 'ADMITTED' as never }), 'waitForStage');
  });

  it('query with an unknown reject condition', async () => {
    await refused(client.workflow.getHandle('w').queryWithOptions('q', { rejectCondition: 'SOMETIMES' as never }), 'rejectCondition');
  });

  it('async completion with an activity id but no workflow id', async () => {
    await refused(client.activity.complete({ activityId: 'a' } as never, 1), 'workflowId');
  });

  it('list with a non-positive page size (thrown synchronously, before iterating)', () => {
    expect(() => client.workflow.list({ pageSize: 0 })).toThrow(InvalidOptionError);
    expect(calls).toEqual([]);
  });

  it('getHandle with an empty workflow id', () => {
    expect(() => client.workflow.getHandle('')).toThrow(/workflowId/);
  });

  it('a Client without a Connection', () => {
    expect(() => new Client({ connection: {} as never })).toThrow(/connection/);
  });

  it('start with a misspelled key fails naming the key and the one meant', async () => {
    const err = await client.workflow.start('greet', { taskQueu: 'q', workflowId: 'w' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownOptionError);
    expect(err).toMatchObject({ field: 'taskQueu', suggestion: 'taskQueue' });
    expect(calls).toEqual([]);
  });

  it('signalWithStart refuses requestEagerStart and says to use start', async () => {
    const err = await client.workflow
      .signalWithStart('greet', { taskQueue: 'q', workflowId: 'w', signal: 's', requestEagerStart: true } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOptionError);
    expect((err as Error).message).toMatch(/^requestEagerStart is not supported: .*client\.workflow\.start/);
    expect(calls).toEqual([]);
  });

  it('an update with a misspelled option fails before any RPC', async () => {
    const err = await client.workflow.getHandle('w').executeUpdate('u', { updateID: 'x' } as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'UnknownOptionError', field: 'updateID', suggestion: 'updateId' });
    expect(calls).toEqual([]);
  });

  it('clients made on their own refuse misspelled option keys too', () => {
    const { connection } = client;
    expect(() => new WorkflowClient({ connection, namepsace: 'x' } as never)).toThrow(UnknownOptionError);
    expect(() => new ScheduleClient({ connection, interceptor: [] } as never)).toThrow(/^interceptor is not a ScheduleClient option \(did you mean 'interceptors'\?\)$/);
    expect(() => new AsyncCompletionClient({ connection, plugins: [] } as never)).toThrow(UnsupportedOptionError);
  });

  it('a Client refuses interceptor kinds it has no calls for (nexus), saying why', () => {
    expect(() => new Client({ connection: client.connection, interceptors: { nexus: [{}] } as never })).toThrow(UnsupportedOptionError);
  });
});

describe('scoped call settings', () => {
  it('withMetadata adds metadata to calls made inside it only', async () => {
    const handle = client.workflow.getHandle('w');
    await client.withMetadata({ 'x-request-id': 'abc' }, () => handle.signal('ping'));
    await handle.signal('ping');
    expect(calls.map((c) => c.options?.metadata)).toEqual([{ 'x-request-id': 'abc' }, undefined]);
  });

  it('nested withMetadata scopes merge key by key', async () => {
    const handle = client.workflow.getHandle('w');
    await client.withMetadata({ a: '1', b: '1' }, () => client.withMetadata({ b: '2' }, () => handle.signal('ping')));
    expect(calls[0]?.options?.metadata).toEqual({ a: '1', b: '2' });
  });

  it('withDeadline turns the deadline into a per-call timeout', async () => {
    await client.withDeadline(Date.now() + 60_000, () => client.workflow.getHandle('w').signal('ping'));
    const timeoutMs = calls[0]?.options?.timeoutMs ?? 0;
    expect(timeoutMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeLessThanOrEqual(60_000);
  });

  it('withAbortSignal passes the signal to the call', async () => {
    const controller = new AbortController();
    await client.withAbortSignal(controller.signal, () => client.workflow.getHandle('w').signal('ping'));
    expect(calls[0]?.options?.signal).toBe(controller.signal);
  });

  it('withApiKey sends that key as the Authorization header of calls made inside it only', async () => {
    const handle = client.workflow.getHandle('w');
    await client.connection.withApiKey('tenant-key', () => handle.signal('ping'));
    await handle.signal('ping');
    expect(calls.map((c) => c.options?.metadata)).toEqual([{ authorization: 'Bearer tenant-key' }, undefined]);
  });

  it('client calls ask the core to retry transient failures', async () => {
    await client.workflow.getHandle('w').signal('ping');
    expect(calls[0]?.options?.retry).toBe(true);
  });
});
