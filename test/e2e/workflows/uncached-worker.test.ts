/**
 * A worker with `maxCachedWorkflows: 0` keeps no workflow between tasks: the core evicts each run
 * after its task and sends the next task as a fresh activation with the whole history. Our worker
 * must start such a run again from its history, on both core backends, against the server of
 * TEMPORAL_TEST_SERVER.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '../../../lib/client';
import { Worker } from '../../../lib/worker';
import { startTestServer, type TestServer } from '../../support/real-server';
import { TestLogger } from '../activities/harness';
import * as activities from './fixtures/activities';
import { timerAndActivity } from './fixtures/timer-and-activity';

const workflowsPath = path.join(__dirname, 'fixtures', 'timer-and-activity.ts');

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

describe.each(['native', 'neon'] as const)('a worker without a workflow cache, on %s', (backend) => {
  it('completes a workflow with an activity, a timer and another activity', { timeout: 60_000 }, async () => {
    const connection = await Connection.connect({ address: server.address, backend });
    const logger = new TestLogger();
    try {
      const taskQueue = `uncached-${randomUUID()}`;
      const worker = await Worker.create({
        connection,
        namespace: server.namespace,
        taskQueue,
        workflowsPath,
        activities,
        maxCachedWorkflows: 0,
        logger,
        handleSignals: false,
      });
      const client = new Client({ connection, namespace: server.namespace });
      const result = await worker.runUntil(() =>
        client.workflow.execute(timerAndActivity, { taskQueue, workflowId: `uncached-${randomUUID()}`, args: ['ada'], workflowTaskTimeout: '5s' }),
      );
      expect(result).toBe('ADA!');
      expect(logger.lines.filter((l) => l.level === 'ERROR' || l.level === 'WARN')).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
