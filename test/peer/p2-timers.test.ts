/**
 * Spec §7 phase 2 scenario 1 with the official SDK against our dev server: `sleep`, `condition`
 * with a timeout (both outcomes) and a cancelled timer scope, with the timer events they leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, eventsOfType, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { cancelledTimerScope, conditionWithTimeout, manyTimers, sleeper, unblockSignal } from './p2-support/workflows';

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

describe('phase 2 · timers', () => {
  it('sleep starts a timer whose firing wakes the workflow', async () => {
    const handle = await env.client.workflow.start(sleeper, { taskQueue: env.taskQueue, workflowId: uniqueId('sleep'), args: [100] });
    expect(await handle.result()).toBe('slept');
    const history = await handle.fetchHistory();
    expect(eventTypes(history)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'TimerStarted',
      'TimerFired',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    const started = onlyEvent(history, 'TimerStarted');
    const fired = onlyEvent(history, 'TimerFired');
    expect(fired.timerFiredEventAttributes?.timerId).toBe(started.timerStartedEventAttributes?.timerId);
    expect(Number(fired.timerFiredEventAttributes?.startedEventId)).toBe(Number(started.eventId));
  });

  it('condition with a timeout returns false when its timer fires first', async () => {
    const handle = await env.client.workflow.start(conditionWithTimeout, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('condition-timeout'),
      args: [100],
    });
    expect(await handle.result()).toBe(false);
    const history = await handle.fetchHistory();
    expect(eventsOfType(history, 'TimerFired')).toHaveLength(1);
  });

  it('condition with a timeout returns true when a signal satisfies it, and its timer is cancelled', async () => {
    const handle = await env.client.workflow.start(conditionWithTimeout, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('condition-signal'),
      args: [60_000],
    });
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(true);
    const history = await handle.fetchHistory();
    expect(eventsOfType(history, 'TimerFired')).toHaveLength(0);
    // Whether the timer was ever started depends on whether the signal beat the first task; if it
    // was, it must have been cancelled rather than left to fire.
    expect(eventsOfType(history, 'TimerCanceled')).toHaveLength(eventsOfType(history, 'TimerStarted').length);
  });

  it('cancelling a scope cancels its pending timer with TimerCanceled', async () => {
    const handle = await env.client.workflow.start(cancelledTimerScope, { taskQueue: env.taskQueue, workflowId: uniqueId('cancel-timer') });
    expect(await handle.result()).toBe('timer cancelled');
    const history = await handle.fetchHistory();
    expect(eventTypes(history)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'TimerStarted',
      'TimerStarted',
      'TimerFired',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'TimerCanceled',
      'WorkflowExecutionCompleted',
    ]);
    const [longTimer, shortTimer] = eventsOfType(history, 'TimerStarted');
    expect(onlyEvent(history, 'TimerFired').timerFiredEventAttributes?.timerId).toBe(shortTimer.timerStartedEventAttributes?.timerId);
    const canceled = onlyEvent(history, 'TimerCanceled').timerCanceledEventAttributes;
    expect(canceled?.timerId).toBe(longTimer.timerStartedEventAttributes?.timerId);
    expect(Number(canceled?.startedEventId)).toBe(Number(longTimer.eventId));
  });

  it('fires twenty concurrent timers in the order of their deadlines', async () => {
    const handle = await env.client.workflow.start(manyTimers, { taskQueue: env.taskQueue, workflowId: uniqueId('many-timers'), args: [20] });
    const fired = await handle.result();
    const durations = fired.map((i) => 20 + ((i * 37) % 200));
    expect(durations).toEqual([...durations].sort((a, b) => a - b));
    expect(fired).toHaveLength(20);
    const history = await handle.fetchHistory();
    expect(eventsOfType(history, 'TimerStarted')).toHaveLength(20);
    expect(eventsOfType(history, 'TimerFired')).toHaveLength(20);
  });
});
