/**
 * The official @temporalio/client ScheduleClient against our dev server, with schedule time on a
 * ManualClock the test moves: actions and their ids and search attributes, every overlap policy,
 * limited actions, pause and unpause, trigger and backfill, jitter bounds, a DST change in
 * America/New_York, pauseOnFailure, the errors clients map, and catchup after downtime (--db).
 * No worker runs: started workflows stay running until the test closes them, which is what the
 * overlap policies are about.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleOverlapPolicy } from '@temporalio/client';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';
import { ManualClock } from '../../lib/devserver/schedules/clock';
import { startPeerEnv } from './helpers';

const MINUTE = 60_000;
// A whole minute, so interval times line up with the test's arithmetic.
const T0 = Math.ceil(Date.parse('2030-01-01T00:00:00Z') / MINUTE) * MINUTE;

let server: RunningDevServer;
let connection: Connection;
let client: Client;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(T0);
  server = await startDevServer({ port: 0, scheduleClock: clock });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: 'default' });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

const uid = (p: string): string => `${p}-${randomUUID().slice(0, 8)}`;

function action(id: string, extra: Record<string, unknown> = {}) {
  return { type: 'startWorkflow' as const, workflowType: 'scheduledWorkflow', taskQueue: 'schedules-no-worker', workflowId: id, args: [], ...extra };
}

async function everyMinute(id: string, overlap?: ScheduleOverlapPolicy, extra: Record<string, unknown> = {}) {
  return client.schedule.create({
    scheduleId: id,
    spec: { intervals: [{ every: '1m' }] },
    action: action(`${id}-wf`),
    policies: overlap ? { overlap } : undefined,
    ...extra,
  });
}

/** Moves schedule time forward a minute at a time (each minute is one interval action). */
function minutes(n: number): void {
  for (let i = 0; i < n; i++) clock.advance(MINUTE);
}

async function closeRunning(id: string): Promise<void> {
  const d = await client.schedule.getHandle(id).describe();
  for (const r of d.info.runningActions) await client.workflow.getHandle(r.workflow.workflowId, r.workflow.firstExecutionRunId).terminate('test');
  // The schedule notices the close asynchronously (it watches its runs).
  await new Promise((r) => setTimeout(r, 50));
}

describe('official ScheduleClient against our dev server', () => {
  it('creates, describes, lists and deletes; refuses duplicates, unknown ids and bad specs as the real server', async () => {
    const id = uid('basic');
    const handle = await client.schedule.create({
      scheduleId: id,
      spec: { cronExpressions: ['0 12 * * MON-FRI'], timezone: 'Europe/Paris' },
      action: action(`${id}-wf`),
      memo: { owner: 'tests' },
      state: { note: 'created by test' },
    });
    const d = await handle.describe();
    expect(d.scheduleId).toBe(id);
    expect(d.spec.timezone).toBe('Europe/Paris');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 12, end: 12, step: 1 }] });
    expect(d.state.note).toBe('created by test');
    expect(d.memo).toEqual({ owner: 'tests' });
    expect(d.info.nextActionTimes).toHaveLength(10);
    expect(d.info.nextActionTimes[0].getTime()).toBeGreaterThan(T0);
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.policies.catchupWindow).toBe(365 * 24 * 3600 * 1000);

    await expect(client.schedule.create({ scheduleId: id, spec: { intervals: [{ every: '1h' }] }, action: action('x') })).rejects.toBeInstanceOf(
      ScheduleAlreadyRunning,
    );
    const listed: string[] = [];
    for await (const s of client.schedule.list()) listed.push(s.scheduleId);
    expect(listed).toContain(id);

    await handle.delete();
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('refuses an invalid cron line, an unknown zone and an interval of 0 with INVALID_ARGUMENT "Invalid schedule spec: …"', async () => {
    // The official client turns INVALID_ARGUMENT "Invalid schedule spec: <why>" into TypeError(<why>).
    const bad = async (spec: object): Promise<string> => {
      try {
        await client.schedule.create({ scheduleId: uid('bad'), spec: spec as never, action: action('x') });
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
      return 'accepted';
    };
    expect(await bad({ cronExpressions: ['0 25 * * *'] })).toBe('TypeError: Hour is not in range [0-23]');
    expect(await bad({ cronExpressions: ['0 12 * *'] })).toBe('TypeError: CronString does not have 5-7 fields');
    expect(await bad({ intervals: [{ every: '1h' }], timezone: 'Mars/Olympus' })).toBe('TypeError: unknown time zone Mars/Olympus');
    expect(await bad({ intervals: [{ every: 0 }] })).toBe('TypeError: interval is too small');
  });

  it('starts <workflow id>-<RFC 3339 nominal time> with TemporalScheduledStartTime and TemporalScheduledById', async () => {
    const id = uid('ids');
    const handle = await everyMinute(id, 'ALLOW_ALL');
    minutes(2);
    const d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(2);
    const ids = d.info.recentActions.map((a) => (a.action as { workflow: { workflowId: string } }).workflow.workflowId);
    const first = new Date(clock.now() - MINUTE).toISOString().replace('.000Z', 'Z');
    expect(ids[0]).toBe(`${id}-wf-${first}`);
    const wf = await client.workflow.getHandle(ids[0]).describe();
    expect(wf.searchAttributes.TemporalScheduledById).toEqual([id]);
    expect((wf.searchAttributes.TemporalScheduledStartTime as Date[])[0].toISOString()).toBe(new Date(clock.now() - MINUTE).toISOString());
    // ALLOW_ALL runs are not tracked as running.
    expect(d.info.runningActions).toHaveLength(0);
    await handle.delete();
  });

  describe('overlap policies (three actions due while the first run is still running)', () => {
    it('SKIP skips them', async () => {
      const id = uid('skip');
      const h = await everyMinute(id, 'SKIP');
      minutes(3);
      const d = await h.describe();
      expect([d.info.numActionsTaken, d.info.numActionsSkippedOverlap, d.info.runningActions.length]).toEqual([1, 2, 1]);
      await closeRunning(id);
      expect((await h.describe()).info.numActionsTaken).toBe(1);
      await h.delete();
    });

    it('BUFFER_ONE keeps one and starts it when the run closes', async () => {
      const id = uid('buffer-one');
      const h = await everyMinute(id, 'BUFFER_ONE');
      minutes(3);
      const d = await h.describe();
      expect([d.info.numActionsTaken, d.info.numActionsSkippedOverlap]).toEqual([1, 1]);
      await closeRunning(id);
      const after = await h.describe();
      expect(after.info.numActionsTaken).toBe(2);
      expect(after.info.runningActions).toHaveLength(1);
      await closeRunning(id);
      await h.delete();
    });

    it('BUFFER_ALL keeps all and starts them one after another', async () => {
      const id = uid('buffer-all');
      const h = await everyMinute(id, 'BUFFER_ALL');
      minutes(3);
      expect((await h.describe()).info.numActionsTaken).toBe(1);
      await closeRunning(id);
      expect((await h.describe()).info.numActionsTaken).toBe(2);
      await closeRunning(id);
      expect((await h.describe()).info.numActionsTaken).toBe(3);
      await closeRunning(id);
      await h.delete();
    });

    it('CANCEL_OTHER requests cancellation of the running one, then starts', async () => {
      const id = uid('cancel-other');
      const h = await everyMinute(id, 'CANCEL_OTHER');
      minutes(1);
      const first = (await h.describe()).info.runningActions[0].workflow;
      minutes(1);
      const wf = await client.workflow.getHandle(first.workflowId, first.firstExecutionRunId).fetchHistory();
      expect(wf.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
      // No worker: the run acknowledges nothing, so the start waits in the buffer until it closes.
      await closeRunning(id);
      const d = await h.describe();
      expect(d.info.numActionsTaken).toBe(2);
      await closeRunning(id);
      await h.delete();
    });

    it('TERMINATE_OTHER terminates the running one and starts at once', async () => {
      const id = uid('terminate-other');
      const h = await everyMinute(id, 'TERMINATE_OTHER');
      minutes(1);
      const first = (await h.describe()).info.runningActions[0].workflow;
      minutes(1);
      const d = await h.describe();
      expect(d.info.numActionsTaken).toBe(2);
      expect((await client.workflow.getHandle(first.workflowId, first.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
      expect(d.info.runningActions).toHaveLength(1);
      await closeRunning(id);
      await h.delete();
    });

    it('ALLOW_ALL starts every one', async () => {
      const id = uid('allow-all');
      const h = await everyMinute(id, 'ALLOW_ALL');
      minutes(3);
      expect((await h.describe()).info.numActionsTaken).toBe(3);
      await h.delete();
    });
  });

  it('limited actions: stops after remainingActions, which counts down', async () => {
    const id = uid('limited');
    const h = await everyMinute(id, 'ALLOW_ALL', { state: { remainingActions: 2 } });
    expect((await h.describe()).info.nextActionTimes).toHaveLength(2);
    minutes(4);
    const d = await h.describe();
    expect(d.info.numActionsTaken).toBe(2);
    expect(d.state.remainingActions).toBe(0);
    expect(d.info.nextActionTimes).toHaveLength(0);
    // A manual trigger is not limited.
    await h.trigger();
    expect((await h.describe()).info.numActionsTaken).toBe(3);
    await h.delete();
  });

  it('pause and unpause with notes; paused time is not caught up; trigger and backfill', async () => {
    const id = uid('pause');
    const h = await everyMinute(id, 'ALLOW_ALL');
    await h.pause('maintenance');
    let d = await h.describe();
    expect([d.state.paused, d.state.note]).toEqual([true, 'maintenance']);
    minutes(3);
    expect((await h.describe()).info.numActionsTaken).toBe(0);
    await h.unpause('back');
    d = await h.describe();
    expect([d.state.paused, d.state.note]).toEqual([false, 'back']);
    minutes(1);
    expect((await h.describe()).info.numActionsTaken).toBe(1);
    // A trigger in the same second as a scheduled action would get the same workflow id.
    clock.advance(1_000);
    await h.trigger('ALLOW_ALL');
    expect((await h.describe()).info.numActionsTaken).toBe(2);
    await h.backfill({ start: new Date(T0 - 10 * MINUTE), end: new Date(T0 - 6 * MINUTE), overlap: 'ALLOW_ALL' });
    d = await h.describe();
    expect(d.info.numActionsTaken).toBe(7);
    expect(d.info.recentActions.slice(-5).map((a) => a.scheduledAt.getTime())).toEqual([10, 9, 8, 7, 6].map((m) => T0 - m * MINUTE));
    await h.delete();
  });

  it('jitter: every action time lies in [nominal, nominal + jitter) and stays the same between describes', async () => {
    const id = uid('jitter');
    const h = await client.schedule.create({
      scheduleId: id,
      spec: { intervals: [{ every: '1h' }], jitter: '10m' },
      action: action(`${id}-wf`),
    });
    const times = (await h.describe()).info.nextActionTimes.map((t) => t.getTime());
    expect((await h.describe()).info.nextActionTimes.map((t) => t.getTime())).toEqual(times);
    for (const t of times) {
      const nominal = Math.floor(t / 3_600_000) * 3_600_000;
      expect(t - nominal).toBeGreaterThanOrEqual(0);
      expect(t - nominal).toBeLessThan(10 * MINUTE);
    }
    expect(new Set(times.map((t) => t % 3_600_000)).size).toBeGreaterThan(1);
    await h.delete();
  });

  it('DST in America/New_York: 02:30 does not exist on 2030-03-10, and 01:30 happens twice on 2030-11-03', async () => {
    const spring = await client.schedule.create({
      scheduleId: uid('dst-spring'),
      spec: { calendars: [{ hour: 2, minute: 30 }], timezone: 'America/New_York', startAt: new Date('2030-03-08T12:00:00Z') },
      action: action('dst'),
    });
    const s = (await spring.describe()).info.nextActionTimes.slice(0, 3).map((t) => t.toISOString());
    expect(s).toEqual(['2030-03-09T07:30:00.000Z', '2030-03-11T06:30:00.000Z', '2030-03-12T06:30:00.000Z']);
    const fall = await client.schedule.create({
      scheduleId: uid('dst-fall'),
      spec: { calendars: [{ hour: 1, minute: 30 }], timezone: 'America/New_York', startAt: new Date('2030-11-02T12:00:00Z') },
      action: action('dst'),
    });
    const f = (await fall.describe()).info.nextActionTimes.slice(0, 3).map((t) => t.toISOString());
    expect(f).toEqual(['2030-11-03T05:30:00.000Z', '2030-11-03T06:30:00.000Z', '2030-11-04T06:30:00.000Z']);
    await spring.delete();
    await fall.delete();
  });

  it('pauseOnFailure: a run that times out pauses the schedule with a note', async () => {
    const id = uid('pause-on-failure');
    const h = await client.schedule.create({
      scheduleId: id,
      spec: { intervals: [{ every: '1m' }] },
      action: action(`${id}-wf`, { workflowExecutionTimeout: '1s' }),
      policies: { pauseOnFailure: true },
    });
    minutes(1);
    await new Promise((r) => setTimeout(r, 2_000));
    const d = await h.describe();
    expect(d.state.paused).toBe(true);
    expect(d.state.note).toMatch(new RegExp(`^paused due to workflow timeout: ${id}-wf-`));
    minutes(2);
    expect((await h.describe()).info.numActionsTaken).toBe(1);
    await h.delete();
  });
});

describe('schedules survive a restart (--db)', () => {
  it('fires missed actions only within the catchup window after downtime', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-db-'));
    const dbPath = path.join(dir, 'dev.db');
    const c1 = new ManualClock(T0);
    let s = await startDevServer({ port: 0, dbPath, scheduleClock: c1 });
    let conn = await Connection.connect({ address: s.address });
    let cl = new Client({ connection: conn });
    const id = uid('catchup');
    await cl.schedule.create({
      scheduleId: id,
      spec: { intervals: [{ every: '1m' }] },
      action: action(`${id}-wf`),
      policies: { overlap: 'ALLOW_ALL', catchupWindow: '5m' },
      memo: { kept: true },
    });
    c1.advance(2 * MINUTE);
    expect((await cl.schedule.getHandle(id).describe()).info.numActionsTaken).toBe(2);
    await conn.close();
    await s.stop();

    // Down for 30 minutes: of the 30 missed times only those in the last 5 minutes fire.
    const c2 = new ManualClock(T0 + 32 * MINUTE);
    s = await startDevServer({ port: 0, dbPath, scheduleClock: c2 });
    conn = await Connection.connect({ address: s.address });
    cl = new Client({ connection: conn });
    const d = await cl.schedule.getHandle(id).describe();
    expect(d.memo).toEqual({ kept: true });
    expect(d.policies.catchupWindow).toBe(5 * MINUTE);
    expect(d.info.numActionsTaken).toBe(2 + 6);
    expect(d.info.numActionsMissedCatchupWindow).toBe(24);
    c2.advance(MINUTE);
    expect((await cl.schedule.getHandle(id).describe()).info.numActionsTaken).toBe(9);
    await conn.close();
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('scheduled runs on a worker', () => {
  it('each run gets the last completed run result as lastResult', async () => {
    const c = new ManualClock(T0);
    const env = await startPeerEnv({ scheduleClock: c });
    const taskQueue = `sched-${randomUUID()}`;
    const worker = await env.createWorker({ taskQueue });
    await worker.runUntil(async () => {
      const id = uid('last-result');
      const h = await env.client.schedule.create({
        scheduleId: id,
        spec: { intervals: [{ every: '1m' }] },
        action: { type: 'startWorkflow', workflowType: 'countsFromLastResult', taskQueue, workflowId: `${id}-wf`, args: [] },
      });
      const results: number[] = [];
      for (let i = 0; i < 3; i++) {
        c.advance(MINUTE);
        const d = await h.describe();
        const last = d.info.recentActions[d.info.recentActions.length - 1].action as { workflow: { workflowId: string } };
        results.push(await env.client.workflow.getHandle(last.workflow.workflowId).result());
        // Let the schedule see the close before the next action is due.
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(results).toEqual([1, 2, 3]);
      await h.delete();
    });
    await env.close();
  });
});
