/**
 * Conformance, schedules: the official ScheduleClient against both servers. What a schedule
 * describes as (the canonical spec the server stores, policies and their defaults, state, future
 * action times across a DST change), the errors clients map, and a triggered action's workflow id
 * and search attributes. Time-dependent behaviour on a controlled clock is covered by
 * test/peer/schedules.test.ts; here only what needs no waiting is compared.
 */
import Long from 'long';
import { conformanceFile, poll, type World } from './support/harness';
import { outcome } from './support/errors';

const f = conformanceFile('schedules', { worker: false });

function action(w: World, label: string) {
  return { type: 'startWorkflow' as const, workflowType: 'returnsArgs', taskQueue: `${w.id('unpolled')}`, workflowId: w.id(label), args: [] };
}

const iso = (ds: Date[]): string[] => ds.map((d) => d.toISOString());

f.scenario('schedules: describe shows the canonical spec, defaults and future times across a DST change', async (w) => {
  const handle = await w.client.schedule.create({
    scheduleId: w.id('described'),
    spec: {
      calendars: [{ hour: [{ start: 1, end: 3 }], minute: 30, dayOfWeek: ['SUNDAY', 'MONDAY'] }],
      cronExpressions: ['15 9-17/4 * * MON-FRI # office'],
      intervals: [{ every: '90m', offset: '15m' }],
      skip: [{ hour: 11, minute: '*' as never }],
      timezone: 'America/New_York',
      startAt: new Date('2030-03-09T00:00:00Z'),
      endAt: new Date('2030-03-12T00:00:00Z'),
    },
    action: action(w, 'wf'),
    memo: { owner: 'conformance' },
    state: { note: 'a note', paused: true },
  });
  const d = await handle.describe();
  await handle.delete();
  return {
    spec: d.spec,
    policies: d.policies,
    state: d.state,
    memo: d.memo,
    counters: [d.info.numActionsTaken, d.info.numActionsMissedCatchupWindow, d.info.numActionsSkippedOverlap],
    nextActionTimes: iso(d.info.nextActionTimes),
    recent: d.info.recentActions.length,
    running: d.info.runningActions.length,
  };
});

f.scenario('schedules: limited actions and catchup window as described', async (w) => {
  const handle = await w.client.schedule.create({
    scheduleId: w.id('limited'),
    spec: { intervals: [{ every: '1h' }], startAt: new Date('2030-01-01T00:00:00Z') },
    action: action(w, 'wf'),
    policies: { catchupWindow: '1m', overlap: 'BUFFER_ALL', pauseOnFailure: true },
    state: { remainingActions: 3 },
  });
  const d = await handle.describe();
  await handle.delete();
  return { policies: d.policies, state: d.state, nextActionTimes: iso(d.info.nextActionTimes) };
});

f.scenario('schedules: errors clients map (duplicate, unknown, bad specs)', async (w) => {
  const id = w.id('dup');
  const handle = await w.client.schedule.create({ scheduleId: id, spec: { intervals: [{ every: '1h' }] }, action: action(w, 'wf'), state: { paused: true } });
  const duplicate = await outcome(w.client.schedule.create({ scheduleId: id, spec: { intervals: [{ every: '1h' }] }, action: action(w, 'wf') }));
  await handle.delete();
  const bad = (spec: object) => outcome(w.client.schedule.create({ scheduleId: w.id('bad'), spec: spec as never, action: action(w, 'bad') }));
  return {
    duplicate,
    unknown: await outcome(w.client.schedule.getHandle(w.id('nope')).describe()),
    deleteUnknown: await outcome(w.client.schedule.getHandle(w.id('nope')).delete()),
    cronHour: await bad({ cronExpressions: ['0 25 * * *'] }),
    cronFields: await bad({ cronExpressions: ['0 12 * *'] }),
    zone: await bad({ intervals: [{ every: '1h' }], timezone: 'Mars/Olympus' }),
    interval0: await bad({ intervals: [{ every: 0 }] }),
    phase: await bad({ intervals: [{ every: '1m', offset: '1m' }] }),
    conflictingZones: await bad({ cronExpressions: ['CRON_TZ=Europe/Paris 0 9 * * *'], timezone: 'Asia/Tokyo' }),
  };
});

f.scenario('schedules: a triggered action, its workflow id and search attributes', async (w) => {
  const id = w.id('trig');
  const handle = await w.client.schedule.create({ scheduleId: id, spec: { intervals: [{ every: '1h' }], startAt: new Date('2030-01-01T00:00:00Z') }, action: action(w, 'wf'), state: { paused: true } });
  await handle.trigger();
  await poll(async () => (await handle.describe()).info.numActionsTaken === 1, 'the triggered action');
  const d = await handle.describe();
  const started = d.info.recentActions[0].action as { workflow: { workflowId: string; firstExecutionRunId: string } };
  const wf = await w.client.workflow.getHandle(started.workflow.workflowId).describe();
  await w.client.workflow.getHandle(started.workflow.workflowId).terminate();
  await handle.delete();
  const prefix = `${w.id('wf')}-`;
  return {
    idShape: started.workflow.workflowId.startsWith(prefix) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(started.workflow.workflowId.slice(prefix.length)),
    scheduledBy: wf.searchAttributes.TemporalScheduledById,
    startTimeMatchesId:
      (wf.searchAttributes.TemporalScheduledStartTime as Date[])[0].toISOString().replace('.000Z', 'Z') === started.workflow.workflowId.slice(prefix.length),
    paused: d.state.paused,
    running: d.info.runningActions.length,
    workflowType: wf.type,
  };
});

f.scenario('schedules: an empty spec takes no action by itself, and a trigger still starts one', async (w) => {
  const handle = await w.client.schedule.create({ scheduleId: w.id('empty'), spec: {}, action: action(w, 'wf') });
  const before = await handle.describe();
  await handle.trigger();
  await poll(async () => (await handle.describe()).info.numActionsTaken === 1, 'the triggered action');
  const after = await handle.describe();
  const started = after.info.recentActions[0].action as { workflow: { workflowId: string } };
  await w.client.workflow.getHandle(started.workflow.workflowId).terminate();
  await handle.delete();
  return {
    spec: before.spec,
    nextActionTimes: iso(before.info.nextActionTimes),
    actionsBefore: before.info.numActionsTaken,
    paused: before.state.paused,
    actionsAfterTrigger: after.info.numActionsTaken,
    nextActionTimesAfterTrigger: iso(after.info.nextActionTimes),
  };
});

f.scenario('schedules: future times across both DST changes in America/New_York, and ListScheduleMatchingTimes', async (w) => {
  const make = async (label: string, startAt: string) => {
    const h = await w.client.schedule.create({
      scheduleId: w.id(label),
      spec: { calendars: [{ hour: [{ start: 1, end: 2 }], minute: 30 }], timezone: 'America/New_York', startAt: new Date(startAt) },
      action: action(w, label),
      state: { paused: true },
    });
    const times = iso((await h.describe()).info.nextActionTimes);
    return { h, times };
  };
  // 2030-03-10: 02:30 does not exist. 2030-11-03: 01:30 happens twice.
  const spring = await make('spring', '2030-03-09T00:00:00Z');
  const fall = await make('fall', '2030-11-02T00:00:00Z');
  const matching = await w.raw.workflow.listScheduleMatchingTimes({
    namespace: w.namespace,
    scheduleId: w.id('fall'),
    startTime: { seconds: Long.fromNumber(Date.parse('2030-11-02T12:00:00Z') / 1000) },
    endTime: { seconds: Long.fromNumber(Date.parse('2030-11-04T12:00:00Z') / 1000) },
  });
  await spring.h.delete();
  await fall.h.delete();
  return {
    spring: spring.times,
    fall: fall.times,
    matching: (matching.startTime ?? []).map((t) => new Date(Number(t.seconds) * 1000).toISOString()),
  };
});
