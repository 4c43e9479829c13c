/**
 * Spec §7 phase 2 scenario 4 with the official SDK against our dev server: a local activity that
 * runs longer than the workflow task timeout completes, because the worker keeps its workflow task
 * alive with `force_create_new_workflow_task` heartbeats and the server honours them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, eventsOfType, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { flakyLocalActivity, localActivityWithSignals, longLocalActivity, unblockSignal } from './p2-support/workflows';
import { attemptsOf } from './p2-support/activities';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

describe('phase 2 · local activities', () => {
  it('completes a local activity that runs longer than the workflow task timeout', async () => {
    const handle = await env.client.workflow.start(longLocalActivity, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('long-local'),
      args: [4_000],
      // Heartbeats come at 80% of this; 2 s leaves the worker 400 ms of slack on a busy 2-core machine.
      workflowTaskTimeout: '2s',
    });
    expect(await handle.result()).toBe('slept 4000ms locally');
    const history = await handle.fetchHistory();
    const types = eventTypes(history);
    expect(types).not.toContain('WorkflowTaskTimedOut');
    expect(types).not.toContain('WorkflowTaskFailed');
    // The worker heartbeats its task (at 80% of the 2 s timeout) while the activity runs.
    expect(eventsOfType(history, 'WorkflowTaskCompleted').length).toBeGreaterThanOrEqual(3);
    const marker = onlyEvent(history, 'MarkerRecorded').markerRecordedEventAttributes;
    expect(marker?.markerName).toBe('core_local_activity');
    expect(types.at(-1)).toBe('WorkflowExecutionCompleted');
  });

  it('retries a failing local activity on the worker and records one marker for the final attempt', async () => {
    const key = uniqueId('local-retries');
    const handle = await env.client.workflow.start(flakyLocalActivity, { taskQueue: env.taskQueue, workflowId: key, args: [key, 2, 'Flaky'] });
    expect(await handle.result()).toBe(3);
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(eventsOfType(await handle.fetchHistory(), 'MarkerRecorded')).toHaveLength(1);
  });

  it('fails the workflow when a local activity fails with a non-retryable type, after one attempt', async () => {
    const key = uniqueId('local-fatal');
    const err = await env.client.workflow
      .execute(flakyLocalActivity, { taskQueue: env.taskQueue, workflowId: key, args: [key, 99, 'Fatal'] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    // The worker builds this failure itself (the server only stores the command's failure); SDK 1.24
    // reports a local activity's ApplicationFailure without an ActivityFailure wrapper.
    const cause = (err as WorkflowFailedError).cause;
    const appFailure = cause instanceof ActivityFailure ? cause.cause : cause;
    expect(appFailure).toBeInstanceOf(ApplicationFailure);
    expect((appFailure as ApplicationFailure).type).toBe('Fatal');
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1]);
  });

  it('delivers signals that arrive while a long local activity keeps the task alive', async () => {
    const handle = await env.client.workflow.start(localActivityWithSignals, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('local-with-signals'),
      args: [3_000],
      workflowTaskTimeout: '2s',
    });
    for (let i = 0; i < 3; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await handle.signal(unblockSignal);
    }
    expect(await handle.result()).toBe(3);
    const types = eventTypes(await handle.fetchHistory());
    expect(types.filter((t) => t === 'WorkflowExecutionSignaled')).toHaveLength(3);
    expect(types).not.toContain('WorkflowTaskTimedOut');
  });
});
