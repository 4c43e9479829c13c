/**
 * Test helpers: the native backend running on the fake core (test/fake-core), built by
 * `npm install` into test/fake-core/build/Release, next to the addon in build/Release (or, under
 * memcheck, into the sanitizer build directories named by TEMPORAL_FAKE_CORE_LIBRARY and
 * TEMPORAL_NATIVE_BUILD_DIR).
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { coresdk } from '@temporalio/proto';
import { createNativeRuntime } from '../../lib/core/native';
import { validateRuntimeOptions } from '../../lib/core/options';
import type { ConnectionOptions, CoreConnection, CoreRuntime, RuntimeOptions, WorkerOptions } from '../../lib/core/types';

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = process.env.TEMPORAL_NATIVE_BUILD_DIR ?? path.join(ROOT, 'build', 'Release');

/** The fake core library; the addon is taken from the build (never a stale prebuild). */
export const FAKE_CORE =
  process.env.TEMPORAL_FAKE_CORE_LIBRARY ?? path.join(ROOT, 'test', 'fake-core', 'build', 'Release', 'libtemporalio_sdk_core_c_bridge.so');
process.env.TEMPORAL_NATIVE_ADDON ??= path.join(BUILD, 'temporal_native.node');
export const ADDON = process.env.TEMPORAL_NATIVE_ADDON;

if (!existsSync(FAKE_CORE) || !existsSync(ADDON)) {
  throw new Error(`Native tests need the addon and fake core built (npm install): ${ADDON}, ${FAKE_CORE}`);
}

/**
 * The native backend's runtime on the fake core, without the validating facade: these tests reach
 * the addon's own argument checks, so connection options go to it as given.
 */
export async function fakeRuntime(options: RuntimeOptions = {}): Promise<CoreRuntime> {
  const runtime = await createNativeRuntime(validateRuntimeOptions({ coreLibraryPath: FAKE_CORE, ...options }));
  return runtime as Omit<typeof runtime, 'connect'> as CoreRuntime;
}

export const connectionOptions: ConnectionOptions = {
  address: 'localhost:7233',
  identity: 'native-test@host',
  clientName: 'temporal-native-tests',
  clientVersion: '0.0.0',
};

export async function fakeConnection(options: RuntimeOptions = {}): Promise<{ runtime: CoreRuntime; connection: CoreConnection }> {
  const runtime = await fakeRuntime(options);
  const connection = await runtime.connect(connectionOptions);
  return { runtime, connection };
}

export interface FakeStats {
  byteArrays: number;
  runtimes: number;
  connections: number;
  workers: number;
  pushers: number;
  tokens: number;
  rpcsInFlight: number;
  workerOpsInFlight: number;
  heartbeats: number;
  evictions: number;
}

/** The fake core's live counts (the Stats call itself excluded). */
export async function stats(connection: CoreConnection): Promise<FakeStats> {
  const bytes = await connection.rpcCall('test', 'Stats', new Uint8Array());
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as FakeStats;
}

/**
 * Live counts once every core callback delivered so far has been processed on the JS thread:
 * asks until two consecutive answers agree and nothing is in flight. Bounded by attempts, not time.
 */
export async function settledStats(connection: CoreConnection): Promise<FakeStats> {
  let previous = '';
  for (let attempt = 0; attempt < 500; attempt++) {
    const current = await stats(connection);
    const text = JSON.stringify(current);
    if (text === previous && current.rpcsInFlight === 0 && current.workerOpsInFlight === 0) return current;
    previous = text;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`fake core counts never settled: ${previous}`);
}

/** A task queue name of its own per test, so scripted tasks never leak between tests. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2)}`;
}

export function workerOptions(taskQueue: string, overrides: Partial<WorkerOptions> = {}): WorkerOptions {
  return {
    namespace: 'default',
    taskQueue,
    buildId: 'native-test-build',
    taskTypes: { workflows: true, activities: true, localActivities: false, nexus: false },
    slots: { workflow: 10, activity: 10, localActivity: 10, nexus: 1 },
    maxCachedWorkflows: 100,
    stickyQueueScheduleToStartTimeoutMs: 10_000,
    maxHeartbeatThrottleIntervalMs: 60_000,
    defaultHeartbeatThrottleIntervalMs: 30_000,
    gracefulShutdownPeriodMs: 0,
    maxActivitiesPerSecond: 0,
    maxTaskQueueActivitiesPerSecond: 0,
    workflowTaskPollerBehavior: { simpleMaximum: 2 },
    activityTaskPollerBehavior: { simpleMaximum: 2 },
    nexusTaskPollerBehavior: { simpleMaximum: 1 },
    nonStickyToStickyPollRatio: 0.2,
    maxEagerActivityReservations: 3,
    ...overrides,
  };
}

/** Scripts one task for pollers of `taskQueue` through the fake core's Test service. */
export async function enqueueTask(
  connection: CoreConnection,
  taskQueue: string,
  kind: 'workflow' | 'activity',
  bytes: Uint8Array,
): Promise<void> {
  await connection.rpcCall('test', 'EnqueueTask', bytes, { metadata: { 'fake-task-queue': taskQueue, 'fake-kind': kind } });
}

export function text(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString('utf8');
}

/**
 * The messages the fake core reads and writes, as the real core does: tasks are scripted as real
 * activations and activity tasks, and completions must decode as the core's completion messages.
 */
export const messages = {
  /** A workflow activation for `runId` (by default one that starts the workflow). */
  activation(runId: string, jobs: coresdk.workflow_activation.IWorkflowActivationJob[] = [{ initializeWorkflow: { workflowType: 'wf', workflowId: `wf-${runId}` } }]): Uint8Array {
    return coresdk.workflow_activation.WorkflowActivation.encode({ runId, jobs }).finish();
  },
  /** An activity task that starts an activity. */
  activityTask(taskToken: string): Uint8Array {
    return coresdk.activity_task.ActivityTask.encode({ taskToken: Buffer.from(taskToken), start: { activityType: 'act' } }).finish();
  },
  /** A successful workflow activation completion (no commands unless given). */
  workflowCompletion(runId: string, commands: coresdk.workflow_commands.IWorkflowCommand[] = []): Uint8Array {
    return coresdk.workflow_completion.WorkflowActivationCompletion.encode({ runId, successful: { commands } }).finish();
  },
  /** A failed workflow activation completion. */
  workflowFailure(runId: string, message = 'workflow code threw'): Uint8Array {
    return coresdk.workflow_completion.WorkflowActivationCompletion.encode({ runId, failed: { failure: { message } } }).finish();
  },
  /** A completed activity with an (empty) result payload. */
  activityCompletion(taskToken: string): Uint8Array {
    return coresdk.ActivityTaskCompletion.encode({ taskToken: Buffer.from(taskToken), result: { completed: { result: {} } } }).finish();
  },
  heartbeat(taskToken: string): Uint8Array {
    return coresdk.ActivityHeartbeat.encode({ taskToken: Buffer.from(taskToken) }).finish();
  },
  decodeActivation(bytes: Uint8Array | null): coresdk.workflow_activation.WorkflowActivation {
    if (bytes === null) throw new Error('expected an activation, the poller shut down');
    return coresdk.workflow_activation.WorkflowActivation.decode(bytes);
  },
  decodeActivityTask(bytes: Uint8Array | null): coresdk.activity_task.ActivityTask {
    if (bytes === null) throw new Error('expected an activity task, the poller shut down');
    return coresdk.activity_task.ActivityTask.decode(bytes);
  },
};

/** The eviction an activation carries, if it is one. */
export function eviction(activation: coresdk.workflow_activation.WorkflowActivation): { message: string; reason: string } | undefined {
  const job = activation.jobs.find((j) => j.removeFromCache);
  if (!job) return undefined;
  const reason = coresdk.workflow_activation.RemoveFromCache.EvictionReason[job.removeFromCache!.reason ?? 0];
  return { message: job.removeFromCache!.message ?? '', reason };
}

/** Whether `promise` is still pending once everything already delivered has been processed. */
export async function pending(promise: Promise<unknown>, ms = 50): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([promise.then(() => undefined, () => undefined), new Promise((resolve) => setTimeout(() => resolve(marker), ms))]);
  return winner === marker;
}

export interface FakeWorkerState {
  namespace: string;
  taskQueue: string;
  identity: string;
  buildId: string;
  registered: boolean;
  shutdown: boolean;
  cachedRuns: string[];
  outstandingActivities: number;
  replay: boolean;
  /** Replay workers: histories pushed but not yet in the replay stream, and waiting in it. */
  historiesInTransit: number;
  historiesInStream: number;
}

/** The live workers (replay workers included) of `taskQueue` as the fake core sees them. */
export async function workersOn(connection: CoreConnection, taskQueue: string): Promise<FakeWorkerState[]> {
  const bytes = await connection.rpcCall('test', 'Workers', new Uint8Array(), { metadata: { 'fake-task-queue': taskQueue } });
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as FakeWorkerState[];
}

/** test/fake-core/probe.cc, built next to the fake core: drives the C ABI without the addon. */
export const PROBE = path.join(path.dirname(FAKE_CORE), 'fake_core_probe');

/**
 * What the core answers, through probe.cc: to worker (or replayer) options changed as `scenario`
 * says, or (register-again) to the same worker created again after the first was freed.
 */
export function probeOptions(command: 'worker-options' | 'replayer-options' | 'register-again', scenario: string): string {
  const run = spawnSync(PROBE, [FAKE_CORE, command, scenario], { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`probe ${command} ${scenario} exited ${run.status}: ${run.stderr}${run.stdout}`);
  return run.stdout.trim();
}
