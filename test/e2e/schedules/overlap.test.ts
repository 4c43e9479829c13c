/**
 * The six overlap policies, against the test server. Each test makes several actions due at once by
 * backfilling a past window of a 1-minute interval (three due times: 00:01, 00:02, 00:03), or by
 * triggering with an overlap policy, while the started workflows block until signalled — no waiting
 * for wall-clock time. The tests run concurrently, each on its own schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledFailure, TerminatedFailure, WorkflowFailedError, type Backfill, type ScheduleHandle, type ScheduleOverlapPolicy } from '../../../lib';
import { describeUntil, rejectionOf, startScheduleTestEnvironment, type ScheduleTestEnvironment } from './environment';

let env: ScheduleTestEnvironment;

beforeAll(async () => {
  env = await startScheduleTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

/** A paused 1-minute interval of blocking workflows: only backfills and triggers act. */
async function blockingSchedule(label: string): Promise<ScheduleHandle> {
  return env.client.schedule.create({
    scheduleId: env.scheduleId(label),
    spec: { intervals: [{ every: '1m' }] },
    action: { type: 'startWorkflow', workflowType: 'blockUntilReleased', taskQueue: env.taskQueue },
    state: { paused: true },
  });
}

function threeDue(overlap: ScheduleOverlapPolicy): Backfill {
  return { start: new Date('2026-01-01T00:00:30Z'), end: new Date('2026-01-01T00:03:00Z'), overlap };
}

function running(d: Awaited<ReturnType<ScheduleHandle['describe']>>): string[] {
  return d.info.runningActions.map((a) => a.workflow.workflowId).sort();
}

async function release(workflowId: string): Promise<void> {
  await env.client.workflow.getHandle(workflowId).signal('release');
}

describe.concurrent('overlap policies', () => {
  it('SKIP: while one runs, the other due actions are skipped and counted', async () => {
    const handle = await blockingSchedule('skip');
    await handle.backfill(threeDue('SKIP'));
    const d = await describeUntil(handle, (x) => x.info.numActionsSkippedOverlap === 2);
    expect(d.info.numActionsTaken).toBe(1);
    expect(running(d)).toHaveLength(1);
    expect(running(d)[0]).toMatch(/T00:01:00Z$/);
  });

  it('ALLOW_ALL: every due action starts at once', async () => {
    const handle = await blockingSchedule('allow-all');
    await handle.backfill(threeDue('ALLOW_ALL'));
    const d = await describeUntil(handle, (x) => x.info.numActionsTaken === 3);
    const ids = d.info.recentActions.map((a) => a.action.workflow.workflowId);
    expect(ids.map((id) => id.slice(-9))).toEqual(['00:01:00Z', '00:02:00Z', '00:03:00Z']);
    // All three run side by side. (The real server does not track ALLOW_ALL runs in runningActions.)
    const statuses = await Promise.all(ids.map(async (id) => (await env.client.workflow.getHandle(id).describe()).status.name));
    expect(statuses).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
  });

  it('BUFFER_ONE: one action waits for the running one, the rest are dropped', async () => {
    const handle = await blockingSchedule('buffer-one');
    await handle.backfill(threeDue('BUFFER_ONE'));
    const first = await describeUntil(handle, (x) => x.info.runningActions.length === 1);
    expect(first.info.numActionsTaken).toBe(1);
    await release(running(first)[0]);
    const second = await describeUntil(handle, (x) => x.info.numActionsTaken === 2 && x.info.runningActions.length === 1);
    expect(running(second)[0]).not.toBe(running(first)[0]);
    await release(running(second)[0]);
    await describeUntil(handle, (x) => x.info.runningActions.length === 0);
    expect((await handle.describe()).info.numActionsTaken).toBe(2);
  });

  it('BUFFER_ALL: every due action runs, one after the other', async () => {
    const handle = await blockingSchedule('buffer-all');
    await handle.backfill(threeDue('BUFFER_ALL'));
    const started: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const d = await describeUntil(handle, (x) => x.info.numActionsTaken === n && x.info.runningActions.length === 1);
      const [id] = running(d);
      started.push(id);
      await release(id);
    }
    expect(started.map((id) => id.slice(-9))).toEqual(['00:01:00Z', '00:02:00Z', '00:03:00Z']);
    const done = await describeUntil(handle, (x) => x.info.runningActions.length === 0);
    expect(done.info.numActionsSkippedOverlap).toBe(0);
  });

  it('CANCEL_OTHER: trigger cancels the running workflow, then starts the new one', async () => {
    const handle = await blockingSchedule('cancel-other');
    await handle.backfill({ start: new Date('2026-01-01T00:00:30Z'), end: new Date('2026-01-01T00:01:00Z') });
    const [old] = running(await describeUntil(handle, (x) => x.info.runningActions.length === 1));
    await handle.trigger('CANCEL_OTHER');
    const err = await rejectionOf(env.client.workflow.getHandle(old).result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const d = await describeUntil(handle, (x) => x.info.numActionsTaken === 2 && x.info.runningActions.length === 1);
    expect(running(d)[0]).not.toBe(old);
  });

  it('TERMINATE_OTHER: trigger terminates the running workflow and starts the new one', async () => {
    const handle = await blockingSchedule('terminate-other');
    await handle.backfill({ start: new Date('2026-01-01T00:00:30Z'), end: new Date('2026-01-01T00:01:00Z') });
    const [old] = running(await describeUntil(handle, (x) => x.info.runningActions.length === 1));
    await handle.trigger('TERMINATE_OTHER');
    const err = await rejectionOf(env.client.workflow.getHandle(old).result());
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const d = await describeUntil(handle, (x) => x.info.numActionsTaken === 2 && x.info.runningActions.length === 1);
    expect(running(d)[0]).not.toBe(old);
  });

  it("trigger('SKIP') while an action runs starts nothing", async () => {
    const handle = await blockingSchedule('trigger-skip');
    await handle.trigger('SKIP');
    await describeUntil(handle, (x) => x.info.runningActions.length === 1);
    await handle.trigger('SKIP');
    const d = await describeUntil(handle, (x) => x.info.numActionsSkippedOverlap === 1);
    expect(d.info.numActionsTaken).toBe(1);
  });

  it('runningActions lists a started workflow until it closes', async () => {
    const handle = await blockingSchedule('running');
    await handle.trigger('SKIP');
    const d = await describeUntil(handle, (x) => x.info.runningActions.length === 1);
    const [action] = d.info.runningActions;
    expect(action.type).toBe('startWorkflow');
    expect(action.workflow.workflowId).toBe(d.info.recentActions[0].action.workflow.workflowId);
    expect(action.workflow.firstExecutionRunId).toBe(d.info.recentActions[0].action.workflow.firstExecutionRunId);
    await release(action.workflow.workflowId);
    await describeUntil(handle, (x) => x.info.runningActions.length === 0);
  });
});
