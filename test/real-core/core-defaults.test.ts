/**
 * The core's own defaults reach the real core when the caller sets nothing: the payload size
 * warning (a zero-initialised C struct switched it off), eager activity reservations and worker
 * heartbeats (hard-coded off before), and core warnings on stderr when no logger is given.
 * Observed through what the core itself logs.
 */
import { coresdk, temporal } from '@temporalio/proto';
import Long from 'long';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, workerOptionsWithDefaults } from '../../lib/core';
import type { CoreConnection, CoreLogRecord, CoreRuntime } from '../../lib/core';
import { DevServer, type DevServerHandle } from '../../lib/testing';
import { runProcess } from '../support/run-process';
import { realCoreLibrary } from './real-core';

const ws = temporal.api.workflowservice.v1;
const connectionBase = { identity: 'defaults@test', clientName: 'temporal-native', clientVersion: '0.1.0' } as const;

function startRequest(taskQueue: string, inputBytes: number): Uint8Array {
  return ws.StartWorkflowExecutionRequest.encode({
    namespace: 'default',
    workflowId: `defaults-${taskQueue}-${Math.random()}`,
    workflowType: { name: 'wf' },
    taskQueue: { name: taskQueue },
    requestId: `${Math.random()}`,
    identity: 'defaults',
    input: { payloads: [{ metadata: { encoding: Buffer.from('binary/plain') }, data: new Uint8Array(inputBytes) }] },
  }).finish();
}

describe('core defaults on the real core', () => {
  let server: DevServerHandle;
  let runtime: CoreRuntime;
  let connection: CoreConnection;
  const records: CoreLogRecord[] = [];

  beforeAll(async () => {
    server = await DevServer.start({ port: 0 });
    runtime = await createRuntime({
      backend: 'native',
      coreLibraryPath: realCoreLibrary(),
      logFilter: 'WARN,temporalio_sdk_core=DEBUG',
      logger: (record) => records.push(record),
    });
    connection = await runtime.connect({ ...connectionBase, address: server.address });
  });

  afterAll(async () => {
    await connection.close();
    await runtime.close();
    await server.stop();
  });

  async function waitFor(match: (record: CoreLogRecord) => boolean): Promise<CoreLogRecord | undefined> {
    for (let i = 0; i < 100; i++) {
      const found = records.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  }

  it('warns about a payload over the default 512 KiB threshold', async () => {
    await connection.rpcCall('workflow', 'StartWorkflowExecution', startRequest('big-payload', 600 * 1024));
    const warning = await waitFor((record) => record.level === 'WARN' && /payload/i.test(record.message));
    expect(warning).toBeDefined();
  });

  it('configures worker heartbeats by default (the core reports the server cannot take them)', async () => {
    const worker = connection.createWorker(
      workerOptionsWithDefaults({ namespace: 'default', taskQueue: 'heartbeats', buildId: 'defaults', taskTypes: { workflows: false, localActivities: false } }),
    );
    await worker.validate();
    expect(await waitFor((record) => /heartbeating configured/i.test(record.message))).toBeDefined();
    worker.initiateShutdown();
    while ((await worker.pollActivityTask()) !== null);
    await new Promise((resolve) => setImmediate(resolve));
    await worker.finalizeShutdown();
  });

  it('asks for eager execution of activities scheduled on its own task queue', async () => {
    const taskQueue = 'eager';
    const worker = connection.createWorker(workerOptionsWithDefaults({ namespace: 'default', taskQueue, buildId: 'defaults' }));
    await worker.validate();
    await connection.rpcCall('workflow', 'StartWorkflowExecution', startRequest(taskQueue, 0));
    const activation = coresdk.workflow_activation.WorkflowActivation.decode((await worker.pollWorkflowActivation())!);
    await worker.completeWorkflowActivation(
      coresdk.workflow_completion.WorkflowActivationCompletion.encode({
        runId: activation.runId,
        successful: {
          commands: [{ scheduleActivity: { seq: 1, activityId: '1', activityType: 'act', taskQueue, startToCloseTimeout: { seconds: Long.fromNumber(60) } } }],
        },
      }).finish(),
    );
    // Our dev server does not dispatch eagerly; the core says how many it had asked for.
    expect(await waitFor((record) => /eager execution than we requested/.test(record.message))).toBeDefined();
    worker.initiateShutdown();
    // Both pollers drain side by side: the activity task still comes out, and its completion
    // makes a last workflow activation.
    await Promise.all([
      (async () => {
        for (let bytes = await worker.pollActivityTask(); bytes !== null; bytes = await worker.pollActivityTask()) {
          const task = coresdk.activity_task.ActivityTask.decode(bytes);
          await worker.completeActivityTask(
            coresdk.ActivityTaskCompletion.encode({ taskToken: task.taskToken, result: { completed: { result: { metadata: {}, data: new Uint8Array() } } } }).finish(),
          );
        }
      })(),
      (async () => {
        for (let bytes = await worker.pollWorkflowActivation(); bytes !== null; bytes = await worker.pollWorkflowActivation()) {
          const next = coresdk.workflow_activation.WorkflowActivation.decode(bytes);
          await worker.completeWorkflowActivation(
            coresdk.workflow_completion.WorkflowActivationCompletion.encode({ runId: next.runId, successful: { commands: [] } }).finish(),
          );
        }
      })(),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    await worker.finalizeShutdown();
  });

  it('writes core warnings to stderr when no logger was given', async () => {
    const dist = path.resolve(__dirname, '..', '..', 'dist', 'core');
    // The request is too large for a command line: it goes through a file.
    const requestFile = path.join(mkdtempSync(path.join(tmpdir(), 'tn-defaults-')), 'start.bin');
    writeFileSync(requestFile, startRequest('stderr-warning', 600 * 1024));
    const script = `
      const { createRuntime } = require(${JSON.stringify(dist)});
      const { temporal } = require('@temporalio/proto');
      (async () => {
        const runtime = await createRuntime({ backend: 'native', coreLibraryPath: ${JSON.stringify(realCoreLibrary())} });
        const connection = await runtime.connect(${JSON.stringify({ ...connectionBase, address: server.address })});
        await connection.rpcCall('workflow', 'StartWorkflowExecution', require('node:fs').readFileSync(${JSON.stringify(requestFile)}));
        await new Promise((resolve) => setTimeout(resolve, 300));
        await connection.close();
        await runtime.close();
      })();
    `;
    const run = await runProcess(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..', '..') });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/\[temporal core\] WARN .*payload/i);
  });
});
