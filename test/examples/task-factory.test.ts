/**
 * The task factory (examples/task-factory) as a service: its own process, its HTTP API, its app
 * database, on the test's Temporal server (our dev server in `default`, the real one in `e2e-cli`).
 * The test reads the schedules back with its own client, so "in sync" is checked against the server,
 * not against what the service believes.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, ScheduleNotFoundError, WorkflowNotFoundError, type ScheduleDescription } from '../../lib/client';
import { startTestServer, type TestServer } from '../support/real-server';
import { startServiceProcess, tempDir, waitUntil, type DefinitionRow, type ErrorBody, type RunRow, type ServiceProcess, type TaskRow } from './task-factory-service';

const APP = 'tf-flow';

const cronDefinition = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  trigger: { type: 'cron', cron: '30 6 * * *' },
  timezone: 'Europe/Berlin',
  jitter: '2s',
  context_sources: [{ name: 'at', type: 'fire_time' }],
  task_templates: [{ key: 'report', kind: 'automated', title: 'Report for {{at.date}} {{at.time}}' }],
  ...extra,
});

const orderDefinition = (id: string, eventType: string, extra: Record<string, unknown> = {}) => ({
  id,
  trigger: { type: 'event', event_type: eventType },
  dedupe_key_strategy: { type: 'payload_fields', fields: ['orderId'] },
  context_sources: [
    { name: 'order', type: 'event' },
    { name: 'site', type: 'static', value: { lead: 'sam' } },
  ],
  task_templates: [
    { key: 'pick', kind: 'automated', title: 'Pick {{item.sku}}', for_each: 'order.items', work_ms: 50 },
    { key: 'review', kind: 'human', title: 'Review {{order.orderId}}', when: { path: 'order.total', op: 'gt', value: 500 }, assignee: '{{site.lead}}' },
  ],
  ...extra,
});

let server: TestServer;
let service: ServiceProcess;
let connection: Connection;
let client: Client;

const scheduleOf = (id: string) => client.schedule.getHandle(`${APP}-def-${id}`);
const definition = async (id: string) => (await service.call<DefinitionRow>('GET', `/definitions/${id}`)).body;
const runsOf = async (id: string) => (await service.call<RunRow[]>('GET', `/runs?definition=${id}`)).body;
const tasksOf = async (runWorkflowId: string) => (await service.call<TaskRow[]>('GET', `/tasks?run=${encodeURIComponent(runWorkflowId)}`)).body;

/** The schedule as the server has it agrees with the definition as the database has it. */
async function expectInSync(id: string): Promise<ScheduleDescription> {
  const def = await definition(id);
  const d = await scheduleOf(id).describe();
  expect(d.state.paused).toBe(!def.enabled || def.paused);
  expect(d.spec.timezone).toBe(def.timezone);
  expect(d.spec.jitter ?? 0).toBe(def.jitter_ms);
  expect(d.action.workflowType).toBe('runDefinition');
  // An event definition's schedule only acts when an admin triggers it: its runs are manual ones.
  expect(d.action.args[0]).toMatchObject({ definitionId: id, version: def.version, source: def.trigger.type === 'cron' ? 'schedule' : 'manual' });
  return d;
}

async function expectNoSchedule(id: string): Promise<void> {
  await expect(scheduleOf(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
}

beforeAll(async () => {
  server = await startTestServer();
  service = await startServiceProcess({ address: server.address, dbPath: path.join(tempDir('flow'), 'app.sqlite'), app: APP });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: server.namespace });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await connection?.close();
  await server?.stop();
});

describe('definitions and their schedules', { timeout: 150_000 }, () => {
  it('creating a cron definition creates its schedule, with the definition version in the action', async () => {
    const created = await service.call<DefinitionRow>('POST', '/definitions', cronDefinition('sync-create'));
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    const d = await expectInSync('sync-create');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
  });

  it('updating a definition updates its schedule: cron line, time zone, jitter and version', async () => {
    await service.call('POST', '/definitions', cronDefinition('sync-update'));
    const updated = await service.call<DefinitionRow>('PUT', '/definitions/sync-update', cronDefinition('sync-update', { trigger: { type: 'cron', cron: '15 7 * * *' }, timezone: 'Asia/Tokyo', jitter: '5s', version: 1 }));
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, timezone: 'Asia/Tokyo', jitter_ms: 5000 });
    const d = await expectInSync('sync-update');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] });
  });

  it('an update based on a stale version is refused with 409 and changes nothing', async () => {
    await service.call('POST', '/definitions', cronDefinition('sync-stale'));
    await service.call('PUT', '/definitions/sync-stale', cronDefinition('sync-stale', { timezone: 'UTC' }));
    const stale = await service.call<ErrorBody>('PUT', '/definitions/sync-stale', cronDefinition('sync-stale', { timezone: 'Asia/Tokyo', version: 1 }));
    expect(stale.status).toBe(409);
    expect(stale.body.error.field).toBe('version');
    expect(await definition('sync-stale')).toMatchObject({ version: 2, timezone: 'UTC' });
    await expectInSync('sync-stale');
  });

  it('disabling a definition pauses its schedule and enabling it unpauses it', async () => {
    await service.call('POST', '/definitions', cronDefinition('sync-disable'));
    await service.call('PUT', '/definitions/sync-disable', cronDefinition('sync-disable', { enabled: false }));
    expect((await expectInSync('sync-disable')).state).toMatchObject({ paused: true, note: 'definition disabled' });
    await service.call('PUT', '/definitions/sync-disable', cronDefinition('sync-disable', { enabled: true }));
    expect((await expectInSync('sync-disable')).state.paused).toBe(false);
  });

  it('pause and resume pause and unpause the schedule, with the note given', async () => {
    await service.call('POST', '/definitions', cronDefinition('sync-pause'));
    const paused = await service.call<DefinitionRow>('POST', '/definitions/sync-pause/pause', { note: 'quarter close' });
    expect(paused.body.paused).toBe(true);
    expect((await expectInSync('sync-pause')).state).toMatchObject({ paused: true, note: 'quarter close' });
    await service.call('POST', '/definitions/sync-pause/resume');
    expect((await expectInSync('sync-pause')).state.paused).toBe(false);
  });

  it('deleting a definition deletes its schedule', async () => {
    await service.call('POST', '/definitions', cronDefinition('sync-delete'));
    await expectInSync('sync-delete');
    expect((await service.call('DELETE', '/definitions/sync-delete')).status).toBe(204);
    expect((await service.call('GET', '/definitions/sync-delete')).status).toBe(404);
    await expectNoSchedule('sync-delete');
  });

  it('turning a cron definition into an event definition empties its schedule\'s spec, and back gives it the cron line again', async () => {
    await service.call('POST', '/definitions', cronDefinition('sync-switch'));
    await service.call('PUT', '/definitions/sync-switch', orderDefinition('sync-switch', 'switch.happened'));
    const asEvent = await expectInSync('sync-switch');
    expect(asEvent.spec.calendars ?? []).toEqual([]);
    expect(asEvent.info.nextActionTimes).toEqual([]);
    await service.call('PUT', '/definitions/sync-switch', cronDefinition('sync-switch'));
    const asCron = await expectInSync('sync-switch');
    expect(asCron.action.args[0]).toMatchObject({ version: 3 });
    expect(asCron.spec.calendars).toHaveLength(1);
  });

  it('an event definition has a schedule with an empty spec: it never acts by itself, and is paused while the definition is disabled', async () => {
    expect((await service.call('POST', '/definitions', orderDefinition('sync-event', 'sync.event'))).status).toBe(201);
    const d = await expectInSync('sync-event');
    expect(d.spec.calendars ?? []).toEqual([]);
    expect(d.spec.intervals ?? []).toEqual([]);
    expect(d.info.nextActionTimes).toEqual([]);
    await service.call('PUT', '/definitions/sync-event', orderDefinition('sync-event', 'sync.event', { enabled: false }));
    expect((await expectInSync('sync-event')).state).toMatchObject({ paused: true, note: 'definition disabled' });
  });
});

describe('bad input', { timeout: 150_000 }, () => {
  const good = cronDefinition('bad-input');
  const cases: Array<[string, unknown, string]> = [
    ['a body that is not JSON', '{"id": ', '(body)'],
    ['a body that is not an object', '[1, 2]', '(body)'],
    ['no id', { ...good, id: undefined }, 'id'],
    ['an unknown field', { ...good, owner: 'me' }, 'owner'],
    ['a version (the service sets it)', { ...good, version: 3 }, 'version'],
    ['no trigger', { ...good, trigger: undefined }, 'trigger'],
    ['an unknown trigger type', { ...good, trigger: { type: 'webhook' } }, 'trigger.type'],
    ['an unknown time zone', { ...good, timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    ['a jitter that is no duration', { ...good, jitter: 'soon' }, 'jitter'],
    ['no task templates', { ...good, task_templates: [] }, 'task_templates'],
    ['a template of an unknown kind', { ...good, task_templates: [{ key: 'a', kind: 'robot', title: 't' }] }, 'task_templates[0].kind'],
    ['two templates with one key', { ...good, task_templates: [{ key: 'a', kind: 'human', title: 't' }, { key: 'a', kind: 'human', title: 'u' }] }, 'task_templates[1].key'],
    ['an unknown context source type', { ...good, context_sources: [{ name: 'crm', type: 'http' }] }, 'context_sources[0].type'],
    ['an event trigger without a dedupe key strategy', { ...orderDefinition('bad-input', 'x'), dedupe_key_strategy: undefined }, 'dedupe_key_strategy'],
    ['a cron line the Temporal server refuses', { ...good, trigger: { type: 'cron', cron: '61 * * * *' } }, 'trigger.cron'],
  ];

  it.each(cases)('a definition with %s gets 400 naming the field, and neither a row nor a schedule', async (_, body, field) => {
    const res = await service.call<ErrorBody>('POST', '/definitions', body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect((await service.call('GET', '/definitions/bad-input')).status).toBe(404);
    await expectNoSchedule('bad-input');
  });

  it('an update the server refuses leaves the definition and its schedule as they were', async () => {
    await service.call('POST', '/definitions', cronDefinition('bad-update'));
    const res = await service.call<ErrorBody>('PUT', '/definitions/bad-update', cronDefinition('bad-update', { trigger: { type: 'cron', cron: '61 * * * *' }, timezone: 'Asia/Tokyo' }));
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('trigger.cron');
    expect(await definition('bad-update')).toMatchObject({ version: 1, timezone: 'Europe/Berlin', trigger: { cron: '30 6 * * *' } });
    const d = await expectInSync('bad-update');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }] });
  });

  it('an event one of its definitions cannot key gets 400 naming the field and starts no run at all', async () => {
    await service.call('POST', '/definitions', orderDefinition('bad-event-by-order', 'bad.event'));
    await service.call('POST', '/definitions', { ...orderDefinition('bad-event-by-id', 'bad.event'), dedupe_key_strategy: { type: 'event_id' } });
    const res = await service.call<ErrorBody>('POST', '/events', { type: 'bad.event', payload: { orderId: 'B-1', items: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('id');
    await expect(client.workflow.getHandle(`${APP}-event-bad-event-by-order-B-1`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it.each([
    ['no type', { payload: {} }, 'type'],
    ['a payload that is not an object', { type: 'bad.event', id: 'e1', payload: 'hello' }, 'payload'],
    ['an unknown field', { type: 'bad.event', id: 'e1', payload: {}, priority: 1 }, 'priority'],
    ['no value for the dedupe field', { type: 'bad.event', id: 'e1', payload: { items: [] } }, 'payload.orderId'],
  ])('an event with %s gets 400 naming the field', async (_, body, field) => {
    const res = await service.call<ErrorBody>('POST', '/events', body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });
});

describe('runs', { timeout: 150_000 }, () => {
  it('a duplicate event starts nothing new: one run, and one row per task', async () => {
    await service.call('POST', '/definitions', orderDefinition('dup-orders', 'dup.placed'));
    const event = { type: 'dup.placed', payload: { orderId: 'D-1', total: 900, items: [{ sku: 'desk' }, { sku: 'lamp' }] } };
    type Ingress = { results: Array<{ status: string; workflowId: string }> };
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => service.call<Ingress>('POST', '/events', event)));
    const statuses = concurrent.map((r) => r.body.results[0].status);
    expect(statuses.filter((s) => s === 'started')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(4);
    const runs = await waitUntil('the run completes', () => runsOf('dup-orders'), (rs) => rs.length === 1 && rs[0].status === 'completed');
    // Later, with a changed payload but the same key: still the same order, still no new run.
    const later = await service.call<Ingress>('POST', '/events', { ...event, payload: { ...event.payload, total: 1 } });
    expect(later.body.results[0]).toMatchObject({ status: 'duplicate', workflowId: runs[0].workflow_id });
    expect(await runsOf('dup-orders')).toHaveLength(1);
    const tasks = await tasksOf(runs[0].workflow_id);
    expect(tasks.map((t) => t.task_key).sort()).toEqual(['pick-0', 'pick-1', 'review']);
    expect(runs[0]).toMatchObject({ source: 'event', dedupe_key: 'D-1', tasks_planned: 3, tasks_automated: 2, tasks_human: 1 });
  });

  it('an event run resolves its context and plans its tasks from the templates', async () => {
    await service.call('POST', '/definitions', orderDefinition('plan-orders', 'plan.placed'));
    const res = await service.call<{ results: Array<{ workflowId: string }> }>('POST', '/events', { type: 'plan.placed', payload: { orderId: 'P-7', total: 20, items: [{ sku: 'book' }] } });
    const [run] = await waitUntil('the run completes', () => runsOf('plan-orders'), (rs) => rs[0]?.status === 'completed');
    expect(run.workflow_id).toBe(res.body.results[0].workflowId);
    const tasks = await tasksOf(run.workflow_id);
    // total 20 is not > 500: no review task.
    expect(tasks).toEqual([expect.objectContaining({ task_key: 'pick-0', kind: 'automated', title: 'Pick book', status: 'done' })]);
  });

  it('human tasks are rows for a person: open with their assignee until completed', async () => {
    await service.call('POST', '/definitions', orderDefinition('human-orders', 'human.placed'));
    await service.call('POST', '/events', { type: 'human.placed', payload: { orderId: 'H-1', total: 700, items: [] } });
    const [run] = await waitUntil('the run completes', () => runsOf('human-orders'), (rs) => rs[0]?.status === 'completed');
    const [review] = await tasksOf(run.workflow_id);
    expect(review).toMatchObject({ task_key: 'review', kind: 'human', assignee: 'sam', title: 'Review H-1', status: 'open' });
    expect((await service.call<TaskRow>('POST', `/tasks/${review.id}/complete`, { result: 'ok' })).body.status).toBe('done');
    expect((await service.call('POST', `/tasks/${review.id}/complete`)).status).toBe(409);
  });

  it('a cron schedule fires runs that log their fire time and fan out their tasks', async () => {
    await service.call('POST', '/definitions', cronDefinition('fires', { trigger: { type: 'cron', cron: '@every 2s' }, jitter: '200ms' }));
    const runs = await waitUntil('a scheduled run completes', () => runsOf('fires'), (rs) => rs.some((r) => r.status === 'completed'));
    await service.call('PUT', '/definitions/fires', cronDefinition('fires', { trigger: { type: 'cron', cron: '@every 2s' }, enabled: false }));
    const run = runs.find((r) => r.status === 'completed')!;
    expect(run).toMatchObject({ source: 'schedule', definition_version: 1, tasks_planned: 1 });
    expect(run.workflow_id).toBe(`${APP}-run-fires-${run.fire_time}`);
    const [task] = await tasksOf(run.workflow_id);
    expect(task).toMatchObject({ task_key: 'report', status: 'done' });
    expect(task.title).toMatch(/^Report for \d{4}-\d\d-\d\d \d\d:\d\d$/);
  });

  it('a backfill runs each time the cron line matched in the window, once, in the definition time zone', async () => {
    await service.call('POST', '/definitions', cronDefinition('standup', { trigger: { type: 'cron', cron: '0 9 * * MON-FRI' }, timezone: 'America/New_York', jitter: 0 }));
    // Monday 2 to Sunday 8 November 2026, after New York's DST change: 09:00 EST is 14:00 UTC.
    const res = await service.call('POST', '/definitions/standup/backfill', { start: '2026-11-02T00:00:00Z', end: '2026-11-09T00:00:00Z' });
    expect(res.status).toBe(202);
    const runs = await waitUntil('five backfilled runs complete', () => runsOf('standup'), (rs) => rs.length === 5 && rs.every((r) => r.status === 'completed'));
    expect(runs.map((r) => r.fire_time)).toEqual(['02', '03', '04', '05', '06'].map((d) => `2026-11-${d}T14:00:00Z`));
    expect(new Set(runs.map((r) => r.source))).toEqual(new Set(['backfill']));
    const titles = (await Promise.all(runs.map((r) => tasksOf(r.workflow_id)))).map((ts) => ts.map((t) => t.title));
    expect(titles[0]).toEqual(['Report for 2026-11-02 09:00']);
  });

  it('a backfill needs a window and a cron definition', async () => {
    const noWindow = await service.call<ErrorBody>('POST', '/definitions/standup/backfill', { start: '2026-11-09T00:00:00Z', end: '2026-11-02T00:00:00Z' });
    expect(noWindow.status).toBe(400);
    expect(noWindow.body.error.field).toBe('end');
    await service.call('POST', '/definitions', orderDefinition('backfill-event', 'backfill.event'));
    const event = await service.call<ErrorBody>('POST', '/definitions/backfill-event/backfill', { start: '2026-11-02T00:00:00Z', end: '2026-11-09T00:00:00Z' });
    expect(event.status).toBe(409);
    expect(event.body.error.field).toBe('trigger.type');
  });

  it('a manual trigger runs a definition now through its schedule; an event definition\'s run is logged as manual', async () => {
    await service.call('POST', '/definitions', cronDefinition('manual-cron', { trigger: { type: 'cron', cron: '0 0 1 1 *' }, jitter: 0 }));
    await service.call('POST', '/definitions', orderDefinition('manual-event', 'manual.event'));
    expect((await service.call('POST', '/definitions/manual-cron/trigger')).status).toBe(202);
    expect((await service.call('POST', '/definitions/manual-event/trigger')).status).toBe(202);
    const [cronRun] = await waitUntil('the triggered run completes', () => runsOf('manual-cron'), (rs) => rs[0]?.status === 'completed');
    expect(cronRun).toMatchObject({ source: 'schedule', tasks_planned: 1 });
    const [eventRun] = await waitUntil('the manual run completes', () => runsOf('manual-event'), (rs) => rs[0]?.status === 'completed');
    expect(eventRun).toMatchObject({ source: 'manual', tasks_planned: 0 });
  });

  it('a paused definition refuses triggers and skips its events', async () => {
    await service.call('POST', '/definitions', orderDefinition('paused-orders', 'paused.placed'));
    await service.call('POST', '/definitions/paused-orders/pause');
    const trigger = await service.call<ErrorBody>('POST', '/definitions/paused-orders/trigger');
    expect(trigger.status).toBe(409);
    const event = await service.call<{ results: Array<{ status: string }> }>('POST', '/events', { type: 'paused.placed', payload: { orderId: 'X', items: [] } });
    expect(event.body.results).toEqual([expect.objectContaining({ status: 'skipped' })]);
  });
});
