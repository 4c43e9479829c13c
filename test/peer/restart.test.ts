/**
 * Spec §7 phase 3 scenario 5 with the official SDK: with `dbPath`, a server stopped while one
 * workflow waits on a timer and another on a running activity, then restarted on the same file,
 * finishes both; their histories are gapless and unchanged up to the restart point.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';
import * as activities from './activities';
import { bundle, eventually, installRuntime, uniqueId } from './helpers';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'devserver-restart-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function encoded(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  return events.map((e) => Buffer.from(temporal.api.history.v1.HistoryEvent.encode(e).finish()).toString('base64'));
}

it('continues a pending timer and a running activity after a restart on the same database', async () => {
  installRuntime();
  const dbPath = path.join(dir, 'dev.sqlite');
  let server: RunningDevServer = await startDevServer({ port: 0, dbPath });
  const port = server.port;
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = uniqueId('restart-tq');
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: await bundle('workflows'), activities });
  const running = worker.run();
  try {
    const timerWf = await client.workflow.start('sleeper', { taskQueue, workflowId: uniqueId('timer'), args: [3_000] });
    const activityWf = await client.workflow.start('runActivity', {
      taskQueue,
      workflowId: uniqueId('activity'),
      args: [{ name: 'sleepFor', args: [3_000], options: { startToCloseTimeout: '30s' } }],
    });
    const engine = server.engine;
    await eventually(async () => {
      const t = engine.findRun('default', timerWf.workflowId).rec;
      const a = engine.findRun('default', activityWf.workflowId).rec;
      return Object.keys(t.timers).length === 1 && Object.values(a.activities).some((x) => x.state === 'started');
    }, 'the timer to start and the activity to be running');
    const before = {
      timer: encoded((await timerWf.fetchHistory()).events ?? []),
      activity: encoded((await activityWf.fetchHistory()).events ?? []),
    };
    await server.stop();
    server = await startDevServer({ port, dbPath });

    expect(await timerWf.result()).toBe('slept');
    expect(await activityWf.result()).toBe('woke');
    for (const [handle, prefix] of [
      [timerWf, before.timer],
      [activityWf, before.activity],
    ] as const) {
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.map((e) => Number(e.eventId))).toEqual(events.map((_e, i) => i + 1));
      expect(encoded(events).slice(0, prefix.length)).toEqual(prefix);
      expect(Number(events[events.length - 1].eventType)).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    }
    const activityEvents = (await activityWf.fetchHistory()).events ?? [];
    expect(activityEvents.filter((e) => e.activityTaskStartedEventAttributes)).toHaveLength(1);
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await server.stop();
  }
});
