/**
 * The core's client path (connect, rpcCall, metadata, API key, cancellation, gRPC errors with
 * status details) against a scripted gRPC server, on every backend with a real network stack.
 */
import * as grpc from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError, WorkerStateError, createRuntime, workerOptionsWithDefaults } from '../../lib/core';
import type { CoreConnection, CoreRuntime } from '../../lib/core';
import { contractBackends, type ContractBackend } from './backends';
import { ScriptedServer, statusDetails } from './scripted-server';

const connectionBase = { identity: 'scripted@test', clientName: 'temporal-native', clientVersion: '0.1.0' } as const;
const ws = temporal.api.workflowservice.v1;

describe('rpcCall against a scripted gRPC server', async () => {
  for (const backend of (await contractBackends()).filter((b) => !b.fake)) {
    describe(`on the ${backend.name} backend`, () => rpcSuite(backend));
  }
});

function workflowOnlyWorker(taskQueue: string) {
  return workerOptionsWithDefaults({
    namespace: 'default',
    taskQueue,
    buildId: 'scripted',
    taskTypes: { workflows: true, activities: false, localActivities: false },
  });
}

function rpcSuite(backend: ContractBackend): void {
  let runtime: CoreRuntime;
  let server: ScriptedServer;
  let connection: CoreConnection;

  beforeEach(async () => {
    runtime = await createRuntime({ backend: backend.name, coreLibraryPath: backend.coreLibraryPath });
    server = await ScriptedServer.start();
    connection = await runtime.connect({
      ...connectionBase,
      address: server.address,
      metadata: { 'x-tenant': 'blue' },
      binaryMetadata: { 'x-trace-bin': new Uint8Array([1, 2, 3]) },
    });
  });

  afterEach(async () => {
    await connection.close();
    await server.stop();
    await runtime.close();
  });

  it('connects by calling GetSystemInfo with the connection metadata', () => {
    const [call] = server.callsTo('GetSystemInfo');
    expect(call.metadata['x-tenant']).toBe('blue');
    expect(Buffer.from(call.metadata['x-trace-bin'] as Buffer)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('sends the request bytes and returns the response bytes unchanged', async () => {
    server.on('DescribeNamespace', (req) => {
      const { namespace } = ws.DescribeNamespaceRequest.decode(req);
      return { ok: ws.DescribeNamespaceResponse.encode({ namespaceInfo: { name: namespace, id: 'ns-id' } }).finish() };
    });
    const bytes = await connection.rpcCall('workflow', 'DescribeNamespace', ws.DescribeNamespaceRequest.encode({ namespace: 'orders' }).finish());
    expect(ws.DescribeNamespaceResponse.decode(bytes).namespaceInfo?.id).toBe('ns-id');
  });

  it('rejects a gRPC failure with its code, message and the google.rpc.Status bytes', async () => {
    const details = statusDetails(grpc.status.NOT_FOUND, 'Namespace orders is not found.', {
      typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure',
      value: temporal.api.errordetails.v1.NamespaceNotFoundFailure.encode({ namespace: 'orders' }).finish(),
    });
    server.on('DescribeNamespace', () => ({ error: { code: grpc.status.NOT_FOUND, message: 'Namespace orders is not found.', details } }));
    const err = (await connection
      .rpcCall('workflow', 'DescribeNamespace', ws.DescribeNamespaceRequest.encode({ namespace: 'orders' }).finish())
      .catch((e: unknown) => e)) as CoreError;
    expect(err).toBeInstanceOf(CoreError);
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.message).toMatch(/Namespace orders is not found/);
    expect(Buffer.from(err.details as Uint8Array)).toEqual(Buffer.from(details));
  });

  it('leaves details undefined when the server sent none', async () => {
    server.on('DescribeNamespace', () => ({ error: { code: grpc.status.PERMISSION_DENIED, message: 'no' } }));
    const err = (await connection.rpcCall('workflow', 'DescribeNamespace', new Uint8Array()).catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err.details === undefined || err.details.length === 0).toBe(true);
  });

  it('adds per-call metadata to that call only', async () => {
    server.on('GetClusterInfo', () => ({ ok: ws.GetClusterInfoResponse.encode({}).finish() }));
    await connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array(), { metadata: { 'x-call': 'one' } });
    await connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array());
    const [first, second] = server.callsTo('GetClusterInfo');
    expect(first.metadata['x-call']).toBe('one');
    expect(first.metadata['x-tenant']).toBe('blue');
    expect(second.metadata['x-call']).toBeUndefined();
  });

  it('replaces the connection metadata on updateMetadata, keeping binary metadata', async () => {
    server.on('GetClusterInfo', () => ({ ok: ws.GetClusterInfoResponse.encode({}).finish() }));
    connection.updateMetadata({ 'x-tenant': 'green' });
    await connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array());
    const [call] = server.callsTo('GetClusterInfo');
    expect(call.metadata['x-tenant']).toBe('green');
    expect(Buffer.from(call.metadata['x-trace-bin'] as Buffer)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('sends the API key as a bearer token after updateApiKey', async () => {
    server.on('GetClusterInfo', () => ({ ok: ws.GetClusterInfoResponse.encode({}).finish() }));
    connection.updateApiKey('secret-key');
    await connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array());
    expect(server.callsTo('GetClusterInfo')[0].metadata.authorization).toBe('Bearer secret-key');
  });

  it('rejects with code CANCELLED when the signal aborts a call in flight', async () => {
    server.on('GetClusterInfo', () => ({ hang: true }));
    const controller = new AbortController();
    const call = connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array(), { signal: controller.signal });
    // Abort once the server holds the call, so it is genuinely in flight.
    await new Promise<void>((resolve) => {
      const check = () => (server.callsTo('GetClusterInfo').length > 0 ? resolve() : setImmediate(check));
      check();
    });
    controller.abort();
    const err = (await call.catch((e: unknown) => e)) as CoreError;
    expect(err).toBeInstanceOf(CoreError);
    expect(err.code).toBe(grpc.status.CANCELLED);
  });

  it('cancels many calls sharing one signal, without a listener-leak warning', async () => {
    server.on('GetClusterInfo', () => ({ hang: true }));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const calls = Array.from({ length: 50 }, () =>
        connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array(), { signal: controller.signal }).catch((e: unknown) => e),
      );
      await new Promise<void>((resolve) => {
        const check = () => (server.callsTo('GetClusterInfo').length === 50 ? resolve() : setTimeout(check, 5));
        check();
      });
      controller.abort();
      const errors = (await Promise.all(calls)) as CoreError[];
      expect(errors.every((e) => e instanceof CoreError && e.code === grpc.status.CANCELLED)).toBe(true);
      // Warnings are emitted on the next tick; let them arrive before looking.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('settles every one of 1000 concurrent calls when a third are aborted at random moments', async () => {
    server.on('DescribeNamespace', (req) => {
      const { namespace } = ws.DescribeNamespaceRequest.decode(req);
      return { ok: ws.DescribeNamespaceResponse.encode({ namespaceInfo: { name: namespace } }).finish() };
    });
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const controller = i % 3 === 0 ? new AbortController() : undefined;
        if (controller !== undefined) {
          // Abort before sending, right after, or a few event-loop turns into the call.
          const turns = i % 4;
          if (turns === 0) controller.abort();
          else setTimeout(() => controller.abort(), turns);
        }
        const request = ws.DescribeNamespaceRequest.encode({ namespace: `ns-${i}` }).finish();
        try {
          const bytes = await connection.rpcCall('workflow', 'DescribeNamespace', request, { signal: controller?.signal });
          return ws.DescribeNamespaceResponse.decode(bytes).namespaceInfo?.name === `ns-${i}` ? 'answered' : 'wrong answer';
        } catch (err) {
          return controller !== undefined && err instanceof CoreError && err.code === grpc.status.CANCELLED ? 'cancelled' : String(err);
        }
      }),
    );
    const unexpected = outcomes.filter((o) => o !== 'answered' && o !== 'cancelled');
    expect(unexpected).toEqual([]);
    // Every call that was never aborted was answered.
    expect(outcomes.filter((o, i) => i % 3 !== 0 && o !== 'answered')).toEqual([]);
  });

  it('rejects a call whose timeoutMs passes first', async () => {
    server.on('GetClusterInfo', () => ({ hang: true }));
    const err = (await connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array(), { timeoutMs: 50 }).catch((e: unknown) => e)) as CoreError;
    expect(err).toBeInstanceOf(CoreError);
    // tonic ends its own client-side deadline as CANCELLED "Timeout expired"; a server-side
    // deadline would be DEADLINE_EXCEEDED. Either way the call fails with the deadline named.
    expect([grpc.status.CANCELLED, grpc.status.DEADLINE_EXCEEDED]).toContain(err.code);
    expect(err.message).toMatch(/timeout|deadline/i);
  });

  it('rejects an RPC name the core does not know with a CoreError', async () => {
    const err = await connection.rpcCall('workflow', 'NoSuchMethod', new Uint8Array()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).message).toMatch(/NoSuchMethod/);
  });

  it('validates a worker by describing its namespace', async () => {
    server.on('DescribeNamespace', () => ({ ok: ws.DescribeNamespaceResponse.encode({ namespaceInfo: { name: 'default' } }).finish() }));
    const worker = connection.createWorker(workflowOnlyWorker('validate-queue'));
    await worker.validate();
    expect(ws.DescribeNamespaceRequest.decode(server.callsTo('DescribeNamespace')[0].request).namespace).toBe('default');
    worker.initiateShutdown();
    await expect(worker.pollWorkflowActivation()).resolves.toBeNull();
    await worker.finalizeShutdown();
  });

  it('ends a long poll in flight with null once shutdown is initiated, then finalizes', async () => {
    server.on('PollWorkflowTaskQueue', () => ({ hang: true }));
    const worker = connection.createWorker(workflowOnlyWorker('shutdown-queue'));
    const poll = worker.pollWorkflowActivation();
    await new Promise<void>((resolve) => {
      const check = () => (server.callsTo('PollWorkflowTaskQueue').length > 0 ? resolve() : setImmediate(check));
      check();
    });
    await expect(worker.finalizeShutdown()).rejects.toBeInstanceOf(WorkerStateError);
    worker.initiateShutdown();
    await expect(poll).resolves.toBeNull();
    await worker.finalizeShutdown();
    await expect(worker.pollWorkflowActivation()).rejects.toBeInstanceOf(WorkerStateError);
  });

  it('keeps a retried call within its deadline: DEADLINE_EXCEEDED, not the last attempt\'s UNAVAILABLE', async () => {
    server.on('GetClusterInfo', () => ({ error: { code: grpc.status.UNAVAILABLE, message: 'try again' } }));
    const err = (await connection
      .rpcCall('workflow', 'GetClusterInfo', new Uint8Array(), { retry: true, timeoutMs: 400 })
      .catch((e: unknown) => e)) as CoreError;
    expect(err).toBeInstanceOf(CoreError);
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // Several attempts were made (the core's backoff starts at 100 ms) before the deadline ended them.
    expect(server.callsTo('GetClusterInfo').length).toBeGreaterThan(1);
  });

  it('makes one attempt only when the connection\'s retry policy says maxRetries: 0', async () => {
    const noRetries = await runtime.connect({
      ...connectionBase,
      address: server.address,
      retry: { initialIntervalMs: 10, randomizationFactor: 0, multiplier: 1, maxIntervalMs: 10, maxElapsedTimeMs: 5000, maxRetries: 0 },
    });
    try {
      server.on('GetClusterInfo', () => ({ error: { code: grpc.status.UNAVAILABLE, message: 'down' } }));
      const err = (await noRetries.rpcCall('workflow', 'GetClusterInfo', new Uint8Array(), { retry: true }).catch((e: unknown) => e)) as CoreError;
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
      expect(server.callsTo('GetClusterInfo')).toHaveLength(1);
    } finally {
      await noRetries.close();
    }
  });

  it('refuses calls after close with a CoreError', async () => {
    await connection.close();
    await expect(connection.rpcCall('workflow', 'GetClusterInfo', new Uint8Array())).rejects.toBeInstanceOf(CoreError);
  });
}
