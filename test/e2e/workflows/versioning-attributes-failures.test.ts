/**
 * Our worker runs patches, search attribute upserts and every way a workflow can fail, and serves
 * workflows started by the official `@temporalio/client` as well as ours.
 */
import { Client as OfficialClient, Connection as OfficialConnection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, TimeoutFailure, WorkflowFailedError } from '../../../lib';
import { eventTypes, rejectionOf, startWorkflowTestEnvironment, type WorkflowTestEnvironment } from './environment';
import {
  applicationFailure,
  checkout,
  deprecatedPatchGreeting,
  patchedGreeting,
  plainError,
  sequentialActivities,
  sleepForAMinute,
  upsertAttributes,
} from './fixtures/workflows';

let env: WorkflowTestEnvironment;

/** How long to wait for state that appears after a workflow task (generous: the machine may be busy). */
const POLL = { timeout: 15_000, interval: 50 };

beforeAll(async () => {
  // The real server (unlike ours) has no Custom*Field attributes until they are registered.
  env = await startWorkflowTestEnvironment({ searchAttributes: { CustomKeywordField: 'Keyword', CustomIntField: 'Int' } });
});

afterAll(async () => {
  await env?.teardown();
});

/** The details (decoded as text) of the patch markers `patched`/`deprecatePatch` recorded in a history. */
function patchMarkers(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? [])
    .map((event) => event.markerRecordedEventAttributes)
    .filter((marker) => marker?.markerName === 'core_patch')
    .map((marker) =>
      Object.values(marker?.details ?? {})
        .flatMap((payloads) => payloads.payloads ?? [])
        .map((payload) => Buffer.from(payload.data ?? []).toString('utf8'))
        .join(' '),
    );
}

describe('patches', () => {
  it('patched() takes the new branch on a new run and records the patch marker', async () => {
    const handle = await env.start(patchedGreeting, 'patched', ['bo']);
    expect(await handle.result()).toBe('hello bo!');
    expect(patchMarkers(await handle.fetchHistory())).toEqual([expect.stringContaining('greeting-v2')]);
  });

  it('deprecatePatch() runs the new code and still records the marker', async () => {
    const handle = await env.start(deprecatedPatchGreeting, 'deprecated-patch', ['cy']);
    expect(await handle.result()).toBe('hello cy!');
    expect(patchMarkers(await handle.fetchHistory())).toEqual([expect.stringContaining('greeting-v2')]);
  });
});

describe('search attributes', () => {
  it('attributes upserted by the workflow show in describe()', async () => {
    const handle = await env.start(upsertAttributes, 'upsert-describe', ['gold', 3]);
    await expect.poll(async () => (await handle.describe()).searchAttributes, POLL).toMatchObject({ CustomKeywordField: ['gold'], CustomIntField: [3] });
    await handle.signal(checkout);
    expect(await handle.result()).toBe('gold/3');
  });

  it('attributes upserted by the workflow make it findable with list()', async () => {
    const tier = `platinum-${Date.now()}`;
    const handle = await env.start(upsertAttributes, 'upsert-list', [tier, 5]);
    const found = async () => {
      const ids: string[] = [];
      for await (const info of env.client.workflow.list({ query: `CustomKeywordField = '${tier}'` })) ids.push(info.workflowId);
      return ids;
    };
    await expect.poll(found, POLL).toEqual([handle.workflowId]);
    await handle.signal(checkout);
  });
});

describe('workflow failures', () => {
  it('an ApplicationFailure fails the workflow with its type, details and nonRetryable flag', async () => {
    const handle = await env.start(applicationFailure, 'application-failure', []);
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = err.cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect({ type: cause.type, message: cause.message, details: cause.details, nonRetryable: cause.nonRetryable }).toEqual({
      type: 'InvalidOrder',
      message: 'order 7 is invalid',
      details: [{ orderId: 7 }, 'second'],
      nonRetryable: true,
    });
    expect((await handle.describe()).status.name).toBe('FAILED');
  });

  it('a plain Error fails the workflow task, not the workflow, and is retried', async () => {
    const handle = await env.start(plainError, 'plain-error', []);
    const failedTasks = async () => eventTypes(await handle.fetchHistory()).filter((t) => t === 'WorkflowTaskFailed').length;
    await expect.poll(failedTasks, POLL).toBeGreaterThanOrEqual(1);
    const history = await handle.fetchHistory();
    const failure = history.events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure;
    expect(failure?.message).toBe('plain error from workflow code');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
  });

  it('a workflow past its execution timeout ends TIMED_OUT with a TimeoutFailure', async () => {
    const handle = await env.client.workflow.start(sleepForAMinute, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('timeout'),
      workflowExecutionTimeout: '500ms',
    });
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });
});

describe('clients', () => {
  it('runs a workflow started with our client', async () => {
    const handle = await env.start(sequentialActivities, 'our-client', ['ed']);
    expect(await handle.result()).toEqual(['ED', 'ED!']);
  });

  it('runs a workflow started with the official @temporalio/client', async () => {
    const connection = await OfficialConnection.connect({ address: env.address });
    try {
      const client = new OfficialClient({ connection, namespace: env.namespace });
      const result = await client.workflow.execute(sequentialActivities, {
        taskQueue: env.taskQueue,
        workflowId: env.workflowId('official-client'),
        args: ['flo'],
      });
      expect(result).toEqual(['FLO', 'FLO!']);
    } finally {
      await connection.close();
    }
  });
});
