/**
 * Spec §7 phase 2 scenario 9 with the official SDK against our dev server: `patched()` and
 * `deprecatePatch()` run and leave the events the core replays from (the patch marker and the
 * TemporalChangeVersion upsert); histories fetched from the server replay cleanly with the code that
 * produced them and with properly patched code, and fail with DeterminismViolationError when the
 * code changed without a patch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleP2Workflows, eventsOfType, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { deprecatedPatchWorkflow, patchSubject, patchedWorkflow, replaySubject } from './p2-support/workflows';

const changeVersion = defineSearchAttributeKey('TemporalChangeVersion', SearchAttributeType.KEYWORD_LIST);

let env: P2Env;
let changedBundle: { code: string };

beforeAll(async () => {
  [env, changedBundle] = await Promise.all([startP2Env(), bundleP2Workflows('workflows-changed')]);
});

afterAll(async () => {
  await env?.stop();
});

async function replayError(workflowBundle: { code: string }, history: unknown): Promise<unknown> {
  return Worker.runReplayHistory({ workflowBundle }, history).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('phase 2 · patching', () => {
  it('patched() takes the new path in a new run and records the patch marker and TemporalChangeVersion', async () => {
    const handle = await env.client.workflow.start(patchedWorkflow, { taskQueue: env.taskQueue, workflowId: uniqueId('patched') });
    expect(await handle.result()).toBe('new code path');
    const history = await handle.fetchHistory();
    const markers = eventsOfType(history, 'MarkerRecorded');
    expect(markers.map((m) => m.markerRecordedEventAttributes?.markerName)).toEqual(['core_patch']);
    expect(eventsOfType(history, 'UpsertWorkflowSearchAttributes')).toHaveLength(1);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(changeVersion)).toEqual(['p2-change']);
  });

  it('deprecatePatch() runs in a new run and its history replays', async () => {
    const handle = await env.client.workflow.start(deprecatedPatchWorkflow, { taskQueue: env.taskQueue, workflowId: uniqueId('deprecated') });
    expect(await handle.result()).toBe('after deprecatePatch');
    expect(await replayError(env.workflowBundle, await handle.fetchHistory())).toBeUndefined();
  });
});

describe('phase 2 · replay of fetched histories', () => {
  it('replays a fetched history with the code that produced it', async () => {
    const handle = await env.client.workflow.start(replaySubject, { taskQueue: env.taskQueue, workflowId: uniqueId('replay-same'), args: ['v1'] });
    await handle.result();
    expect(await replayError(env.workflowBundle, await handle.fetchHistory())).toBeUndefined();
  });

  it('fails with DeterminismViolationError when the code changed its commands without a patch', async () => {
    const handle = await env.client.workflow.start(replaySubject, { taskQueue: env.taskQueue, workflowId: uniqueId('replay-changed'), args: ['v1'] });
    await handle.result();
    expect(await replayError(changedBundle, await handle.fetchHistory())).toBeInstanceOf(DeterminismViolationError);
  });

  it('replays a pre-patch history with patched code down the old path', async () => {
    const handle = await env.client.workflow.start(patchSubject, { taskQueue: env.taskQueue, workflowId: uniqueId('replay-patched') });
    expect(await handle.result()).toBe('v1');
    expect(await replayError(changedBundle, await handle.fetchHistory())).toBeUndefined();
  });
});
