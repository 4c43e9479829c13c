/**
 * Our ScheduleClient against the test server: what `create` stores and `describe`/`list` give back
 * (specs, action, policies, state, memo, search attributes), the typed errors, the data converter
 * and the create interceptor. Runs in the `e2e-cli` project (the real Temporal server); see
 * vitest.config.ts for when it moves to our dev server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ZlibPayloadCodec,
  type ScheduleClientInterceptor,
  type ScheduleOptionsAction,
  type ScheduleOverlapPolicy,
} from '../../../lib';
import { eventually } from '../../support/eventually';
import { rejectionOf, startScheduleTestEnvironment, type ScheduleTestEnvironment } from './environment';
import { quick } from './workflows';

let env: ScheduleTestEnvironment;

beforeAll(async () => {
  env = await startScheduleTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

/** A far-future spec, so nothing fires on its own during these tests. */
const YEARLY = { calendars: [{ month: 'JANUARY' as const, dayOfMonth: 1, hour: 3, comment: 'new year' }] };

function action(extra: Partial<ScheduleOptionsAction> = {}): ScheduleOptionsAction {
  return { type: 'startWorkflow', workflowType: 'quick', taskQueue: env.taskQueue, ...extra };
}

describe('specs', () => {
  it('calendars come back with every range spelled out, steps and comment kept', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('calendar'),
      spec: {
        calendars: [
          {
            second: 30,
            minute: [{ start: 0, end: 45, step: 15 }],
            hour: { start: 9, end: 17 },
            dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY' }, 'SUNDAY'],
            month: ['MARCH', { start: 'JUNE', end: 'AUGUST', step: 2 }],
            year: '*',
            comment: 'working hours',
          },
        ],
      },
      action: action(),
    });
    const { spec } = await handle.describe();
    expect(spec.calendars).toEqual([
      {
        second: [{ start: 30, end: 30, step: 1 }],
        minute: [{ start: 0, end: 45, step: 15 }],
        hour: [{ start: 9, end: 17, step: 1 }],
        dayOfMonth: [{ start: 1, end: 31, step: 1 }],
        month: [
          { start: 'MARCH', end: 'MARCH', step: 1 },
          { start: 'JUNE', end: 'AUGUST', step: 2 },
        ],
        year: [],
        dayOfWeek: [
          { start: 'MONDAY', end: 'FRIDAY', step: 1 },
          { start: 'SUNDAY', end: 'SUNDAY', step: 1 },
        ],
        comment: 'working hours',
      },
    ]);
  });

  it('intervals keep their offset, in milliseconds', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('interval'),
      spec: { intervals: [{ every: '1h', offset: '19m' }, { every: 90 * 60_000 }] },
      action: action(),
    });
    const { spec, info } = await handle.describe();
    expect(spec.intervals).toEqual([
      { every: 3_600_000, offset: 19 * 60_000 },
      { every: 5_400_000, offset: 0 },
    ]);
    // Every upcoming time of the hourly interval is at 19 minutes past (or on a 90-minute boundary).
    for (const t of info.nextActionTimes) {
      const ms = t.getTime();
      expect(ms % 3_600_000 === 19 * 60_000 || ms % 5_400_000 === 0).toBe(true);
    }
  });

  it('cron expressions are compiled into calendars by the server', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('cron'),
      spec: { cronExpressions: ['15 12 * * MON-WED,FRI'] },
      action: action(),
    });
    const { spec } = await handle.describe();
    expect(spec.cronExpressions).toBeUndefined();
    expect(spec.calendars).toHaveLength(1);
    expect(spec.calendars?.[0]).toMatchObject({
      minute: [{ start: 15, end: 15, step: 1 }],
      hour: [{ start: 12, end: 12, step: 1 }],
      dayOfWeek: [
        { start: 'MONDAY', end: 'WEDNESDAY', step: 1 },
        { start: 'FRIDAY', end: 'FRIDAY', step: 1 },
      ],
    });
  });

  it('a CRON_TZ= prefix sets the time zone, and next times follow it', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('cron-tz'),
      spec: { cronExpressions: ['CRON_TZ=Asia/Tokyo 0 9 * * *'] },
      action: action(),
    });
    const { spec, info } = await handle.describe();
    expect(spec.timezone).toBe('Asia/Tokyo');
    // 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC.
    expect(info.nextActionTimes.length).toBeGreaterThan(0);
    for (const t of info.nextActionTimes) expect(t.toISOString()).toMatch(/T00:00:00\.000Z$/);
  });

  it('skip, startAt, endAt, jitter and timezone come back as given', async () => {
    const startAt = new Date('2030-01-01T00:00:00Z');
    const endAt = new Date('2031-01-01T00:00:00Z');
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('bounds'),
      spec: {
        calendars: [{ hour: 12 }],
        skip: [{ month: 'DECEMBER', dayOfMonth: 25, hour: 12 }],
        startAt,
        endAt,
        jitter: '30s',
        timezone: 'America/New_York',
      },
      action: action(),
    });
    const { spec, info } = await handle.describe();
    expect(spec).toMatchObject({ startAt, endAt, jitter: 30_000, timezone: 'America/New_York' });
    expect(spec.skip).toEqual([
      expect.objectContaining({ month: [{ start: 'DECEMBER', end: 'DECEMBER', step: 1 }], dayOfMonth: [{ start: 25, end: 25, step: 1 }] }),
    ]);
    // The first time is noon in New York on the start date (EST, UTC-5), plus at most 30 s of jitter.
    const first = info.nextActionTimes[0].getTime();
    expect(first).toBeGreaterThanOrEqual(Date.parse('2030-01-01T17:00:00Z'));
    expect(first).toBeLessThanOrEqual(Date.parse('2030-01-01T17:00:30Z'));
  });

  it('skip calendars leave matching times out of the next action times', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('skip-weekends'),
      spec: { calendars: [{ hour: 12 }], skip: [{ hour: 12, dayOfWeek: ['SATURDAY', 'SUNDAY'] }] },
      action: action(),
    });
    const { info } = await handle.describe();
    expect(info.nextActionTimes.length).toBeGreaterThanOrEqual(7);
    for (const t of info.nextActionTimes) {
      expect([0, 6]).not.toContain(t.getUTCDay());
      expect(t.toISOString()).toMatch(/T12:00:00\.000Z$/);
    }
  });

  it('startAt and endAt bound the next action times', async () => {
    const startAt = new Date('2030-06-01T00:00:00Z');
    const endAt = new Date('2030-06-03T23:59:59Z');
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('bounded'),
      spec: { calendars: [{ hour: 8 }], startAt, endAt },
      action: action(),
    });
    const { info } = await handle.describe();
    expect(info.nextActionTimes.map((t) => t.toISOString())).toEqual([
      '2030-06-01T08:00:00.000Z',
      '2030-06-02T08:00:00.000Z',
      '2030-06-03T08:00:00.000Z',
    ]);
  });

  it('next action times follow a DST change in the schedule time zone', async () => {
    // 2030-03-10 is when New York moves from EST (UTC-5) to EDT (UTC-4).
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('dst'),
      spec: { calendars: [{ hour: 9 }], timezone: 'America/New_York', startAt: new Date('2030-03-09T00:00:00Z') },
      action: action(),
    });
    const { info } = await handle.describe();
    expect(info.nextActionTimes.slice(0, 2).map((t) => t.toISOString())).toEqual([
      '2030-03-09T14:00:00.000Z',
      '2030-03-10T13:00:00.000Z',
    ]);
  });

  it('the server refuses a cron value out of range (the client checks only the shape), as a ServiceError naming the problem', async () => {
    const err = await rejectionOf(
      env.client.schedule.create({ scheduleId: env.scheduleId('bad-cron'), spec: { cronExpressions: ['61 * * * *'] }, action: action() }),
    );
    expect(err).toMatchObject({ codeName: 'INVALID_ARGUMENT' });
    expect((err as Error).message).toMatch(/Invalid schedule spec/);
  });
});

describe('action', () => {
  it('every start option comes back from describe', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('action'),
      spec: YEARLY,
      action: {
        type: 'startWorkflow',
        workflowType: quick,
        workflowId: 'report-run',
        taskQueue: env.taskQueue,
        args: [{ day: 'monday' }, 42],
        memo: { owner: 'finance', nested: { a: [1, 2] } },
        searchAttributes: { ScheduleTier: [3] },
        typedSearchAttributes: [{ key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'reports' }],
        retry: { initialInterval: '2s', backoffCoefficient: 3, maximumInterval: '1m', maximumAttempts: 4, nonRetryableErrorTypes: ['Fatal'] },
        workflowExecutionTimeout: '1h',
        workflowRunTimeout: '30m',
        workflowTaskTimeout: '20s',
        staticSummary: 'daily report',
        staticDetails: 'built from the ledger',
      },
    });
    const { action: described } = await handle.describe();
    expect(described.typedSearchAttributes.getAll()).toEqual(expect.arrayContaining([{ key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'reports' }]));
    expect(described).toEqual({
      type: 'startWorkflow',
      workflowType: 'quick',
      workflowId: 'report-run',
      taskQueue: env.taskQueue,
      args: [{ day: 'monday' }, 42],
      memo: { owner: 'finance', nested: { a: [1, 2] } },
      searchAttributes: { ScheduleTier: [3], ScheduleTeam: ['reports'] },
      typedSearchAttributes: described.typedSearchAttributes,
      retry: { initialInterval: 2000, backoffCoefficient: 3, maximumInterval: 60_000, maximumAttempts: 4, nonRetryableErrorTypes: ['Fatal'] },
      workflowExecutionTimeout: 3_600_000,
      workflowRunTimeout: 1_800_000,
      workflowTaskTimeout: 20_000,
      staticSummary: 'daily report',
      staticDetails: 'built from the ledger',
    });
  });

  it('the workflow id defaults to <scheduleId>-workflow', async () => {
    const scheduleId = env.scheduleId('default-wid');
    const handle = await env.client.schedule.create({ scheduleId, spec: YEARLY, action: action() });
    expect((await handle.describe()).action.workflowId).toBe(`${scheduleId}-workflow`);
  });

  it("args and memo go through the client's data converter (codecs included)", async () => {
    const zlib = env.makeClient({ dataConverter: { payloadCodecs: [new ZlibPayloadCodec({ alwaysEncode: true })] } });
    const handle = await zlib.schedule.create({
      scheduleId: env.scheduleId('codec'),
      spec: YEARLY,
      action: action({ args: ['x'.repeat(200)], memo: { note: 'y'.repeat(200) } }),
      memo: { scheduleNote: 'z'.repeat(200) },
    });
    const described = await handle.describe();
    expect(described.action.args).toEqual(['x'.repeat(200)]);
    expect(described.action.memo).toEqual({ note: 'y'.repeat(200) });
    expect(described.memo).toEqual({ scheduleNote: 'z'.repeat(200) });
    const stored = described.raw.schedule?.action?.startWorkflow?.input?.payloads?.[0];
    expect(new TextDecoder().decode(stored?.metadata?.encoding ?? new Uint8Array())).not.toBe('json/plain');
  });
});

describe('policies and state', () => {
  const overlaps: ScheduleOverlapPolicy[] = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'];
  it.each(overlaps)('overlap policy %s is stored', async (overlap) => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId(`overlap-${overlap.toLowerCase()}`),
      spec: YEARLY,
      action: action(),
      policies: { overlap },
    });
    expect((await handle.describe()).policies.overlap).toBe(overlap);
  });

  it('catchupWindow and pauseOnFailure are stored', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('policies'),
      spec: YEARLY,
      action: action(),
      policies: { catchupWindow: '10 minutes', pauseOnFailure: true },
    });
    expect((await handle.describe()).policies).toEqual({ overlap: 'SKIP', catchupWindow: 600_000, pauseOnFailure: true });
  });

  it('without policies, describe reports the defaults: SKIP, a one-year catchup window, no pause on failure', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('policy-defaults'), spec: YEARLY, action: action() });
    expect((await handle.describe()).policies).toEqual({ overlap: 'SKIP', catchupWindow: 365 * 24 * 3600 * 1000, pauseOnFailure: false });
  });

  it('a catchup window under 10 seconds is raised to 10 seconds by the server', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('short-catchup'), spec: YEARLY, action: action(), policies: { catchupWindow: '2s' } });
    expect((await handle.describe()).policies.catchupWindow).toBe(10_000);
  });

  it('a schedule created paused, with a note and limited actions, says so', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('state'),
      spec: YEARLY,
      action: action(),
      state: { paused: true, note: 'waiting for launch', remainingActions: 5 },
    });
    expect((await handle.describe()).state).toEqual({ paused: true, note: 'waiting for launch', remainingActions: 5 });
  });

  it('without a limit, remainingActions is undefined', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('unlimited'), spec: YEARLY, action: action() });
    expect((await handle.describe()).state).toEqual({ paused: false, note: undefined, remainingActions: undefined });
  });

  it('info: createdAt, no actions yet, next times ahead', async () => {
    const before = Date.now();
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('info'), spec: { intervals: [{ every: '1h' }] }, action: action() });
    const { info } = await handle.describe();
    expect(info.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(info).toMatchObject({ numActionsTaken: 0, numActionsMissedCatchupWindow: 0, numActionsSkippedOverlap: 0, recentActions: [], runningActions: [] });
    expect(info.nextActionTimes.length).toBeGreaterThan(1);
    expect(info.nextActionTimes[0].getTime()).toBeGreaterThan(before - 1_000);
  });
});

describe('memo, search attributes and list', () => {
  it('memo and typed search attributes of the schedule come back from describe', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('memo-sa'),
      spec: YEARLY,
      action: action(),
      memo: { owner: 'ops' },
      typedSearchAttributes: [
        { key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'ops' },
        { key: { name: 'ScheduleTier', type: 'INT' }, value: 2 },
      ],
    });
    const described = await handle.describe();
    expect(described.memo).toEqual({ owner: 'ops' });
    expect(described.typedSearchAttributes.getAll()).toEqual(
      expect.arrayContaining([
        { key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'ops' },
        { key: { name: 'ScheduleTier', type: 'INT' }, value: 2 },
      ]),
    );
    expect(described.searchAttributes).toMatchObject({ ScheduleTeam: ['ops'], ScheduleTier: [2] });
  });

  it('list({ query }) finds schedules by their search attributes', async () => {
    const team = `team-${Date.now()}`;
    const ids = [env.scheduleId('listed-a'), env.scheduleId('listed-b')];
    for (const scheduleId of ids) {
      await env.client.schedule.create({
        scheduleId,
        spec: YEARLY,
        action: action({ workflowType: 'blockUntilReleased' }),
        memo: { id: scheduleId },
        typedSearchAttributes: [{ key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: team }],
      });
    }
    await env.client.schedule.create({ scheduleId: env.scheduleId('not-listed'), spec: YEARLY, action: action() });
    const listed = await eventually(
      'schedules of the team in visibility',
      async () => {
        const out = [];
        for await (const s of env.client.schedule.list({ query: `ScheduleTeam = '${team}'`, pageSize: 1 })) out.push(s);
        return out;
      },
      (out) => out.length === 2,
    );
    expect(listed.map((s) => s.scheduleId).sort()).toEqual([...ids].sort());
    for (const s of listed) {
      expect(s.action).toEqual({ type: 'startWorkflow', workflowType: 'blockUntilReleased' });
      expect(s.memo).toEqual({ id: s.scheduleId });
      expect(s.state).toEqual({ paused: false, note: undefined });
      expect(s.spec?.calendars?.[0].comment).toBe('new year');
      expect(s.info.nextActionTimes.length).toBeGreaterThan(0);
    }
  });
});

describe('list with built-in attributes', () => {
  it("list({ query: 'TemporalSchedulePaused = true' }) finds a paused schedule", async () => {
    const scheduleId = env.scheduleId('paused-listed');
    await env.client.schedule.create({ scheduleId, spec: YEARLY, action: action(), state: { paused: true, note: 'listed while paused' } });
    const listed = await eventually(
      'the paused schedule in visibility',
      async () => {
        const out = [];
        for await (const s of env.client.schedule.list({ query: 'TemporalSchedulePaused = true' })) out.push(s);
        return out.filter((s) => s.scheduleId === scheduleId);
      },
      (out) => out.length === 1,
    );
    expect(listed[0].state).toEqual({ paused: true, note: 'listed while paused' });
  });
});

describe('errors', () => {
  it('creating an id that exists rejects with ScheduleAlreadyRunning carrying the id', async () => {
    const scheduleId = env.scheduleId('twice');
    await env.client.schedule.create({ scheduleId, spec: YEARLY, action: action() });
    const err = await rejectionOf(env.client.schedule.create({ scheduleId, spec: YEARLY, action: action() }));
    expect(err).toBeInstanceOf(ScheduleAlreadyRunning);
    expect(err).toMatchObject({ scheduleId, codeName: 'ALREADY_EXISTS' });
  });

  it.each(['describe', 'delete', 'trigger', 'pause', 'unpause'] as const)('%s of an unknown schedule rejects with ScheduleNotFoundError', async (method) => {
    const handle = env.client.schedule.getHandle(`missing-${method}`);
    const err = await rejectionOf(handle[method]());
    expect(err).toBeInstanceOf(ScheduleNotFoundError);
    expect(err).toMatchObject({ scheduleId: `missing-${method}` });
  });

  it('bad input is refused before any RPC, naming the field', async () => {
    const err = await rejectionOf(
      env.client.schedule.create({ scheduleId: env.scheduleId('bad'), spec: { intervals: [{ every: '1h', ofset: '5m' } as never] }, action: action() }),
    );
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect(err).toMatchObject({ field: 'spec.intervals[0].ofset' });
  });
});

describe('create interceptor', () => {
  it('a header added by a create interceptor reaches the workflows the schedule starts', async () => {
    const seen: string[] = [];
    const marker: ScheduleClientInterceptor = {
      async create(input, next) {
        seen.push(input.options.scheduleId);
        return next({ ...input, headers: { ...input.headers, marker: env.client.dataConverter.payloadConverter.toPayload('from-interceptor') } });
      },
    };
    const client = env.makeClient({ interceptors: { schedule: [marker] } });
    const scheduleId = env.scheduleId('intercepted');
    const handle = await client.schedule.create({ scheduleId, spec: YEARLY, action: action(), state: { triggerImmediately: true } });
    expect(seen).toEqual([scheduleId]);
    const { info } = await (async () => {
      for (;;) {
        const d = await handle.describe();
        if (d.info.recentActions.length > 0) return d;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const { workflowId } = info.recentActions[0].action.workflow;
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const header = history.events?.[0]?.workflowExecutionStartedEventAttributes?.header?.fields?.marker;
    expect(header && env.client.dataConverter.payloadConverter.fromPayload(header)).toBe('from-interceptor');
  });
});
