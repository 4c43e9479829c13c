/**
 * The strictest check of the phase-2 history shapes: every scenario runs on an official worker with
 * `maxCachedWorkflows: 0` (no sticky cache, so every workflow task replays the whole history the
 * server returns), and the fetched history then replays again with `Worker.runReplayHistory`. A
 * missing attribute, a wrong linkage id or an out-of-order event fails one of the two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { eventTypes, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import {
  addUpdate,
  cancelActivityInBackoff,
  cancelledTimerScope,
  cancelsExternal,
  conditionWithTimeout,
  countdown,
  greetUpdate,
  heartbeatThenStallActivity,
  longLocalActivity,
  parentCancelsChild,
  parentOfDuplicateChildren,
  parentOfGreetingChild,
  patchedWorkflow,
  retryingActivity,
  signalsExternal,
  unblockSignal,
  updatable,
  upsertsSearchAttributes,
  waitsForSignal,
} from './p2-support/workflows';

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env({ maxCachedWorkflows: 0 });
});

afterAll(async () => {
  await env?.stop();
});

/** Replays the handle's history with the same workflow code; resolves to the error, if any. */
async function replayFailure(handle: WorkflowHandle): Promise<unknown> {
  const history = await handle.fetchHistory();
  return Worker.runReplayHistory({ workflowBundle: env.workflowBundle }, history, handle.workflowId).then(
    () => undefined,
    (e: unknown) => e,
  );
}

function opts(prefix: string) {
  return { taskQueue: env.taskQueue, workflowId: uniqueId(prefix) };
}

describe('phase 2 · histories replay without a cache and with runReplayHistory', { timeout: 30_000 }, () => {
  it('timers: a cancelled timer scope', async () => {
    const handle = await env.client.workflow.start(cancelledTimerScope, opts('replay-timer'));
    expect(await handle.result()).toBe('timer cancelled');
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('timers: a condition satisfied by a signal before its timeout', async () => {
    const handle = await env.client.workflow.start(conditionWithTimeout, { ...opts('replay-condition'), args: [60_000] });
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(true);
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('activities: an activity that succeeded on its third attempt', async () => {
    const o = opts('replay-retries');
    const handle = await env.client.workflow.start(retryingActivity, { ...o, args: [o.workflowId, 2, 'Flaky', { maximumAttempts: 5, initialIntervalMs: 20 }] });
    expect(await handle.result()).toBe(3);
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('activities: a heartbeat timeout followed by a successful retry', async () => {
    const o = opts('replay-heartbeat');
    const handle = await env.client.workflow.start(heartbeatThenStallActivity, {
      ...o,
      args: [o.workflowId, 'details', 5_000, { startToCloseMs: 20_000, heartbeatMs: 300 }, { maximumAttempts: 3, initialIntervalMs: 20 }],
    });
    expect(await handle.result()).toBe('details');
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('activities: an activity cancelled in retry backoff while the workflow stays open', async () => {
    const o = opts('replay-cancel-backoff');
    const handle = await env.client.workflow.start(cancelActivityInBackoff, { ...o, args: [o.workflowId, 200] });
    expect(await handle.result()).toBe('activity cancelled');
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('local activities: one that outlives two workflow-task heartbeats', async () => {
    const handle = await env.client.workflow.start(longLocalActivity, { ...opts('replay-local'), args: [4_000], workflowTaskTimeout: '2s' });
    expect(await handle.result()).toBe('slept 4000ms locally');
    expect(eventTypes(await handle.fetchHistory())).not.toContain('WorkflowTaskTimedOut');
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('children: a child that completed', async () => {
    const handle = await env.client.workflow.start(parentOfGreetingChild, { ...opts('replay-child'), args: ['kid'] });
    expect(await handle.result()).toBe('child greets kid');
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('children: a child cancelled by its parent', async () => {
    const handle = await env.client.workflow.start(parentCancelsChild, { ...opts('replay-child-cancel'), args: [uniqueId('replay-cancelled-child')] });
    expect(await handle.result()).toBe('child cancelled');
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('children: a child start that failed because the id was taken', async () => {
    const handle = await env.client.workflow.start(parentOfDuplicateChildren, { ...opts('replay-duplicate'), args: [uniqueId('replay-dup-child')] });
    expect(await handle.result()).toBe('WorkflowExecutionAlreadyStartedError');
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('external: a signal and a cancel to an existing workflow, and a signal to a missing one', async () => {
    const target = await env.client.workflow.start(waitsForSignal, opts('replay-target'));
    const signaller = await env.client.workflow.start(signalsExternal, { ...opts('replay-signaller'), args: [target.workflowId] });
    expect(await signaller.result()).toBe('signalled');
    expect(await target.result()).toBe('unblocked');
    const missing = await env.client.workflow.start(signalsExternal, { ...opts('replay-signal-missing'), args: [uniqueId('nobody')] });
    expect(await missing.result()).toMatch(/not found/);
    const cancelTarget = await env.client.workflow.start(waitsForSignal, opts('replay-cancel-target'));
    const canceller = await env.client.workflow.start(cancelsExternal, { ...opts('replay-canceller'), args: [cancelTarget.workflowId] });
    expect(await canceller.result()).toBe('cancel requested');
    for (const handle of [signaller, target, missing, canceller, cancelTarget]) {
      expect(await replayFailure(handle)).toBeUndefined();
    }
  });

  it('run chains: the last run of a continue-as-new chain', async () => {
    const handle = await env.client.workflow.start(countdown, { ...opts('replay-countdown'), args: [2] });
    expect(await handle.result()).toBe('done after continuing');
    expect(await replayFailure(env.client.workflow.getHandle(handle.workflowId))).toBeUndefined();
    expect(await replayFailure(env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId))).toBeUndefined();
  });

  it('updates: accepted, rejected and activity-backed updates', async () => {
    const handle = await env.client.workflow.start(updatable, opts('replay-updates'));
    expect(await handle.executeUpdate(addUpdate, { args: [2] })).toBe(2);
    await expect(handle.executeUpdate(addUpdate, { args: [-1] })).rejects.toThrow();
    expect(await handle.executeUpdate(greetUpdate, { args: ['replayer'] })).toBe('Hello, replayer!');
    expect(await handle.executeUpdate(addUpdate, { args: [3] })).toBe(5);
    await handle.signal(unblockSignal);
    expect(await handle.result()).toBe(5);
    expect(await replayFailure(handle)).toBeUndefined();
  });

  it('search attributes and patches: an upsert and a patch marker', async () => {
    const upserter = await env.client.workflow.start(upsertsSearchAttributes, { ...opts('replay-upsert'), args: ['kw', 1] });
    await upserter.signal(unblockSignal);
    expect(await upserter.result()).toBe('upserted');
    const patchedRun = await env.client.workflow.start(patchedWorkflow, opts('replay-patched'));
    expect(await patchedRun.result()).toBe('new code path');
    expect(await replayFailure(upserter)).toBeUndefined();
    expect(await replayFailure(patchedRun)).toBeUndefined();
  });
});
