/**
 * One worker of ours running workflows AND activities: both loops under one shutdown sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client as OfficialClient, Connection as OfficialConnection } from '@temporalio/client';
import { activityInfo } from '../../../lib/activity';
import { Connection } from '../../../lib/client';
import { Worker } from '../../../lib/worker';
import { startTestServer } from '../../support/real-server';
import { TestLogger, type DevServerHandle } from './harness';
import type { ActivityOutcome } from './workflows';

const workflowsPath = path.join(__dirname, 'workflows.ts');

describe('our worker running the workflows and the activities', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let officialConnection: OfficialConnection;
  let client: OfficialClient;

  beforeAll(async () => {
    server = await startTestServer();
    connection = await Connection.connect({ address: server.address });
    officialConnection = await OfficialConnection.connect({ address: server.address });
    client = new OfficialClient({ connection: officialConnection, namespace: server.namespace });
  });

  afterAll(async () => {
    await officialConnection?.close();
    await connection?.close();
    await server?.stop();
  });

  it('runs a workflow that calls activities, then shuts both loops down cleanly', async () => {
    const taskQueue = `both-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath,
      activities: { double: async (n: number) => n * 2 },
      handleSignals: false,
      logger: new TestLogger(),
    });
    const outcomes = await worker.runUntil(
      client.workflow.execute('callActivityMany', {
        taskQueue,
        workflowId: randomUUID(),
        args: [{ name: 'double', args: [], options: { startToCloseTimeout: '10s' } }, 5],
      }) as Promise<ActivityOutcome[]>,
    );
    expect(outcomes).toEqual([0, 2, 4, 6, 8].map((value) => ({ status: 'completed', value })));
    expect(worker.getState()).toBe('STOPPED');
  });

  it('runs local activities scheduled by its workflows, with isLocal in their info', async () => {
    const taskQueue = `both-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      namespace: server.namespace,
      taskQueue,
      workflowsPath,
      activities: { whereAmI: async () => ({ isLocal: activityInfo().isLocal, attempt: activityInfo().attempt }) },
      handleSignals: false,
      logger: new TestLogger(),
    });
    const outcome = await worker.runUntil(
      client.workflow.execute('callLocalActivity', {
        taskQueue,
        workflowId: randomUUID(),
        args: [{ name: 'whereAmI', args: [], options: { startToCloseTimeout: '10s' } }],
      }) as Promise<ActivityOutcome>,
    );
    expect(outcome).toEqual({ status: 'completed', value: { isLocal: true, attempt: 1 } });
  });

  it('refuses a workflowsPath that does not exist when the worker is created', async () => {
    await expect(
      Worker.create({
        connection,
        namespace: server.namespace,
        taskQueue: `both-${randomUUID()}`,
        workflowsPath: path.join(__dirname, 'no-such-workflows.ts'),
        handleSignals: false,
        logger: new TestLogger(),
      }),
    ).rejects.toThrow(/no-such-workflows/);
  });
});
