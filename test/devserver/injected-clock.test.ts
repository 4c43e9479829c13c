/**
 * The dev server's one clock: started with a ManualClock, its event times, visibility times and
 * deadlines (here a start delay) follow that clock, not the wall clock.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '../../lib/client';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';
import { ManualClock } from '../../lib/devserver/schedules/clock';

const T0 = Date.UTC(2031, 0, 1, 9, 0, 0);
const HOUR = 3_600_000;

let clock: ManualClock;
let server: RunningDevServer;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  clock = new ManualClock(T0);
  server = await startDevServer({ clock });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

function eventTypes(history: { events?: Array<{ eventType?: unknown }> | null }): number[] {
  return (history.events ?? []).map((e) => Number(e.eventType));
}

describe('a dev server started with an injected clock', () => {
  it('stamps events and visibility times with that clock', async () => {
    const handle = await client.workflow.start('anything', { taskQueue: `clock-${randomUUID()}`, workflowId: `clock-${randomUUID()}` });
    const description = await handle.describe();
    expect(description.startTime.getTime()).toBe(T0);
    const history = await handle.fetchHistory();
    expect(Number(history.events?.[0].eventTime?.seconds) * 1000).toBe(T0);
    await handle.terminate('done');
    expect((await handle.describe()).closeTime?.getTime()).toBe(T0);
  });

  it('holds a delayed start until that clock reaches it', async () => {
    const handle = await client.workflow.start('anything', {
      taskQueue: `clock-${randomUUID()}`,
      workflowId: `delayed-${randomUUID()}`,
      startDelay: '1 hour',
    });
    const WORKFLOW_TASK_SCHEDULED = 5;
    expect(eventTypes(await handle.fetchHistory())).not.toContain(WORKFLOW_TASK_SCHEDULED);
    clock.advance(HOUR);
    const history = await handle.fetchHistory();
    expect(eventTypes(history)).toContain(WORKFLOW_TASK_SCHEDULED);
    const scheduled = history.events?.find((e) => Number(e.eventType) === WORKFLOW_TASK_SCHEDULED);
    expect(Number(scheduled?.eventTime?.seconds) * 1000).toBe(T0 + HOUR);
    await handle.terminate('done');
  });
});
