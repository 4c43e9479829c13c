/**
 * Spec §7 phase 2 scenario 7 with the official SDK against our dev server: continue-as-new chains
 * (result() follows them; the first run is CONTINUED_AS_NEW), workflow retry and cron, each of which
 * closes a run and starts the next one in the same chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, TerminatedFailure, TimeoutFailure, WorkflowNotFoundError, defaultPayloadConverter } from '@temporalio/common';
import { customKeyword } from './p2-support/search-attribute-keys';
import { temporal } from '@temporalio/proto';
import { durationMs, eventually, eventTypes, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { alwaysFails, continuesIntoQuick, cronCounter, countdown, failsFirstAttempt, parentContinuesAwayFromChild, quick, sleeper } from './p2-support/workflows';

const { ContinueAsNewInitiator } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

async function historyOf(workflowId: string, runId: string): Promise<temporal.api.history.v1.IHistory> {
  return env.client.workflow.getHandle(workflowId, runId).fetchHistory();
}

function lastEvent(history: temporal.api.history.v1.IHistory): HistoryEvent {
  const events = history.events ?? [];
  return events[events.length - 1];
}

describe('phase 2 · continue-as-new', () => {
  it('result() follows a continue-as-new chain to the last run', async () => {
    const handle = await env.client.workflow.start(countdown, { taskQueue: env.taskQueue, workflowId: uniqueId('countdown'), args: [2] });
    expect(await handle.result()).toBe('done after continuing');
  });

  it('closes each continued run as CONTINUED_AS_NEW, linked to the next run of the same chain', async () => {
    const workflowId = uniqueId('countdown-chain');
    const handle = await env.client.workflow.start(countdown, { taskQueue: env.taskQueue, workflowId, args: [2] });
    await handle.result();
    const firstRunId = handle.firstExecutionRunId;

    const first = await env.client.workflow.getHandle(workflowId, firstRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');

    const runIds = [firstRunId];
    for (;;) {
      const history = await historyOf(workflowId, runIds[runIds.length - 1]);
      const last = lastEvent(history);
      const continued = last.workflowExecutionContinuedAsNewEventAttributes;
      if (!continued) {
        expect(eventTypes(history).at(-1)).toBe('WorkflowExecutionCompleted');
        break;
      }
      expect(continued.newExecutionRunId).toBeTruthy();
      runIds.push(continued.newExecutionRunId!);
      const next = (await historyOf(workflowId, continued.newExecutionRunId!)).events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(next?.continuedExecutionRunId).toBe(runIds[runIds.length - 2]);
      expect(next?.firstExecutionRunId).toBe(firstRunId);
      expect(next?.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
    }
    expect(runIds).toHaveLength(3);
    const latest = await env.client.workflow.getHandle(workflowId).describe();
    expect(latest.runId).toBe(runIds[2]);
    expect(latest.status.name).toBe('COMPLETED');
  });
});

describe('phase 2 · continue-as-new variants', () => {
  it('continues as new into another workflow type', async () => {
    const workflowId = uniqueId('continue-into-quick');
    const handle = await env.client.workflow.start(continuesIntoQuick, { taskQueue: env.taskQueue, workflowId });
    expect(await handle.result()).toBe('quick');
    expect((await env.client.workflow.getHandle(workflowId).describe()).type).toBe('quick');
  });

  it('applies the parent close policy to children when the parent continues as new', async () => {
    const childId = uniqueId('child-of-continued');
    const handle = await env.client.workflow.start(parentContinuesAwayFromChild, { taskQueue: env.taskQueue, workflowId: uniqueId('continuing-parent'), args: [childId] });
    expect(await handle.result()).toBe('second run');
    await eventually(async () => {
      try {
        return (await env.client.workflow.getHandle(childId).describe()).status.name === 'TERMINATED' ? true : undefined;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    }, 'the child to be terminated');
  });
});

describe('phase 2 · workflow retry and cron', () => {
  it('retries a failed workflow run under its retry policy as a second run', async () => {
    const workflowId = uniqueId('workflow-retry');
    const handle = await env.client.workflow.start(failsFirstAttempt, {
      taskQueue: env.taskQueue,
      workflowId,
      retry: { maximumAttempts: 3, initialInterval: '50ms' },
    });
    expect(await handle.result()).toBe(2);

    const firstHistory = await historyOf(workflowId, handle.firstExecutionRunId);
    const failed = onlyEvent(firstHistory, 'WorkflowExecutionFailed').workflowExecutionFailedEventAttributes;
    expect(failed?.failure?.message).toBe('first attempt fails');
    const secondRunId = failed?.newExecutionRunId;
    expect(secondRunId).toBeTruthy();
    expect((await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).describe()).status.name).toBe('FAILED');

    const started = (await historyOf(workflowId, secondRunId!)).events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.attempt).toBe(2);
    expect(started?.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY);
    expect(started?.continuedFailure?.message).toBe('first attempt fails');
    expect(started?.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    expect((await env.client.workflow.getHandle(workflowId).describe()).runId).toBe(secondRunId);
  });

  it('runs a cron workflow again after each run completes', async () => {
    const workflowId = uniqueId('cron');
    const handle = await env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId, cronSchedule: '@every 1s' });
    try {
      const firstRunId = handle.firstExecutionRunId;
      const secondRunId = await eventually(async () => {
        const last = lastEvent(await historyOf(workflowId, firstRunId));
        return last?.workflowExecutionCompletedEventAttributes?.newExecutionRunId || undefined;
      }, 'the first cron run to complete');
      const secondRunCompleted = await eventually(async () => {
        const last = lastEvent(await historyOf(workflowId, secondRunId));
        return last?.workflowExecutionCompletedEventAttributes ?? undefined;
      }, 'the second cron run to complete');
      expect(secondRunCompleted.newExecutionRunId).toBeTruthy();

      const secondStarted = (await historyOf(workflowId, secondRunId)).events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(secondStarted?.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
      expect(secondStarted?.cronSchedule).toBe('@every 1s');
      expect(secondStarted?.firstExecutionRunId).toBe(firstRunId);
      expect((await env.client.workflow.getHandle(workflowId, firstRunId).describe()).status.name).toBe('COMPLETED');
    } finally {
      await env.client.workflow.getHandle(workflowId).terminate('end of the cron test');
    }
  });

  it('fails with MAXIMUM_ATTEMPTS_REACHED once every workflow attempt has failed', async () => {
    const err = await env.client.workflow
      .execute(alwaysFails, { taskQueue: env.taskQueue, workflowId: uniqueId('retry-exhausted'), retry: { maximumAttempts: 2, initialInterval: '50ms' } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(ApplicationFailure);
    expect((err as WorkflowFailedError).cause?.message).toBe('attempt 2 fails');
  });

  it('schedules the next cron run even when a cron run fails', async () => {
    const workflowId = uniqueId('failing-cron');
    const handle = await env.client.workflow.start(alwaysFails, { taskQueue: env.taskQueue, workflowId, cronSchedule: '@every 1s' });
    try {
      const secondRunId = await eventually(async () => {
        const last = lastEvent(await historyOf(workflowId, handle.firstExecutionRunId));
        return last?.workflowExecutionFailedEventAttributes?.newExecutionRunId || undefined;
      }, 'the first cron run to fail');
      const started = (await historyOf(workflowId, secondRunId)).events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
      expect(started?.continuedFailure?.message).toBe('attempt 1 fails');
    } finally {
      await env.client.workflow.getHandle(workflowId).terminate('end of the cron test');
    }
  });

  it('retries a run that hit its run timeout, as a new run of the chain', async () => {
    const workflowId = uniqueId('retry-run-timeout');
    const handle = await env.client.workflow.start(sleeper, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [60_000],
      workflowRunTimeout: '300ms',
      retry: { maximumAttempts: 2, initialInterval: '50ms' },
    });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    const first = lastEvent(await historyOf(workflowId, handle.firstExecutionRunId)).workflowExecutionTimedOutEventAttributes;
    expect(first?.newExecutionRunId).toBeTruthy();
    const second = (await historyOf(workflowId, first!.newExecutionRunId!)).events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(second?.attempt).toBe(2);
  });

  it('stops retrying a failing workflow when its execution timeout expires', async () => {
    const workflowId = uniqueId('retry-until-execution-timeout');
    const handle = await env.client.workflow.start(alwaysFails, {
      taskQueue: env.taskQueue,
      workflowId,
      workflowExecutionTimeout: '800ms',
      retry: { initialInterval: '100ms', backoffCoefficient: 1 },
    });
    await handle.result().catch(() => undefined);
    await eventually(
      async () => ((await env.client.workflow.getHandle(workflowId).describe()).status.name !== 'RUNNING' ? true : undefined),
      'the retry chain to end',
    );
    const latest = await env.client.workflow.getHandle(workflowId).describe();
    expect(['TIMED_OUT', 'FAILED']).toContain(latest.status.name);
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
  });

  it('does not retry a workflow failure whose type is listed as non-retryable', async () => {
    const workflowId = uniqueId('workflow-non-retryable');
    const handle = await env.client.workflow.start(alwaysFails, {
      taskQueue: env.taskQueue,
      workflowId,
      retry: { maximumAttempts: 5, initialInterval: '50ms', nonRetryableErrorTypes: ['AlwaysFails'] },
    });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).retryState).toBe('NON_RETRYABLE_FAILURE');
    const failed = onlyEvent(await historyOf(workflowId, handle.firstExecutionRunId), 'WorkflowExecutionFailed').workflowExecutionFailedEventAttributes;
    expect(failed?.newExecutionRunId ?? '').toBe('');
  });

  it("starts the retry run with the policy's backoff as its first workflow task backoff", async () => {
    const workflowId = uniqueId('workflow-retry-backoff');
    const handle = await env.client.workflow.start(failsFirstAttempt, {
      taskQueue: env.taskQueue,
      workflowId,
      retry: { maximumAttempts: 3, initialInterval: '300ms' },
    });
    expect(await handle.result()).toBe(2);
    const failed = onlyEvent(await historyOf(workflowId, handle.firstExecutionRunId), 'WorkflowExecutionFailed').workflowExecutionFailedEventAttributes;
    const started = (await historyOf(workflowId, failed!.newExecutionRunId!)).events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(durationMs(started?.firstWorkflowTaskBackoff)).toBe(300);
  });

  it("hands each cron run the previous run's result, and carries memo and search attributes over", async () => {
    const workflowId = uniqueId('cron-counter');
    const keyword = uniqueId('cron-kw');
    const handle = await env.client.workflow.start(cronCounter, {
      taskQueue: env.taskQueue,
      workflowId,
      cronSchedule: '@every 1s',
      memo: { owner: 'cron-test' },
      typedSearchAttributes: [{ key: customKeyword, value: keyword }],
    });
    try {
      const secondRunId = await eventually(async () => {
        const last = lastEvent(await historyOf(workflowId, handle.firstExecutionRunId));
        return last?.workflowExecutionCompletedEventAttributes?.newExecutionRunId || undefined;
      }, 'the first cron run to complete');
      const secondCompleted = await eventually(async () => {
        const last = lastEvent(await historyOf(workflowId, secondRunId));
        return last?.workflowExecutionCompletedEventAttributes ?? undefined;
      }, 'the second cron run to complete');
      expect(defaultPayloadConverter.fromPayload(secondCompleted.result!.payloads![0])).toBe(2);
      const second = await env.client.workflow.getHandle(workflowId, secondRunId).describe();
      expect(second.memo).toEqual({ owner: 'cron-test' });
      expect(second.typedSearchAttributes.get(customKeyword)).toBe(keyword);
    } finally {
      await env.client.workflow.getHandle(workflowId).terminate('end of the cron test');
    }
  });

  it('carries memo and search attributes over to the retry run', async () => {
    const workflowId = uniqueId('retry-carry-over');
    const keyword = uniqueId('retry-kw');
    const handle = await env.client.workflow.start(failsFirstAttempt, {
      taskQueue: env.taskQueue,
      workflowId,
      retry: { maximumAttempts: 2, initialInterval: '50ms' },
      memo: { owner: 'retry-test' },
      typedSearchAttributes: [{ key: customKeyword, value: keyword }],
    });
    expect(await handle.result()).toBe(2);
    const latest = await env.client.workflow.getHandle(workflowId).describe();
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    expect(latest.memo).toEqual({ owner: 'retry-test' });
    expect(latest.typedSearchAttributes.get(customKeyword)).toBe(keyword);
  });

  it('terminates the waiting retry run when the workflow is terminated during the retry backoff', async () => {
    const workflowId = uniqueId('terminate-in-retry-backoff');
    const handle = await env.client.workflow.start(failsFirstAttempt, {
      taskQueue: env.taskQueue,
      workflowId,
      retry: { maximumAttempts: 3, initialInterval: '1 minute' },
    });
    const secondRunId = await eventually(async () => {
      const last = lastEvent(await historyOf(workflowId, handle.firstExecutionRunId));
      return last?.workflowExecutionFailedEventAttributes?.newExecutionRunId || undefined;
    }, 'the first attempt to fail');
    await env.client.workflow.getHandle(workflowId).terminate('stop retrying');
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const second = await env.client.workflow.getHandle(workflowId, secondRunId).describe();
    expect(second.status.name).toBe('TERMINATED');
    expect(eventTypes(await historyOf(workflowId, secondRunId))).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionTerminated']);
  });
});
