/**
 * The task factory killed (SIGKILL) in the middle of a fan-out and started again on the same app
 * database and Temporal server: the run picks up where it was, and every task exists exactly once.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, ScheduleNotFoundError } from '../../lib/client';
import { startTestServer, type TestServer } from '../support/real-server';
import { startServiceProcess, tempDir, waitUntil, type DefinitionRow, type RunRow, type ServiceProcess, type TaskRow } from './task-factory-service';

const APP = 'tf-restart';
const ITEMS = 24;

let server: TestServer;
let connection: Connection;
let client: Client;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  server = await startTestServer();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: server.namespace });
}, 120_000);

afterAll(async () => {
  for (const s of services) await s.stop();
  await connection?.close();
  await server?.stop();
});

describe('a restart of the service in the middle of a fan-out', () => {
  it('finishes the run, with every task created exactly once', async () => {
    const dbPath = path.join(tempDir('restart'), 'app.sqlite');
    const first = await startServiceProcess({ address: server.address, dbPath, app: APP });
    services.push(first);
    const created = await first.call('POST', '/definitions', {
      id: 'bulk',
      trigger: { type: 'event', event_type: 'bulk.requested' },
      dedupe_key_strategy: { type: 'event_id' },
      context_sources: [{ name: 'request', type: 'event' }],
      task_templates: [
        // Long enough that the fan-out is still going when the service is killed.
        { key: 'item', kind: 'automated', title: 'Process {{item.name}}', for_each: 'request.items', work_ms: 3000 },
        { key: 'sign-off', kind: 'human', title: 'Sign off {{request.batch}}', assignee: 'ops' },
      ],
    });
    expect(created.status).toBe(201);
    const items = Array.from({ length: ITEMS }, (_, i) => ({ name: `item-${String(i).padStart(2, '0')}` }));
    const started = await first.call<{ results: Array<{ status: string; workflowId: string }> }>('POST', '/events', { type: 'bulk.requested', id: 'batch-1', payload: { batch: 'batch-1', items } });
    expect(started.body.results[0].status).toBe('started');
    const runId = started.body.results[0].workflowId;

    const tasks = (service: ServiceProcess) => service.call<TaskRow[]>('GET', `/tasks?run=${encodeURIComponent(runId)}`).then((r) => r.body);
    const before = await waitUntil('the fan-out has begun', () => tasks(first), (rows) => rows.length >= 5);
    await first.kill();
    // Mid fan-out: not every automated task was done when the process died.
    expect(before.filter((t) => t.kind === 'automated' && t.status === 'done').length).toBeLessThan(ITEMS);

    const second = await startServiceProcess({ address: server.address, dbPath, app: APP });
    services.push(second);
    const runs = await waitUntil(
      'the run completes after the restart',
      () => second.call<RunRow[]>('GET', '/runs?definition=bulk').then((r) => r.body),
      (rows) => rows[0]?.status === 'completed',
      120_000,
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ workflow_id: runId, tasks_planned: ITEMS + 1, tasks_automated: ITEMS, tasks_human: 1 });

    const after = await tasks(second);
    expect(after.map((t) => t.task_key).sort()).toEqual([...items.map((_, i) => `item-${i}`), 'sign-off'].sort());
    expect(after.filter((t) => t.kind === 'automated').every((t) => t.status === 'done')).toBe(true);
    expect(after.find((t) => t.kind === 'human')).toMatchObject({ status: 'open', assignee: 'ops', title: 'Sign off batch-1' });
    // The rows made before the kill are the same rows now (same ids), not new copies.
    const idsAfter = new Map(after.map((t) => [t.task_key, t.id]));
    for (const t of before) expect(idsAfter.get(t.task_key)).toBe(t.id);

    // The same event again, to the restarted service: still the one run.
    const again = await second.call<{ results: Array<{ status: string }> }>('POST', '/events', { type: 'bulk.requested', id: 'batch-1', payload: { batch: 'batch-1', items } });
    expect(again.body.results[0].status).toBe('duplicate');
  }, 240_000);
});

describe('a start after a crash between the schedule write and the database write', () => {
  const app = 'tf-repair';
  const cron = (id: string, timezone = 'UTC') => ({
    id,
    trigger: { type: 'cron', cron: '0 3 * * *' },
    timezone,
    task_templates: [{ key: 'nightly', kind: 'automated', title: 'Nightly' }],
  });

  it('brings every schedule back in line with the database', async () => {
    const dbPath = path.join(tempDir('repair'), 'app.sqlite');
    const first = await startServiceProcess({ address: server.address, dbPath, app });
    services.push(first);
    expect((await first.call('POST', '/definitions', cron('kept'))).status).toBe(201);
    expect((await first.call('POST', '/definitions', cron('unscheduled'))).status).toBe(201);
    expect((await first.call('POST', '/definitions', cron('ghost'))).status).toBe(201);
    expect(await first.stop()).toBe(0);

    // What a crash would leave: a row whose schedule call never happened, a schedule whose row was
    // never written, and a row that differs from its schedule.
    await client.schedule.getHandle(`${app}-def-unscheduled`).delete();
    const db = new Database(dbPath);
    try {
      db.prepare('DELETE FROM activity_definitions WHERE id = ?').run('ghost');
      db.prepare('UPDATE activity_definitions SET timezone = ?, version = version + 1 WHERE id = ?').run('Asia/Tokyo', 'kept');
    } finally {
      db.close();
    }
    // The start lists schedules to find the orphan; on the real server that list is eventually consistent.
    await waitUntil(
      'the orphan schedule is listed',
      async () => {
        const ids: string[] = [];
        for await (const s of client.schedule.list()) ids.push(s.scheduleId);
        return ids;
      },
      (ids) => ids.includes(`${app}-def-ghost`),
    );

    const second = await startServiceProcess({ address: server.address, dbPath, app });
    services.push(second);
    expect(second.output()).toMatch(/2 definitions in step with their schedules, 1 orphan schedules deleted/);
    const kept = (await second.call<DefinitionRow>('GET', '/definitions/kept')).body;
    const keptSchedule = await client.schedule.getHandle(`${app}-def-kept`).describe();
    expect(keptSchedule.spec.timezone).toBe('Asia/Tokyo');
    expect(keptSchedule.action.args[0]).toMatchObject({ version: kept.version });
    expect((await client.schedule.getHandle(`${app}-def-unscheduled`).describe()).action.args[0]).toMatchObject({ definitionId: 'unscheduled' });
    await expect(client.schedule.getHandle(`${app}-def-ghost`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  }, 240_000);
});
