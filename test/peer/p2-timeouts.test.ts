/**
 * Spec §7 phase 2 scenario 3 with the official SDK against our dev server: an activity's
 * start-to-close timeout leads to a retry, a heartbeat timeout hands the last heartbeat details to
 * the next attempt, schedule-to-close ends the activity, and workflow run and execution timeouts
 * close the workflow with a TimeoutFailure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, TimeoutFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { attemptsOf } from './p2-support/activities';
import { durationMs, eventTypes, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import {
  activityOnUnpolledQueue,
  longLocalActivity,
  heartbeatThenStallActivity,
  sleeper,
  sleepThenContinue,
  sleepingActivity,
  slowFirstAttemptActivity,
} from './p2-support/workflows';

const { TimeoutType, WorkflowExecutionStatus } = temporal.api.enums.v1;

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

async function workflowFailure(promise: Promise<unknown>): Promise<WorkflowFailedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

describe('phase 2 · activity timeouts', () => {
  it('retries an attempt that exceeds its start-to-close timeout', async () => {
    const key = uniqueId('start-to-close');
    const handle = await env.client.workflow.start(slowFirstAttemptActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 10_000, { startToCloseMs: 300 }, { maximumAttempts: 3, initialIntervalMs: 50 }],
    });
    expect(await handle.result()).toBe(2);
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1, 2]);
    const history = await handle.fetchHistory();
    const started = onlyEvent(history, 'ActivityTaskStarted').activityTaskStartedEventAttributes;
    expect(started?.attempt).toBe(2);
    expect(started?.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    onlyEvent(history, 'ActivityTaskCompleted');
  });

  it('refuses the late result of a timed-out attempt that arrives while the retry waits in backoff', async () => {
    const key = uniqueId('late-result');
    const handle = await env.client.workflow.start(slowFirstAttemptActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      // Attempt 1 times out at 300 ms and returns at 800 ms, inside the 1 s backoff before attempt 2.
      args: [key, 800, { startToCloseMs: 300 }, { maximumAttempts: 3, initialIntervalMs: 1_000 }],
    });
    expect(await handle.result()).toBe(2);
    expect(attemptsOf(key).map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('retries after a heartbeat timeout and gives the next attempt the last heartbeat details', async () => {
    const key = uniqueId('heartbeat');
    const handle = await env.client.workflow.start(heartbeatThenStallActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 'progress from attempt 1', 10_000, { startToCloseMs: 20_000, heartbeatMs: 300 }, { maximumAttempts: 3, initialIntervalMs: 50 }],
    });
    expect(await handle.result()).toBe('progress from attempt 1');
    const attempts = attemptsOf(key);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1].heartbeatDetails).toBe('progress from attempt 1');
    const history = await handle.fetchHistory();
    const started = onlyEvent(history, 'ActivityTaskStarted').activityTaskStartedEventAttributes;
    expect(started?.attempt).toBe(2);
    expect(started?.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  });

  it('gives the next attempt the heartbeat details of an attempt that hit start-to-close', async () => {
    const key = uniqueId('heartbeat-then-start-to-close');
    const handle = await env.client.workflow.start(heartbeatThenStallActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 'progress before the deadline', 10_000, { startToCloseMs: 500 }, { maximumAttempts: 3, initialIntervalMs: 50 }],
    });
    expect(await handle.result()).toBe('progress before the deadline');
    const started = onlyEvent(await handle.fetchHistory(), 'ActivityTaskStarted').activityTaskStartedEventAttributes;
    expect(started?.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
  });

  it('fails the activity with a SCHEDULE_TO_CLOSE TimeoutFailure when schedule-to-close expires', async () => {
    const key = uniqueId('schedule-to-close');
    const err = await workflowFailure(
      env.client.workflow.execute(sleepingActivity, {
        taskQueue: env.taskQueue,
        workflowId: key,
        args: [key, 10_000, { scheduleToCloseMs: 500 }, { initialIntervalMs: 50 }],
      }),
    );
    expect(err.cause).toBeInstanceOf(ActivityFailure);
    const timeout = (err.cause as ActivityFailure).cause;
    expect(timeout).toBeInstanceOf(TimeoutFailure);
    expect((timeout as TimeoutFailure).timeoutType).toBe('SCHEDULE_TO_CLOSE');

    const history = await env.client.workflow.getHandle(key).fetchHistory();
    const timedOut = onlyEvent(history, 'ActivityTaskTimedOut').activityTaskTimedOutEventAttributes;
    expect(timedOut?.failure?.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    expect(eventTypes(history).slice(-6)).toEqual([
      'ActivityTaskStarted',
      'ActivityTaskTimedOut',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionFailed',
    ]);
  });
});

describe('phase 2 · final activity timeouts', () => {
  it('reports the last heartbeat details in the HEARTBEAT TimeoutFailure when no retry is left', async () => {
    const key = uniqueId('final-heartbeat');
    const err = await workflowFailure(
      env.client.workflow.execute(heartbeatThenStallActivity, {
        taskQueue: env.taskQueue,
        workflowId: key,
        args: [key, 'last words', 10_000, { startToCloseMs: 20_000, heartbeatMs: 300 }, { maximumAttempts: 1 }],
      }),
    );
    const timeout = (err.cause as ActivityFailure).cause as TimeoutFailure;
    expect(timeout).toBeInstanceOf(TimeoutFailure);
    expect(timeout.timeoutType).toBe('HEARTBEAT');
    expect(timeout.lastHeartbeatDetails).toBe('last words');
  });
});

describe('phase 2 · activity timeout normalisation', () => {
  it('derives schedule-to-start and start-to-close from a lone schedule-to-close', async () => {
    const key = uniqueId('normalise-s2c');
    const handle = await env.client.workflow.start(sleepingActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 0, { scheduleToCloseMs: 5_000 }, { maximumAttempts: 1 }],
    });
    expect(await handle.result()).toBe('woke');
    const scheduled = onlyEvent(await handle.fetchHistory(), 'ActivityTaskScheduled').activityTaskScheduledEventAttributes;
    expect(durationMs(scheduled?.scheduleToCloseTimeout)).toBe(5_000);
    expect(durationMs(scheduled?.scheduleToStartTimeout)).toBe(5_000);
    expect(durationMs(scheduled?.startToCloseTimeout)).toBe(5_000);
  });

  it('caps the heartbeat timeout at start-to-close', async () => {
    const key = uniqueId('normalise-heartbeat');
    const handle = await env.client.workflow.start(sleepingActivity, {
      taskQueue: env.taskQueue,
      workflowId: key,
      args: [key, 0, { startToCloseMs: 5_000, heartbeatMs: 60_000 }, { maximumAttempts: 1 }],
    });
    await handle.result();
    const scheduled = onlyEvent(await handle.fetchHistory(), 'ActivityTaskScheduled').activityTaskScheduledEventAttributes;
    expect(durationMs(scheduled?.startToCloseTimeout)).toBe(5_000);
    expect(durationMs(scheduled?.heartbeatTimeout)).toBe(5_000);
  });

  it('fails an activity nobody picks up with a SCHEDULE_TO_START TimeoutFailure, without retrying', async () => {
    const workflowId = uniqueId('schedule-to-start');
    const err = await workflowFailure(
      env.client.workflow.execute(activityOnUnpolledQueue, { taskQueue: env.taskQueue, workflowId, args: [uniqueId('nobody-polls'), 300] }),
    );
    const activityFailure = err.cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.cause).toBeInstanceOf(TimeoutFailure);
    expect((activityFailure.cause as TimeoutFailure).timeoutType).toBe('SCHEDULE_TO_START');
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const timedOut = onlyEvent(history, 'ActivityTaskTimedOut').activityTaskTimedOutEventAttributes;
    expect(timedOut?.failure?.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    // It never started, so (as on the real server) no Started event is written and the timeout names none.
    expect(eventTypes(history)).not.toContain('ActivityTaskStarted');
    expect(Number(timedOut?.startedEventId ?? 0)).toBe(0);
  });
});

describe('phase 2 · workflow timeouts', () => {
  it('times out a run that outlives its run timeout with a TimeoutFailure', async () => {
    const workflowId = uniqueId('run-timeout');
    const handle = await env.client.workflow.start(sleeper, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [60_000],
      workflowRunTimeout: '500ms',
    });
    const err = await workflowFailure(handle.result());
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
    const history = await handle.fetchHistory();
    expect(eventTypes(history).at(-1)).toBe('WorkflowExecutionTimedOut');
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });

  it('times out an execution that outlives its execution timeout with a TimeoutFailure', async () => {
    const workflowId = uniqueId('execution-timeout');
    const handle = await env.client.workflow.start(sleeper, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [60_000],
      workflowExecutionTimeout: '500ms',
    });
    const err = await workflowFailure(handle.result());
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
    const history = await handle.fetchHistory();
    expect(eventTypes(history).at(-1)).toBe('WorkflowExecutionTimedOut');
    const description = await handle.describe();
    expect(description.status.code).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
  });

  it('restarts the run timeout for every run of a continue-as-new chain', async () => {
    const result = await env.client.workflow.execute(sleepThenContinue, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('run-timeout-per-run'),
      // Five runs of 200 ms outlast one 1 s run timeout, which each run must restart.
      args: [5, 200],
      workflowRunTimeout: '1s',
    });
    expect(result).toBe('chain done');
  });

  it('counts the execution timeout across a continue-as-new chain', async () => {
    const workflowId = uniqueId('execution-timeout-chain');
    const handle = await env.client.workflow.start(sleepThenContinue, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [20, 300],
      workflowExecutionTimeout: '1s',
    });
    const err = await workflowFailure(handle.result());
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
    const latest = await env.client.workflow.getHandle(workflowId).describe();
    expect(latest.status.name).toBe('TIMED_OUT');
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
  });

  it('fails the in-flight workflow task with FORCE_CLOSE_COMMAND when the run times out during it', async () => {
    const workflowId = uniqueId('timeout-during-task');
    // The local activity keeps a workflow task started past the 1 s run timeout. Like the real server,
    // the workflow task timeout is clamped to the run timeout (1 s), so the worker heartbeats the task
    // (a completed task and a new one) before the run times out during the second one.
    const handle = await env.client.workflow.start(longLocalActivity, { taskQueue: env.taskQueue, workflowId, args: [3_000], workflowRunTimeout: '1s' });
    const err = await workflowFailure(handle.result());
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
    const history = await handle.fetchHistory();
    const types = eventTypes(history);
    expect(types.slice(0, 3)).toEqual(['WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
    expect(types.slice(-3)).toEqual(['WorkflowTaskStarted', 'WorkflowTaskFailed', 'WorkflowExecutionTimedOut']);
    expect(onlyEvent(history, 'WorkflowTaskFailed').workflowTaskFailedEventAttributes?.cause).toBe(
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
    );
  });
});
