/**
 * Our ScheduleHandle against the test server: taking actions (trigger, backfill, a short interval,
 * limited actions), pause/unpause, pauseOnFailure, update with the conflict token, and delete.
 * Time-dependent cases use triggers, backfills of past windows and 1-second intervals, never
 * minutes of waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, ScheduleNotFoundError, type ScheduleClientInterceptor, type ScheduleOptionsAction } from '../../../lib';
import { describeUntil, rejectionOf, startScheduleTestEnvironment, type ScheduleTestEnvironment } from './environment';

let env: ScheduleTestEnvironment;

beforeAll(async () => {
  env = await startScheduleTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

const YEARLY = { calendars: [{ month: 'JANUARY' as const, dayOfMonth: 1, hour: 3 }] };

function action(extra: Partial<ScheduleOptionsAction> = {}): ScheduleOptionsAction {
  return { type: 'startWorkflow', workflowType: 'quick', taskQueue: env.taskQueue, ...extra };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('taking actions', () => {
  it('trigger() starts the workflow now, named <workflowId>-<scheduled time>, with the action args', async () => {
    const scheduleId = env.scheduleId('trigger');
    const handle = await env.client.schedule.create({ scheduleId, spec: YEARLY, action: action({ workflowId: `${scheduleId}-wf`, args: ['a', 1] }) });
    const before = Date.now();
    await handle.trigger();
    const { info } = await describeUntil(handle, (d) => d.info.recentActions.length === 1);
    expect(info.numActionsTaken).toBe(1);
    const [taken] = info.recentActions;
    expect(taken.takenAt.getTime()).toBeGreaterThanOrEqual(before - 2_000);
    const stamp = taken.scheduledAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(taken.action.workflow.workflowId).toBe(`${scheduleId}-wf-${stamp}`);
    const result = await env.client.workflow.getHandle(taken.action.workflow.workflowId, taken.action.workflow.firstExecutionRunId).result();
    expect(result).toEqual(['a', 1]);
  });

  it('state.triggerImmediately takes one action right after create', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('immediate'), spec: YEARLY, action: action(), state: { triggerImmediately: true } });
    const { info } = await describeUntil(handle, (d) => d.info.numActionsTaken === 1);
    expect(info.recentActions).toHaveLength(1);
  });

  it('backfill() takes the actions of a past window, at their scheduled times', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('backfill'), spec: { intervals: [{ every: '1m' }] }, action: action(), state: { paused: true } });
    await handle.backfill([{ start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T00:03:00Z'), overlap: 'ALLOW_ALL' }]);
    const { info } = await describeUntil(handle, (d) => d.info.recentActions.length >= 3);
    const times = info.recentActions.map((a) => a.scheduledAt.toISOString());
    expect(times).toEqual(expect.arrayContaining(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']));
    expect(times.every((t) => t >= '2026-01-01T00:00:00.000Z' && t <= '2026-01-01T00:03:00.000Z')).toBe(true);
  });

  it('jitter delays each action by at most the jitter after its nominal time (named in the workflow id)', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('jitter'),
      spec: { intervals: [{ every: '1m' }], jitter: '20s' },
      action: action(),
      state: { paused: true },
    });
    // Nominal times 00:01 to 00:04; each jittered one is still before the window's end.
    await handle.backfill({ start: new Date('2026-01-01T00:00:30Z'), end: new Date('2026-01-01T00:04:30Z'), overlap: 'ALLOW_ALL' });
    const { info } = await describeUntil(handle, (d) => d.info.recentActions.length === 4);
    const delays = info.recentActions.map((a) => {
      const nominal = Date.parse(a.action.workflow.workflowId.slice(-20));
      return a.scheduledAt.getTime() - nominal;
    });
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(20_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it('state.backfill on create backfills right away', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('create-backfill'),
      spec: { calendars: [{ hour: 6 }] },
      action: action(),
      state: { paused: true, backfill: [{ start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-02-03T23:00:00Z'), overlap: 'ALLOW_ALL' }] },
    });
    const { info } = await describeUntil(handle, (d) => d.info.recentActions.length === 3);
    expect(info.recentActions.map((a) => a.scheduledAt.toISOString())).toEqual([
      '2026-02-01T06:00:00.000Z',
      '2026-02-02T06:00:00.000Z',
      '2026-02-03T06:00:00.000Z',
    ]);
  });

  it('a 1-second interval takes actions on its own', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('every-second'), spec: { intervals: [{ every: '1s' }] }, action: action() });
    const { info } = await describeUntil(handle, (d) => d.info.numActionsTaken >= 2, 15_000);
    const [first, second] = info.recentActions;
    expect(second.scheduledAt.getTime() - first.scheduledAt.getTime()).toBeGreaterThanOrEqual(1_000);
  });

  it('remainingActions limits the scheduled actions, then the schedule stops', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('limited'),
      spec: { intervals: [{ every: '1s' }] },
      action: action(),
      state: { remainingActions: 2 },
    });
    await describeUntil(handle, (d) => d.state.remainingActions === 0, 15_000);
    await sleep(2_500);
    const { info, state } = await handle.describe();
    expect(state.remainingActions).toBe(0);
    expect(info.numActionsTaken).toBe(2);
    expect(info.nextActionTimes).toEqual([]);
  });
});

describe('pause and unpause', () => {
  it('pause(note) and unpause(note) set the state and its note', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('pause'), spec: YEARLY, action: action() });
    await handle.pause('maintenance');
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'maintenance' });
    await handle.unpause('back');
    expect((await handle.describe()).state).toMatchObject({ paused: false, note: 'back' });
  });

  it('pause() without a note uses a default one', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('pause-default'), spec: YEARLY, action: action() });
    await handle.pause();
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: expect.stringMatching(/Paused/) });
  });

  it('a paused schedule takes no scheduled actions', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('paused-interval'), spec: { intervals: [{ every: '1s' }] }, action: action(), state: { paused: true } });
    await sleep(2_500);
    expect((await handle.describe()).info.numActionsTaken).toBe(0);
  });

  it('trigger() acts even while paused', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('paused-trigger'), spec: YEARLY, action: action(), state: { paused: true } });
    await handle.trigger();
    await describeUntil(handle, (d) => d.info.numActionsTaken === 1);
  });

  it('an empty spec takes no action by itself; trigger() still starts its workflow', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('empty-spec'), spec: {}, action: action({ args: ['on demand'] }) });
    const described = await handle.describe();
    expect(described.info.nextActionTimes).toEqual([]);
    expect(described.spec.calendars ?? []).toEqual([]);
    await handle.trigger();
    const { info } = await describeUntil(handle, (d) => d.info.recentActions.length === 1);
    const { workflow } = info.recentActions[0].action;
    expect(await env.client.workflow.getHandle(workflow.workflowId, workflow.firstExecutionRunId).result()).toEqual(['on demand']);
  });

  it('pauseOnFailure pauses the schedule when a scheduled workflow fails', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('pause-on-failure'),
      spec: { intervals: [{ every: '1s' }] },
      action: action({ workflowType: 'failAtOnce' }),
      policies: { pauseOnFailure: true },
    });
    const { state, info } = await describeUntil(handle, (d) => d.state.paused);
    expect(state.note).toMatch(/fail/i);
    expect(info.numActionsTaken).toBeGreaterThanOrEqual(1);
  });
});

describe('update', () => {
  it('update(fn) replaces spec, action, policies and state from the description', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('update'), spec: YEARLY, action: action({ args: [1] }) });
    await handle.update((prev) => ({
      ...prev,
      spec: { intervals: [{ every: '2h', offset: '5m' }] },
      action: { ...prev.action, args: [2], workflowRunTimeout: '1m' },
      policies: { ...prev.policies, overlap: 'BUFFER_ALL' },
      state: { ...prev.state, note: 'updated', remainingActions: 7 },
    }));
    const d = await handle.describe();
    expect(d.spec.intervals).toEqual([{ every: 7_200_000, offset: 300_000 }]);
    expect(d.spec.calendars).toEqual([]);
    expect(d.action).toMatchObject({ args: [2], workflowRunTimeout: 60_000 });
    expect(d.policies.overlap).toBe('BUFFER_ALL');
    expect(d.state).toEqual({ paused: false, note: 'updated', remainingActions: 7 });
    expect(d.info.lastUpdatedAt).toBeInstanceOf(Date);
  });

  it('update replaces the schedule search attributes', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('update-sa'),
      spec: YEARLY,
      action: action(),
      typedSearchAttributes: [{ key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'before' }],
    });
    await handle.update((prev) => ({ ...prev, typedSearchAttributes: [{ key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'after' }], searchAttributes: undefined }));
    expect((await handle.describe()).typedSearchAttributes.getAll()).toEqual([{ key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'after' }]);
  });

  it('a description returned unchanged is a valid update', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('noop-update'), spec: { cronExpressions: ['0 9 * * *'], skip: [{ dayOfWeek: 'SUNDAY', hour: 9 }], jitter: '1s', timezone: 'Europe/Paris' }, action: action({ memo: { a: 1 }, retry: { maximumAttempts: 2 }, typedSearchAttributes: [{ key: { name: 'ScheduleTier', type: 'INT' }, value: 1 }] }), typedSearchAttributes: [{ key: { name: 'ScheduleTeam', type: 'KEYWORD' }, value: 'noop' }] });
    const before = await handle.describe();
    await handle.update((prev) => prev);
    const after = await handle.describe();
    expect({ ...after, info: undefined, raw: undefined }).toEqual({ ...before, info: undefined, raw: undefined });
  });

  it('when another update went in first, update runs the function again on the new description', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('conflict'), spec: YEARLY, action: action({ args: ['original'] }) });
    let calls = 0;
    await handle.update(async (prev) => {
      calls++;
      if (calls === 1) {
        // Someone else updates between our describe and our update: our conflict token is now stale.
        await env.client.schedule.getHandle(handle.scheduleId).update((p) => ({ ...p, state: { ...p.state, note: 'theirs' } }));
      }
      return { ...prev, action: { ...prev.action, args: ['ours'] } };
    });
    expect(calls).toBe(2);
    const d = await handle.describe();
    expect(d.state.note).toBe('theirs');
    expect(d.action.args).toEqual(['ours']);
  });

  it('update applies on a schedule busy taking limited actions (which move the conflict token too)', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: env.scheduleId('busy-update'),
      spec: { intervals: [{ every: '1s' }] },
      action: action(),
      state: { remainingActions: 100 },
    });
    await describeUntil(handle, (d) => d.info.numActionsTaken >= 1, 15_000);
    await handle.update((prev) => ({ ...prev, state: { ...prev.state, note: 'busy but updated' } }));
    expect((await handle.describe()).state.note).toBe('busy but updated');
  });

  it('update keeps the headers a create interceptor added', async () => {
    const marker: ScheduleClientInterceptor = {
      create: (input, next) => next({ ...input, headers: { ...input.headers, marker: env.client.dataConverter.payloadConverter.toPayload('kept') } }),
    };
    const scheduleId = env.scheduleId('headers-kept');
    await env.makeClient({ interceptors: { schedule: [marker] } }).schedule.create({ scheduleId, spec: YEARLY, action: action() });
    const handle = env.client.schedule.getHandle(scheduleId);
    await handle.update((prev) => ({ ...prev, action: { ...prev.action, args: ['after-update'] } }));
    const header = (await handle.describe()).raw.schedule?.action?.startWorkflow?.header?.fields?.marker;
    expect(header && env.client.dataConverter.payloadConverter.fromPayload(header)).toBe('kept');
  });

  it('changing the memo in update is refused, and nothing is changed', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('memo-update'), spec: YEARLY, action: action(), memo: { v: 1 } });
    const err = await rejectionOf(handle.update((prev) => ({ ...prev, memo: { v: 2 }, state: { note: 'should not apply' } })));
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect(err).toMatchObject({ field: 'memo' });
    expect((await handle.describe()).state.note).toBeUndefined();
  });

  it('a bad spec returned by the function is refused naming the field', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('bad-update'), spec: YEARLY, action: action() });
    const err = await rejectionOf(handle.update((prev) => ({ ...prev, spec: { intervals: [{ every: 0 }] } })));
    expect(err).toMatchObject({ field: 'spec.intervals[0].every' });
  });

  it('update of an unknown schedule rejects with ScheduleNotFoundError', async () => {
    const err = await rejectionOf(env.client.schedule.getHandle('missing-update').update((prev) => prev));
    expect(err).toBeInstanceOf(ScheduleNotFoundError);
  });
});

describe('delete', () => {
  it('after delete(), describe rejects with ScheduleNotFoundError', async () => {
    const handle = await env.client.schedule.create({ scheduleId: env.scheduleId('delete'), spec: YEARLY, action: action() });
    await handle.delete();
    const err = await rejectionOf(handle.describe());
    expect(err).toBeInstanceOf(ScheduleNotFoundError);
    expect(err).toMatchObject({ scheduleId: handle.scheduleId });
  });

  it('backfill of an unknown schedule rejects with ScheduleNotFoundError', async () => {
    const err = await rejectionOf(env.client.schedule.getHandle('missing-backfill').backfill({ start: new Date(0), end: new Date(60_000) }));
    expect(err).toBeInstanceOf(ScheduleNotFoundError);
  });
});
