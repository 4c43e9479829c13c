/**
 * Spec §7 phase 2 scenario 2 with the official SDK against our dev server: activity retries are
 * silent (one Scheduled/Started/close in history), follow the policy's backoff, stop at
 * maximumAttempts with MAXIMUM_ATTEMPTS_REACHED, honour nonRetryableErrorTypes and an
 * ApplicationFailure's nextRetryDelay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { attemptsOf } from './p2-support/activities';
import { durationMs, eventTypes, eventsOfType, eventually, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { activityWithDefaultRetryPolicy, cancelActivityInBackoff, parallelFlakyActivities, flakyWithinScheduleToClose, retryingActivity } from './p2-support/workflows';

const { RetryState } = temporal.api.enums.v1;

/** Slack for setTimeout firing a millisecond or two early; never used as an upper bound. */
const TIMER_SLACK_MS = 10;

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

async function failureOf(promise: Promise<unknown>): Promise<WorkflowFailedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

describe('phase 2 · activity retries', () => {
  it('retries a failing activity with exponential backoff until attempt 3 succeeds', async () => {
    const key = uniqueId('backoff');
    const handle = await env.client.workflow.start(retryingActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 2, 'Flaky', { maximumAttempts: 5, initialIntervalMs: 100, backoffCoefficient: 2 }],
    });
    expect(await handle.result()).toBe(3);
    const attempts = attemptsOf(key);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const [first, second] = gaps(attempts.map((a) => a.at));
    expect(first).toBeGreaterThanOrEqual(100 - TIMER_SLACK_MS);
    expect(second).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
  });

  it('keeps retries out of history: one Started carrying the final attempt and the previous failure', async () => {
    const key = uniqueId('silent-retries');
    const handle = await env.client.workflow.start(retryingActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 2, 'Flaky', { maximumAttempts: 5, initialIntervalMs: 20 }],
    });
    expect(await handle.result()).toBe(3);
    const history = await handle.fetchHistory();
    expect(eventTypes(history)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    const scheduled = onlyEvent(history, 'ActivityTaskScheduled').activityTaskScheduledEventAttributes;
    expect(durationMs(scheduled?.retryPolicy?.initialInterval)).toBe(20);
    expect(scheduled?.retryPolicy?.maximumAttempts).toBe(5);
    const started = onlyEvent(history, 'ActivityTaskStarted').activityTaskStartedEventAttributes;
    expect(started?.attempt).toBe(3);
    expect(started?.lastFailure?.message).toBe('attempt 2 fails');
  });

  it('reports MAXIMUM_ATTEMPTS_REACHED once maximumAttempts attempts have failed', async () => {
    const key = uniqueId('max-attempts');
    const err = await failureOf(
      env.client.workflow.execute(retryingActivity, {
        taskQueue: env.taskQueue,
        workflowId: key,
        args: [key, 99, 'Flaky', { maximumAttempts: 3, initialIntervalMs: 20 }],
      }),
    );
    expect(err.cause).toBeInstanceOf(ActivityFailure);
    const activityFailure = err.cause as ActivityFailure;
    expect(activityFailure.retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect(activityFailure.cause).toBeInstanceOf(ApplicationFailure);
    expect(activityFailure.cause?.message).toBe('attempt 3 fails');
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1, 2, 3]);

    const history = await env.client.workflow.getHandle(key).fetchHistory();
    const failed = onlyEvent(history, 'ActivityTaskFailed').activityTaskFailedEventAttributes;
    expect(failed?.retryState).toBe(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    expect(onlyEvent(history, 'ActivityTaskStarted').activityTaskStartedEventAttributes?.attempt).toBe(3);
  });

  it('does not retry an error type listed in nonRetryableErrorTypes', async () => {
    const key = uniqueId('non-retryable-type');
    const err = await failureOf(
      env.client.workflow.execute(retryingActivity, {
        taskQueue: env.taskQueue,
        workflowId: key,
        args: [key, 99, 'Fatal', { maximumAttempts: 5, initialIntervalMs: 20, nonRetryableErrorTypes: ['Fatal'] }],
      }),
    );
    const activityFailure = err.cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.retryState).toBe('NON_RETRYABLE_FAILURE');
    expect((activityFailure.cause as ApplicationFailure).type).toBe('Fatal');
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1]);
  });

  it("waits an ApplicationFailure's nextRetryDelay instead of the policy's interval", async () => {
    const key = uniqueId('next-retry-delay');
    const handle = await env.client.workflow.start(retryingActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 1, 'Flaky', { maximumAttempts: 5, initialIntervalMs: 20 }, 700],
    });
    expect(await handle.result()).toBe(2);
    const [gap] = gaps(attemptsOf(key).map((a) => a.at));
    expect(gap).toBeGreaterThanOrEqual(700 - TIMER_SLACK_MS);
  });

  it('writes the default retry policy into ActivityTaskScheduled when the workflow gives none', async () => {
    const handle = await env.client.workflow.start(activityWithDefaultRetryPolicy, { taskQueue: env.taskQueue, workflowId: uniqueId('default-retry') });
    expect(await handle.result()).toBe('Hello, defaults!');
    const policy = onlyEvent(await handle.fetchHistory(), 'ActivityTaskScheduled').activityTaskScheduledEventAttributes?.retryPolicy;
    expect(durationMs(policy?.initialInterval)).toBe(1_000);
    expect(policy?.backoffCoefficient).toBe(2);
    expect(durationMs(policy?.maximumInterval)).toBe(100_000);
    expect(policy?.maximumAttempts ?? 0).toBe(0);
  });

  it('stops retrying with retry state TIMEOUT when the next attempt would start after schedule-to-close', async () => {
    const key = uniqueId('retry-past-deadline');
    const err = await failureOf(
      env.client.workflow.execute(flakyWithinScheduleToClose, { taskQueue: env.taskQueue, workflowId: key, args: [key, 500, 2_000] }),
    );
    const activityFailure = err.cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.retryState).toBe('TIMEOUT');
    expect(activityFailure.cause).toBeInstanceOf(ApplicationFailure);
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1]);
    const failed = onlyEvent(await env.client.workflow.getHandle(key).fetchHistory(), 'ActivityTaskFailed').activityTaskFailedEventAttributes;
    expect(failed?.retryState).toBe(RetryState.RETRY_STATE_TIMEOUT);
  });

  it('cancels an activity waiting in retry backoff at once; the completing task drops its ActivityTaskCanceled', async () => {
    const key = uniqueId('cancel-in-backoff');
    const handle = await env.client.workflow.start(cancelActivityInBackoff, { taskQueue: env.taskQueue, workflowId: key, args: [key] });
    expect(await handle.result()).toBe('activity cancelled');
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1]);
    // The real server (1.29.1, see test/conformance) cancels a never-started activity at once but
    // buffers its ActivityTaskCanceled behind the command events; when a later command of the same
    // workflow task completes the workflow, the buffered event is dropped with the run.
    const types = eventTypes(await handle.fetchHistory());
    expect(types.slice(-2)).toEqual(['ActivityTaskCancelRequested', 'WorkflowExecutionCompleted']);
  });

  it('describes an activity waiting in backoff with its next attempt and last failure', async () => {
    const key = uniqueId('describe-backoff');
    const handle = await env.client.workflow.start(retryingActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 99, 'Flaky', { initialIntervalMs: 60_000 }],
    });
    try {
      const pending = await eventually(async () => {
        const activities = (await handle.describe()).raw.pendingActivities ?? [];
        return activities.length === 1 && activities[0].lastFailure ? activities[0] : undefined;
      }, 'the first attempt to fail');
      expect(pending.attempt).toBe(2);
      expect(pending.state).toBe(temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
      expect(pending.lastFailure?.message).toBe('attempt 1 fails');
      expect(pending.activityType?.name).toBe('flaky');
    } finally {
      await handle.terminate('end of the backoff test');
    }
  });

  it('retries ten parallel activities independently', async () => {
    const key = uniqueId('parallel-retries');
    const results = await env.client.workflow.execute(parallelFlakyActivities, { taskQueue: env.taskQueue, workflowId: key, args: [key, 10] });
    expect(results).toEqual(Array.from({ length: 10 }, () => 2));
    const history = await env.client.workflow.getHandle(key).fetchHistory();
    expect(eventsOfType(history, 'ActivityTaskCompleted')).toHaveLength(10);
  });
});
