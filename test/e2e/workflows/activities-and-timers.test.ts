/**
 * Our worker runs `@temporalio/workflow` workflows against the dev server: activities (sequential,
 * parallel, local), timers and conditions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, startWorkflowTestEnvironment, type WorkflowTestEnvironment } from './environment';
import {
  activityFailureCause,
  conditionMet,
  conditionTimeout,
  localActivities,
  parallelActivities,
  sequentialActivities,
  sleeper,
  unblock,
} from './fixtures/workflows';

let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

describe('activities', () => {
  it('runs activities in sequence, each taking the previous result', async () => {
    const handle = await env.start(sequentialActivities, 'sequential', ['ada']);
    expect(await handle.result()).toEqual(['ADA', 'ADA!']);
  });

  it('runs activities in parallel and keeps the order of their results', async () => {
    const handle = await env.start(parallelActivities, 'parallel', [['a', 'b', 'c', 'd']]);
    expect(await handle.result()).toEqual(['A', 'B', 'C', 'D']);
    const types = eventTypes(await handle.fetchHistory());
    // All four were scheduled by the first workflow task, before any completed.
    const firstCompletion = types.indexOf('ActivityTaskCompleted');
    expect(types.slice(0, firstCompletion).filter((t) => t === 'ActivityTaskScheduled')).toHaveLength(4);
  });

  it('runs local activities on the worker and records them as markers', async () => {
    const handle = await env.start(localActivities, 'local', [1]);
    expect(await handle.result()).toBe(12);
    const types = eventTypes(await handle.fetchHistory());
    expect(types.filter((t) => t === 'MarkerRecorded')).toHaveLength(2);
    expect(types).not.toContain('ActivityTaskScheduled');
  });

  it("hands the workflow an activity's ApplicationFailure as the cause of an ActivityFailure", async () => {
    const handle = await env.start(activityFailureCause, 'activity-failure', []);
    expect(await handle.result()).toBe('refuse: OutOfStock: no more widgets');
  });
});

describe('timers and conditions', () => {
  it('sleep advances workflow time by at least the slept duration', async () => {
    const handle = await env.start(sleeper, 'sleep', [200]);
    expect(await handle.result()).toBeGreaterThanOrEqual(200);
    expect(eventTypes(await handle.fetchHistory())).toEqual(expect.arrayContaining(['TimerStarted', 'TimerFired']));
  });

  it('condition returns false when its timeout fires first', async () => {
    const handle = await env.start(conditionTimeout, 'condition-timeout', [50]);
    expect(await handle.result()).toBe(false);
  });

  it('condition returns true when a signal meets it before the timeout', async () => {
    const handle = await env.start(conditionMet, 'condition-met', []);
    await handle.signal(unblock);
    expect(await handle.result()).toBe(true);
  });
});
