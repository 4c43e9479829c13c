/**
 * Spec §7 phase 2 with the official SDK: timers, activity retries and backoff, every activity timeout,
 * workflow run/execution timeouts, local activities longer than the workflow task timeout, and
 * asynchronous activity completion by token and by id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { eventually, eventTypes, startPeerEnv, uniqueId, type PeerEnv } from './helpers';
import { asyncTasks, attemptTimes } from './activities';
import type { ActivityCall } from './workflows';

let env: PeerEnv;
let worker: Worker;
let taskQueue: string;
let running: Promise<void>;

beforeAll(async () => {
  env = await startPeerEnv();
  worker = await env.createWorker();
  taskQueue = worker.options.taskQueue;
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.close();
});

function runActivity(call: ActivityCall, extra: Record<string, unknown> = {}) {
  return env.client.workflow.execute('runActivity', { taskQueue, workflowId: uniqueId(String(call.name)), args: [call], ...extra });
}

async function failureOf(p: Promise<unknown>): Promise<WorkflowFailedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

describe('phase 2: timers', () => {
  it('sleep, condition with a timeout and a cancelled timer scope', async () => {
    const handle = await env.client.workflow.start('timers', { taskQueue, workflowId: uniqueId('timers') });
    expect(await handle.result()).toEqual(['slept', 'condition:false', 'timer cancelled']);
    const types = eventTypes(await handle.fetchHistory());
    expect(types.filter((t) => t === 'TimerFired')).toHaveLength(3);
    expect(types).toContain('TimerCanceled');
  });
});

describe('phase 2: activity retries', () => {
  it('an activity failing twice then succeeding runs attempts 1..3 with exponential backoff', async () => {
    const key = uniqueId('flaky');
    const result = await runActivity({
      name: 'flaky',
      args: [key, 2],
      options: { startToCloseTimeout: '10s', retry: { initialInterval: '200ms', backoffCoefficient: 2 } },
    });
    expect(result).toBe(3);
    const times = attemptTimes(key);
    expect(times).toHaveLength(3);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(200);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(400);
  });

  it('reports MAXIMUM_ATTEMPTS_REACHED when every attempt fails', async () => {
    const err = await failureOf(
      runActivity({
        name: 'flaky',
        args: [uniqueId('max'), 10],
        options: { startToCloseTimeout: '10s', retry: { initialInterval: '50ms', maximumAttempts: 2 } },
      }),
    );
    const cause = err.cause as ActivityFailure;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect(cause.retryState).toBe(RetryState.MAXIMUM_ATTEMPTS_REACHED);
  });

  it('does not retry an error type listed in nonRetryableErrorTypes', async () => {
    const key = uniqueId('nonretryable');
    const err = await failureOf(
      runActivity({
        name: 'flaky',
        args: [key, 10, 'Fatal'],
        options: { startToCloseTimeout: '10s', retry: { initialInterval: '50ms', nonRetryableErrorTypes: ['Fatal'] } },
      }),
    );
    expect((err.cause as ActivityFailure).retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    expect(((err.cause as ActivityFailure).cause as ApplicationFailure).type).toBe('Fatal');
    expect(attemptTimes(key)).toHaveLength(1);
  });

  it('honours nextRetryDelay over the policy interval', async () => {
    const key = uniqueId('nextdelay');
    await runActivity({
      name: 'flaky',
      args: [key, 1, 'Flaky', 600],
      options: { startToCloseTimeout: '10s', retry: { initialInterval: '10ms' } },
    });
    const times = attemptTimes(key);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(600);
  });
});

describe('phase 2: activity timeouts', () => {
  it('a start-to-close timeout leads to a retry', async () => {
    const result = await runActivity({
      name: 'slowFirstAttempt',
      args: [5_000],
      options: { startToCloseTimeout: '500ms', retry: { initialInterval: '50ms' } },
    });
    expect(result).toBe(2);
  });

  it('a heartbeat timeout carries the last heartbeat details to the next attempt', async () => {
    const result = await runActivity({
      name: 'heartbeatThenStall',
      args: [],
      options: { startToCloseTimeout: '10s', heartbeatTimeout: '500ms', retry: { initialInterval: '50ms' } },
    });
    expect(result).toBe('progress-1');
  });

  it('a schedule-to-close timeout ends the activity with a TimeoutFailure', async () => {
    const err = await failureOf(
      runActivity({
        name: 'sleepFor',
        args: [10_000],
        options: { scheduleToCloseTimeout: '700ms', retry: { initialInterval: '50ms' } },
      }),
    );
    const timeout = (err.cause as ActivityFailure).cause as TimeoutFailure;
    expect(timeout).toBeInstanceOf(TimeoutFailure);
    expect(timeout.timeoutType).toBe(TimeoutType.SCHEDULE_TO_CLOSE);
  });

  it('a workflow run timeout gives WorkflowFailedError with a TimeoutFailure', async () => {
    const err = await failureOf(
      env.client.workflow.execute('waitForever', { taskQueue, workflowId: uniqueId('runtimeout'), workflowRunTimeout: '700ms' }),
    );
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
  });

  it('a workflow execution timeout gives WorkflowFailedError with a TimeoutFailure', async () => {
    const err = await failureOf(
      env.client.workflow.execute('waitForever', { taskQueue, workflowId: uniqueId('exectimeout'), workflowExecutionTimeout: '700ms' }),
    );
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
  });
});

describe('phase 2: local and asynchronously completed activities', () => {
  it('a local activity longer than the workflow task timeout completes', async () => {
    const handle = await env.client.workflow.start('runActivity', {
      taskQueue,
      workflowId: uniqueId('local'),
      workflowTaskTimeout: '1s',
      args: [{ name: 'sleepFor', args: [2_500], options: { startToCloseTimeout: '10s' }, local: true }],
    });
    expect(await handle.result()).toBe('woke');
    const types = eventTypes(await handle.fetchHistory());
    expect(types).toContain('MarkerRecorded');
    expect(types).not.toContain('WorkflowTaskTimedOut');
  });

  it('completes an activity asynchronously by task token', async () => {
    const key = uniqueId('async-token');
    const handle = await env.client.workflow.start('runActivity', {
      taskQueue,
      workflowId: uniqueId('async'),
      args: [{ name: 'completeLater', args: [key], options: { startToCloseTimeout: '30s' } }],
    });
    await eventually(async () => asyncTasks.has(key), 'the activity to start');
    await env.client.activity.heartbeat(asyncTasks.get(key)!.taskToken, 'still going');
    await env.client.activity.complete(asyncTasks.get(key)!.taskToken, 'done by token');
    expect(await handle.result()).toBe('done by token');
  });

  it('completes and fails activities asynchronously by id', async () => {
    const key = uniqueId('async-id');
    const handle = await env.client.workflow.start('runActivity', {
      taskQueue,
      workflowId: uniqueId('async-id-wf'),
      args: [{ name: 'completeLater', args: [key], options: { startToCloseTimeout: '30s' } }],
    });
    await eventually(async () => asyncTasks.has(key), 'the activity to start');
    const { workflowId, activityId } = asyncTasks.get(key)!;
    await env.client.activity.complete({ workflowId, activityId }, 'done by id');
    expect(await handle.result()).toBe('done by id');

    const failKey = uniqueId('async-fail');
    const failing = await env.client.workflow.start('runActivity', {
      taskQueue,
      workflowId: uniqueId('async-fail-wf'),
      args: [{ name: 'completeLater', args: [failKey], options: { startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } } }],
    });
    await eventually(async () => asyncTasks.has(failKey), 'the activity to start');
    const ids = asyncTasks.get(failKey)!;
    await env.client.activity.fail({ workflowId: ids.workflowId, activityId: ids.activityId }, ApplicationFailure.nonRetryable('nope', 'AsyncFail'));
    const err = await failureOf(failing.result());
    expect(((err.cause as ActivityFailure).cause as ApplicationFailure).type).toBe('AsyncFail');
  });
});
