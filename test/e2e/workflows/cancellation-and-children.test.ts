/**
 * Our worker runs cancellation scopes, child workflows and continue-as-new of
 * `@temporalio/workflow` workflows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledFailure, WorkflowFailedError } from '../../../lib';
import { eventTypes, rejectionOf, startWorkflowTestEnvironment, type WorkflowTestEnvironment } from './environment';
import {
  cancelInnerScope,
  cleanupOnCancel,
  countdown,
  parentCancelsChild,
  parentOfFailingChild,
  parentOfSequential,
  scopeTimeout,
  sleepUntilCancelled,
} from './fixtures/workflows';

let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

/** Waits until the workflow's first task completed, so a cancel reaches code that is already waiting. */
async function firstTaskCompleted(handle: { fetchHistory(): Promise<{ events?: Array<{ eventType?: unknown }> | null }> }) {
  await expect
    .poll(async () => eventTypes(await handle.fetchHistory()).includes('WorkflowTaskCompleted'), { timeout: 15_000, interval: 20 })
    .toBe(true);
}

describe('cancellation', () => {
  it('a cancelled workflow can catch the cancellation and clean up in a non-cancellable scope', async () => {
    const handle = await env.start(cleanupOnCancel, 'cancel-cleanup', []);
    await firstTaskCompleted(handle);
    await handle.cancel();
    expect(await handle.result()).toBe('CLEANED UP');
  });

  it('a cancelled workflow that does not catch the cancellation ends cancelled', async () => {
    const handle = await env.start(sleepUntilCancelled, 'cancelled', []);
    await firstTaskCompleted(handle);
    await handle.cancel();
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  it('cancelling an inner scope cancels its timer and leaves the workflow running', async () => {
    const handle = await env.start(cancelInnerScope, 'inner-scope', []);
    expect(await handle.result()).toBe('inner scope cancelled, outer running');
  });

  it('CancellationScope.withTimeout cancels the work inside when the timeout fires', async () => {
    const handle = await env.start(scopeTimeout, 'scope-timeout', []);
    expect(await handle.result()).toBe('scope timed out');
  });
});

describe('child workflows', () => {
  it("a parent gets its child's result", async () => {
    const handle = await env.start(parentOfSequential, 'child-result', ['kit']);
    expect(await handle.result()).toEqual(['KIT', 'KIT!']);
  });

  it("a child's failure reaches the parent as ChildWorkflowFailure with the child's ApplicationFailure", async () => {
    const handle = await env.start(parentOfFailingChild, 'child-failure', []);
    expect(await handle.result()).toBe('applicationFailure failed: InvalidOrder: order 7 is invalid');
  });

  it('a parent cancels its child through the scope the child was started in', async () => {
    const handle = await env.start(parentCancelsChild, 'child-cancel', []);
    const childId = `${handle.workflowId}-child`;
    expect(await handle.result()).toBe(`child ${childId} cancelled`);
    expect((await env.client.workflow.getHandle(childId).describe()).status.name).toBe('CANCELLED');
  });
});

describe('continue-as-new', () => {
  it('continues as new until done; the handle follows the chain of runs to the last result', async () => {
    const handle = await env.start(countdown, 'continue-as-new', [2]);
    expect(await handle.result()).toBe('done after 3 runs, continued from a previous run');
  });

  it('the first run ends with status CONTINUED_AS_NEW', async () => {
    const handle = await env.start(countdown, 'continued-status', [1]);
    await handle.result();
    const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
  });
});
