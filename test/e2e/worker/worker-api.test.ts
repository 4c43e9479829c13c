/**
 * The `Worker.create` surface of `@temporalio/worker` beyond the basics, each option shown doing
 * its job on a real core against a real server: pre-built bundles, bundler options, what the
 * bundler accepts, tuners, poller behaviors, rate limits, interceptors, sinks, failure types,
 * isolation, debug mode, the forced shutdown and the built-in stack trace queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IllegalStateError } from '@temporalio/common';
import { Client, Connection, WorkflowFailedError } from '../../../lib';
import { Context } from '../../../lib/activity';
import {
  GracefulShutdownPeriodExpiredError,
  LevelLogger,
  Worker,
  bundleWorkflowCode,
  runReplayHistory,
  type LogLevel,
  type LogMetadata,
  type WorkerOptions,
} from '../../../lib/worker';
import { startTestServer, type TestServer } from '../../support/real-server';
import { eventually } from '../../support/eventually';
import {
  buildStage,
  callGreet,
  callStubborn,
  failValidation,
  fromSharedFile,
  hello,
  protoEnumName,
  recordAndSleep,
  release,
  spin,
  waitForRelease,
} from './fixtures/api-workflows';
import { apiWorkflowsPath } from './fixtures/shared-paths';

class RecordingLogger extends LevelLogger {
  readonly lines: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.lines.push({ level, message, meta });
  }
}

const workflowsPath = path.join(__dirname, 'fixtures', 'api-workflows.ts');
const activities = { greet: async (name: string) => `Hi ${name}` };

let server: TestServer;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: server.namespace });
}, 120_000);

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

type ExtraOptions = Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue'>;

/** A worker of ours on a fresh task queue, running `body` with it. */
async function withWorker<T>(options: ExtraOptions, body: (taskQueue: string, worker: Worker) => Promise<T>): Promise<T> {
  const taskQueue = `worker-api-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    namespace: server.namespace,
    taskQueue,
    logger: new RecordingLogger(),
    handleSignals: false,
    ...options,
  } as WorkerOptions);
  return worker.runUntil(() => body(taskQueue, worker));
}

function execute<A extends unknown[], R>(workflow: (...args: A) => Promise<R>, taskQueue: string, ...args: A): Promise<R> {
  return client.workflow.execute(workflow, { taskQueue, workflowId: `${workflow.name}-${randomUUID()}`, args }) as Promise<R>;
}

describe('workflow bundles', () => {
  it('runs a bundle made ahead of time by bundleWorkflowCode, given as code', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath });
    const result = await withWorker({ workflowBundle: { code: bundle.code, sourceMap: bundle.sourceMap } }, (tq) => execute(hello, tq, 'bundle'));
    expect(result).toBe('Hello, bundle');
  });

  it('runs a bundle made ahead of time, given as a file path', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath });
    const codePath = path.join(mkdtempSync(path.join(tmpdir(), 'workflow-bundle-')), 'bundle.js');
    writeFileSync(codePath, bundle.code);
    expect(await withWorker({ workflowBundle: { codePath } }, (tq) => execute(hello, tq, 'file'))).toBe('Hello, file');
  });

  it('applies bundlerOptions.esbuildConfigHook to the workflow build', async () => {
    const result = await withWorker(
      { workflowsPath, bundlerOptions: { esbuildConfigHook: (options) => ({ ...options, define: { ...options.define, __BUILD_STAGE__: '"staging"' } }) } },
      (tq) => execute(buildStage, tq),
    );
    expect(result).toBe('staging');
  });

  it('runs a workflow that imports @temporalio/proto (protobufjs probes for fs inside a guard)', async () => {
    expect(await withWorker({ workflowsPath }, (tq) => execute(protoEnumName, tq))).toBe('EVENT_TYPE_TIMER_FIRED');
  });

  it('runs a workflow that imports a file calling require.resolve for the host', async () => {
    expect(apiWorkflowsPath).toBe(workflowsPath);
    expect(await withWorker({ workflowsPath }, (tq) => execute(fromSharedFile, tq))).toBe('shared');
  });

  it('bundles and applies the workflow interceptor modules of interceptors.workflowModules', async () => {
    const result = await withWorker(
      { workflowsPath, interceptors: { workflowModules: [path.join(__dirname, 'fixtures', 'api-interceptors.ts')] } },
      (tq) => execute(hello, tq, 'interceptors'),
    );
    expect(result).toBe('Hello, interceptors (intercepted)');
  });
});

describe('slots and pollers', () => {
  it('runs workflows and activities with a tuner of fixed-size slot suppliers', async () => {
    const tuner = {
      workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
      activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 3 },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    } as const;
    expect(await withWorker({ workflowsPath, activities, tuner }, (tq) => execute(callGreet, tq, 'fixed'))).toBe('Hi fixed');
  });

  it('runs workflows and activities with a resource-based tuner', async () => {
    const tuner = { tunerOptions: { targetMemoryUsage: 0.9, targetCpuUsage: 0.95 } };
    expect(await withWorker({ workflowsPath, activities, tuner }, (tq) => execute(callGreet, tq, 'resources'))).toBe('Hi resources');
  });

  it('runs workflows and activities with autoscaling pollers', async () => {
    const result = await withWorker(
      {
        workflowsPath,
        activities,
        workflowTaskPollerBehavior: { type: 'autoscaling' },
        activityTaskPollerBehavior: { type: 'autoscaling', minimum: 1, maximum: 10, initial: 1 },
      },
      (tq) => execute(callGreet, tq, 'autoscaling'),
    );
    expect(result).toBe('Hi autoscaling');
  });

  it('runs activities under worker and task queue rate limits', async () => {
    const result = await withWorker(
      { workflowsPath, activities, maxActivitiesPerSecond: 50, maxTaskQueueActivitiesPerSecond: 50 },
      (tq) => Promise.all([execute(callGreet, tq, 'a'), execute(callGreet, tq, 'b')]),
    );
    expect(result).toEqual(['Hi a', 'Hi b']);
  });
});

describe('interceptors and sinks', () => {
  it('adds the attributes of an activity outbound interceptor to the activity log lines', async () => {
    const logger = new RecordingLogger();
    await withWorker(
      {
        workflowsPath,
        logger,
        activities: {
          greet: async (name: string) => {
            Context.current().log.info('greeting', { name });
            return `Hi ${name}`;
          },
        },
        interceptors: { activity: [() => ({ outbound: { getLogAttributes: (input, next) => next({ ...input, tenant: 'acme' }) } })] },
      },
      (tq) => execute(callGreet, tq, 'outbound'),
    );
    const line = logger.lines.find((l) => l.message === 'greeting');
    expect(line?.meta).toMatchObject({ tenant: 'acme', name: 'outbound', activityType: 'greet' });
  });

  it('calls a sink from a workflow, and on replay only when callDuringReplay is set', async () => {
    const live: string[] = [];
    const workflowId = `sink-${randomUUID()}`;
    await withWorker({ workflowsPath, sinks: { recorder: { record: { fn: (_info, message: string) => void live.push(message) } } } }, (tq) =>
      client.workflow.execute(recordAndSleep, { taskQueue: tq, workflowId, args: ['live'] }),
    );
    expect(live).toEqual(['live']);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const replayed: string[] = [];
    const skipped: string[] = [];
    await runReplayHistory({ workflowsPath, sinks: { recorder: { record: { fn: (_info, message: string) => void skipped.push(message) } } } }, history, workflowId);
    await runReplayHistory(
      { workflowsPath, sinks: { recorder: { record: { fn: (_info, message: string) => void replayed.push(message), callDuringReplay: true } } } },
      history,
      workflowId,
    );
    expect(skipped).toEqual([]);
    expect(replayed).toEqual(['live']);
  });
});

describe('workflow execution settings', () => {
  it('fails the workflow execution on an error type listed in workflowFailureErrorTypes', async () => {
    const error = await withWorker({ workflowsPath, workflowFailureErrorTypes: { '*': ['ValidationError'] } }, (tq) =>
      execute(failValidation, tq).then(() => undefined, (e: unknown) => e),
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(((error as WorkflowFailedError).cause as Error).message).toBe('bad input');
  });

  it('runs workflows in a realm each when reuseV8Context is false', async () => {
    expect(await withWorker({ workflowsPath, reuseV8Context: false }, (tq) => execute(hello, tq, 'own realm'))).toBe('Hello, own realm');
  });

  it('does not limit how long workflow code runs in debugMode', async () => {
    // One millisecond is far less than 20 million loop turns take; debugMode lifts the limit.
    const result = await withWorker({ workflowsPath, debugMode: true, isolateExecutionTimeout: 1 }, (tq) => execute(spin, tq, 20_000_000));
    expect(typeof result).toBe('number');
  });

  it('answers the built-in __stack_trace and __enhanced_stack_trace queries with where the workflow waits', async () => {
    await withWorker({ workflowsPath }, async (tq) => {
      const handle = await client.workflow.start(waitForRelease, { taskQueue: tq, workflowId: `stack-${randomUUID()}` });
      const stack = await handle.query<string>('__stack_trace');
      expect(stack).toMatch(/waitForRelease \(.*api-workflows\.ts:\d+:\d+\)/);
      const enhanced = await handle.query<{ stacks: { locations: { file_path?: string; function_name?: string }[] }[] }>('__enhanced_stack_trace');
      const locations = enhanced.stacks.flatMap((s) => s.locations);
      expect(locations).toContainEqual(expect.objectContaining({ function_name: 'waitForRelease', file_path: expect.stringMatching(/api-workflows\.ts$/) }));
      await handle.signal(release);
      expect(await handle.result()).toBe('released');
    });
  });

  it('includes the workflow source in __enhanced_stack_trace answers with showStackTraceSources', async () => {
    await withWorker({ workflowsPath, showStackTraceSources: true }, async (tq) => {
      const handle = await client.workflow.start(waitForRelease, { taskQueue: tq, workflowId: `sources-${randomUUID()}` });
      const enhanced = await handle.query<{ sources: Record<string, { content: string }[]> }>('__enhanced_stack_trace');
      const [file, contents] = Object.entries(enhanced.sources).find(([path]) => path.endsWith('api-workflows.ts')) ?? [];
      expect(file).toBe(workflowsPath);
      expect(contents?.[0]?.content).toContain('export async function waitForRelease');
      await handle.signal(release);
      await handle.result();
    });
  });
});

describe('shutdown', () => {
  it('throws IllegalStateError from shutdown() on a worker that is not running', async () => {
    const worker = await Worker.create({
      connection,
      namespace: server.namespace,
      taskQueue: `idle-${randomUUID()}`,
      activities,
      logger: new RecordingLogger(),
      handleSignals: false,
    });
    expect(() => worker.shutdown()).toThrow(IllegalStateError);
    await worker.runUntil(Promise.resolve());
    expect(() => worker.shutdown()).toThrow(IllegalStateError);
  });

  it('rejects run() with GracefulShutdownPeriodExpiredError when the drain outlasts shutdownForceTime', async () => {
    let started!: () => void;
    const activityStarted = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const activityMayFinish = new Promise<void>((resolve) => (finish = resolve));
    const taskQueue = `force-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath,
      logger: new RecordingLogger(),
      handleSignals: false,
      shutdownForceTime: '200ms',
      activities: {
        // Ignores its cancellation: only the test lets it end.
        stubborn: async () => {
          started();
          await activityMayFinish;
          return 'finally';
        },
      },
    });
    const running = worker.run();
    const handle = await client.workflow.start(callStubborn, { taskQueue, workflowId: `force-${randomUUID()}` });
    await activityStarted;
    worker.shutdown();
    await expect(running).rejects.toBeInstanceOf(GracefulShutdownPeriodExpiredError);
    expect(worker.getState()).toBe('FAILED');
    finish();
    await handle.terminate('test over');
    await eventually('the abandoned worker to let go of its task queue', async () => (await handle.describe()).status.name, (s) => s === 'TERMINATED');
  });
});
