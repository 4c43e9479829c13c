/**
 * The core layer's contract, run against every backend available in this process.
 *
 * Server-less behaviour (runtime, logs, refused connections, option validation, replay and the
 * shutdown order) runs everywhere; connection, rpcCall and worker tests run once the embedded dev
 * server (`lib/testing`) exists.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Long from 'long';
import { coresdk, google, temporal } from '@temporalio/proto';
import { CoreError, WorkerStateError, createRuntime } from '../../lib/core';
import type { ConnectionOptions, CoreConnection, CoreLogRecord, CoreReplayer, CoreRuntime, CoreWorker, ReplayerOptions } from '../../lib/core';
import { workerOptionsWithDefaults } from '../../lib/core';
import { closedPort, contractBackends, devServerAvailable, startDevServer, type ContractBackend, type DevServerHandle } from './backends';
import { firstWorkflowTaskHistory } from './histories';

const connectionBase = { identity: 'contract@test', clientName: 'temporal-native', clientVersion: '0.1.0' } as const;

function decodeActivation(bytes: Uint8Array) {
  return coresdk.workflow_activation.WorkflowActivation.decode(bytes);
}

function emptyCompletion(runId: string): Uint8Array {
  return coresdk.workflow_completion.WorkflowActivationCompletion.encode({ runId, successful: { commands: [] } }).finish();
}

/** Answers every activation the replayer still delivers until its poller reports shutdown. */
async function drainWorkflowPoller(worker: CoreWorker): Promise<void> {
  for (;;) {
    const bytes = await worker.pollWorkflowActivation();
    if (bytes === null) return;
    await worker.completeWorkflowActivation(emptyCompletion(decodeActivation(bytes).runId));
  }
}

// The available backends are only known asynchronously; vitest awaits an async suite factory while
// collecting, so the per-backend suites are declared inside one.
describe('core contract', async () => {
  for (const backend of await contractBackends()) describe(`on the ${backend.name} backend`, () => contractSuite(backend));
});

function contractSuite(backend: ContractBackend): void {
  let runtime: CoreRuntime;

  beforeEach(async () => {
    runtime = await createRuntime({ backend: backend.name, coreLibraryPath: backend.coreLibraryPath });
  });

  afterEach(async () => {
    await runtime.close();
  });

  describe('runtime', () => {
    it('reports the backend it runs on', () => {
      expect(runtime.backend).toBe(backend.name);
    });

    it('can be closed twice', async () => {
      await runtime.close();
      await expect(runtime.close()).resolves.toBeUndefined();
    });

    it('refuses new connections once closed', async () => {
      await runtime.close();
      const err = await runtime.connect({ ...connectionBase, address: '127.0.0.1:1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CoreError);
    });

    it.skipIf(backend.fake)('forwards core log lines to the logger as CoreLogRecords', async () => {
      let first: (record: CoreLogRecord) => void = () => undefined;
      const received = new Promise<CoreLogRecord>((resolve) => (first = resolve));
      const logging = await createRuntime({
        backend: backend.name,
        coreLibraryPath: backend.coreLibraryPath,
        logFilter: 'INFO',
        logger: (record) => first(record),
      });
      try {
        // Creating a worker makes the core log at INFO ("Initializing worker").
        const replayer = logging.createReplayer({ taskQueue: 'log-forwarding' });
        const record = await received;
        expect(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).toContain(record.level);
        expect(record.message.length).toBeGreaterThan(0);
        expect(record.target).toMatch(/temporal/);
        expect(Number.isFinite(record.timestampMs) && record.timestampMs > 0).toBe(true);
        expect(typeof record.fields).toBe('object');
        replayer.closeHistoryStream();
        replayer.worker.initiateShutdown();
        await drainWorkflowPoller(replayer.worker);
        await replayer.worker.finalizeShutdown();
      } finally {
        await logging.close();
      }
    });
  });

  describe('connect', () => {
    it.skipIf(backend.fake)('to a port where nothing listens fails with a CoreError (connection refused)', async () => {
      const port = await closedPort();
      const err = await runtime.connect({ ...connectionBase, address: `127.0.0.1:${port}` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).message).toMatch(/refused/i);
    });
  });

  describe('bad options are TypeErrors naming the field', () => {
    const badConnections: Array<[string, Partial<ConnectionOptions> & Record<string, unknown>, RegExp]> = [
      ['an empty address', { address: '' }, /^connection options\.address must be a non-empty "host:port" string/],
      ['an address without a port', { address: 'localhost' }, /^connection options\.address must be a non-empty "host:port" string/],
      ['a port out of range', { address: 'localhost:70000' }, /^connection options\.address has a port outside 1-65535/],
      ['an unsupported URL scheme', { address: 'grpc://localhost:7233' }, /^connection options\.address must use http:\/\/ or https:\/\//],
      ['an empty identity', { address: 'localhost:7233', identity: '' }, /^connection options\.identity must be a non-empty string/],
      ['an upper-case metadata key', { address: 'localhost:7233', metadata: { 'X-Tenant': 'a' } }, /^connection options\.metadata key "X-Tenant"/],
      ['binary metadata without -bin', { address: 'localhost:7233', binaryMetadata: { trace: new Uint8Array([1]) } }, /^connection options\.binaryMetadata key "trace" must end with "-bin"/],
      ['a client certificate given as a string', { address: 'localhost:7233', tls: { clientCertPair: { crt: 'pem', key: new Uint8Array([1]) } } as never }, /^connection options\.tls\.clientCertPair\.crt must be a Uint8Array/],
      ['an http:// URL with TLS on', { address: 'http://localhost:7233', tls: true }, /^connection options\.address uses http:\/\/ but TLS is enabled/],
    ];

    it.each(badConnections)('connect with %s', async (_what, override, message) => {
      const err = await runtime.connect({ ...connectionBase, address: 'localhost:7233', ...override } as ConnectionOptions).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as TypeError).message).toMatch(message);
    });

    it('createReplayer with a cache size, which the core would ignore', () => {
      const options = { maxCachedWorkflows: 10 } as unknown as ReplayerOptions;
      expect(() => runtime.createReplayer(options)).toThrow(/^replayer options\.maxCachedWorkflows is not supported/);
    });

    it('createReplayer with an empty task queue', () => {
      expect(() => runtime.createReplayer({ taskQueue: '' })).toThrow(TypeError);
      expect(() => runtime.createReplayer({ taskQueue: '' })).toThrow(/^replayer options\.taskQueue/);
    });

    it('pushHistory with a history that is not bytes', async () => {
      const replayer = runtime.createReplayer({});
      const err = await replayer.pushHistory('wf', 'not bytes' as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as TypeError).message).toMatch(/^pushHistory history must be a Uint8Array/);
      await shutDownReplayer(replayer);
    });
  });

  describe.skipIf(backend.fake)('replayer', () => {
    const taskQueue = 'contract-replay';
    const runId = 'c0ffee00-0000-4000-8000-000000000001';

    async function replayFirstTask(replayer: CoreReplayer) {
      const history = firstWorkflowTaskHistory({ workflowType: 'orderWorkflow', taskQueue, runId, startMs: Date.UTC(2026, 0, 2, 3, 4, 5) });
      await replayer.pushHistory('order-1', history);
      const bytes = await replayer.worker.pollWorkflowActivation();
      expect(bytes).not.toBeNull();
      return decodeActivation(bytes as Uint8Array);
    }

    it('turns a pushed history into an activation that initializes the workflow', async () => {
      const replayer = runtime.createReplayer({ taskQueue });
      const activation = await replayFirstTask(replayer);
      expect(activation.runId).toBe(runId);
      const init = activation.jobs.find((job) => job.initializeWorkflow)?.initializeWorkflow;
      expect(init?.workflowType).toBe('orderWorkflow');
      expect(init?.workflowId).toBe('order-1');
      expect(init?.firstExecutionRunId).toBe(runId);
      await replayer.worker.completeWorkflowActivation(emptyCompletion(activation.runId));
      await shutDownReplayer(replayer);
    });

    it('shuts down in order: initiate, drain to null, finalize', async () => {
      const replayer = runtime.createReplayer({ taskQueue });
      const activation = await replayFirstTask(replayer);
      await replayer.worker.completeWorkflowActivation(emptyCompletion(activation.runId));
      replayer.closeHistoryStream();
      replayer.worker.initiateShutdown();
      await drainWorkflowPoller(replayer.worker);
      await expect(replayer.worker.finalizeShutdown()).resolves.toBeUndefined();
    });

    it('rejects a history that is not a History message with a CoreError', async () => {
      const replayer = runtime.createReplayer({ taskQueue });
      const err = await replayer.pushHistory('broken', new Uint8Array([0xff, 0xff, 0xff])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CoreError);
      await shutDownReplayer(replayer);
    });
  });

  describe('worker shutdown order (on a replay worker)', () => {
    const taskQueue = 'contract-shutdown';
    const runId = 'c0ffee00-0000-4000-8000-000000000002';

    it('refuses to finalize before shutdown was initiated', async () => {
      const replayer = runtime.createReplayer({ taskQueue });
      await expect(replayer.worker.finalizeShutdown()).rejects.toBeInstanceOf(WorkerStateError);
      await shutDownReplayer(replayer);
    });

    it('refuses to finalize while the poller has not been drained', async () => {
      const replayer = runtime.createReplayer({ taskQueue });
      replayer.closeHistoryStream();
      replayer.worker.initiateShutdown();
      await expect(replayer.worker.finalizeShutdown()).rejects.toBeInstanceOf(WorkerStateError);
      await drainWorkflowPoller(replayer.worker);
      await replayer.worker.finalizeShutdown();
    });

    it('answers every call after finalize with WorkerStateError instead of reaching the core', async () => {
      const replayer = runtime.createReplayer({ taskQueue });
      await shutDownReplayer(replayer);
      const worker = replayer.worker;
      await expect(worker.pollWorkflowActivation()).rejects.toBeInstanceOf(WorkerStateError);
      await expect(worker.completeWorkflowActivation(emptyCompletion(runId))).rejects.toBeInstanceOf(WorkerStateError);
      await expect(worker.finalizeShutdown()).rejects.toBeInstanceOf(WorkerStateError);
      expect(() => worker.initiateShutdown()).toThrow(WorkerStateError);
      expect(() => worker.recordActivityHeartbeat(new Uint8Array())).toThrow(WorkerStateError);
    });

  });

  describe.skipIf(!devServerAvailable || backend.fake)('against the dev server', () => {
    let server: DevServerHandle;
    let connection: CoreConnection;

    beforeEach(async () => {
      server = await startDevServer();
      connection = await runtime.connect({ ...connectionBase, address: server.address });
    });

    afterEach(async () => {
      await connection.close();
      await server.stop();
    });

    it('answers GetSystemInfo through rpcCall', async () => {
      const request = temporal.api.workflowservice.v1.GetSystemInfoRequest.encode({}).finish();
      const bytes = await connection.rpcCall('workflow', 'GetSystemInfo', request);
      const response = temporal.api.workflowservice.v1.GetSystemInfoResponse.decode(bytes);
      expect(response.capabilities).toBeDefined();
    });

    it('rejects a failing RPC with code, message and google.rpc.Status details', async () => {
      const request = temporal.api.workflowservice.v1.DescribeNamespaceRequest.encode({ namespace: 'no-such-namespace' }).finish();
      const err = (await connection.rpcCall('workflow', 'DescribeNamespace', request).catch((e: unknown) => e)) as CoreError;
      expect(err).toBeInstanceOf(CoreError);
      expect(err.code).toBe(5);
      expect(err.message.length).toBeGreaterThan(0);
      expect(err.details).toBeInstanceOf(Uint8Array);
      const status = google.rpc.Status.decode(err.details as Uint8Array);
      expect(status.code).toBe(5);
    });

    it('rejects an rpcCall whose signal is already aborted with code CANCELLED', async () => {
      const request = temporal.api.workflowservice.v1.GetSystemInfoRequest.encode({}).finish();
      const controller = new AbortController();
      controller.abort();
      const err = (await connection.rpcCall('workflow', 'GetSystemInfo', request, { signal: controller.signal }).catch((e: unknown) => e)) as CoreError;
      expect(err).toBeInstanceOf(CoreError);
      expect(err.code).toBe(1);
    });

    it('rejects an unknown RPC name with a CoreError', async () => {
      const err = await connection.rpcCall('workflow', 'NoSuchMethod', new Uint8Array()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CoreError);
    });

    it('runs a worker through poll, complete and the shutdown order', async () => {
      const taskQueue = `contract-${Math.random().toString(36).slice(2)}`;
      const worker = connection.createWorker(
        workerOptionsWithDefaults({
          namespace: server.namespace,
          taskQueue,
          buildId: 'contract',
          taskTypes: { workflows: true, activities: false, localActivities: false },
        }),
      );
      await worker.validate();
      const start = temporal.api.workflowservice.v1.StartWorkflowExecutionRequest.encode({
        namespace: server.namespace,
        workflowId: 'contract-wf',
        workflowType: { name: 'contractWorkflow' },
        taskQueue: { name: taskQueue },
        requestId: 'contract-request-1',
        identity: connectionBase.identity,
      }).finish();
      await connection.rpcCall('workflow', 'StartWorkflowExecution', start);

      const activation = decodeActivation((await worker.pollWorkflowActivation()) as Uint8Array);
      expect(activation.jobs.some((job) => job.initializeWorkflow?.workflowType === 'contractWorkflow')).toBe(true);
      await worker.completeWorkflowActivation(
        coresdk.workflow_completion.WorkflowActivationCompletion.encode({
          runId: activation.runId,
          successful: { commands: [{ completeWorkflowExecution: {} }] },
        }).finish(),
      );

      worker.initiateShutdown();
      await drainWorkflowPoller(worker);
      await worker.finalizeShutdown();
    });

    it('runs an activity round trip: schedule, poll, heartbeat, complete, resolve', async () => {
      const taskQueue = `contract-${Math.random().toString(36).slice(2)}`;
      const worker = connection.createWorker(
        workerOptionsWithDefaults({
          namespace: server.namespace,
          taskQueue,
          buildId: 'contract',
          taskTypes: { workflows: true, activities: true, localActivities: false },
        }),
      );
      await connection.rpcCall(
        'workflow',
        'StartWorkflowExecution',
        temporal.api.workflowservice.v1.StartWorkflowExecutionRequest.encode({
          namespace: server.namespace,
          workflowId: 'contract-activity-wf',
          workflowType: { name: 'contractWorkflow' },
          taskQueue: { name: taskQueue },
          requestId: 'contract-request-2',
          identity: connectionBase.identity,
        }).finish(),
      );
      const completion = coresdk.workflow_completion.WorkflowActivationCompletion;

      const first = decodeActivation((await worker.pollWorkflowActivation()) as Uint8Array);
      await worker.completeWorkflowActivation(
        completion
          .encode({
            runId: first.runId,
            successful: {
              commands: [
                {
                  scheduleActivity: {
                    seq: 1,
                    activityId: '1',
                    activityType: 'greet',
                    taskQueue,
                    startToCloseTimeout: { seconds: Long.fromNumber(30) },
                    doNotEagerlyExecute: true,
                  },
                },
              ],
            },
          })
          .finish(),
      );

      const task = coresdk.activity_task.ActivityTask.decode((await worker.pollActivityTask()) as Uint8Array);
      expect(task.start?.activityType).toBe('greet');
      worker.recordActivityHeartbeat(coresdk.ActivityHeartbeat.encode({ taskToken: task.taskToken, details: [] }).finish());
      const result = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"hello"') };
      await worker.completeActivityTask(
        coresdk.ActivityTaskCompletion.encode({ taskToken: task.taskToken, result: { completed: { result } } }).finish(),
      );

      const second = decodeActivation((await worker.pollWorkflowActivation()) as Uint8Array);
      const resolved = second.jobs.find((job) => job.resolveActivity)?.resolveActivity;
      expect(resolved?.seq).toBe(1);
      expect(Buffer.from(resolved?.result?.completed?.result?.data ?? []).toString()).toBe('"hello"');
      await worker.completeWorkflowActivation(
        completion.encode({ runId: second.runId, successful: { commands: [{ completeWorkflowExecution: {} }] } }).finish(),
      );

      worker.initiateShutdown();
      await drainWorkflowPoller(worker);
      expect(await worker.pollActivityTask()).toBeNull();
      await worker.finalizeShutdown();
    });
  });
}

async function shutDownReplayer(replayer: CoreReplayer): Promise<void> {
  replayer.closeHistoryStream();
  replayer.worker.initiateShutdown();
  await drainWorkflowPoller(replayer.worker);
  await replayer.worker.finalizeShutdown();
}
