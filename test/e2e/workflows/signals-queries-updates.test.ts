/**
 * Our worker handles signals, queries and updates (validators and handler failures) of
 * `@temporalio/workflow` workflows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, WorkflowUpdateFailedError } from '../../../lib';
import { rejectionOf, startWorkflowTestEnvironment, type WorkflowTestEnvironment } from './environment';
import { addItem, addItemAndCount, cart, checkout, itemCount, items, removeItem } from './fixtures/workflows';

let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

async function startCart(label: string) {
  return env.client.workflow.start(cart, { taskQueue: env.taskQueue, workflowId: env.workflowId(label) });
}

describe('signals', () => {
  it('delivers signals in order, with their arguments', async () => {
    const handle = await startCart('signals');
    await handle.signal(addItem, 'apple');
    await handle.signal(addItem, 'pear');
    await handle.signal(checkout);
    expect(await handle.result()).toEqual(['apple', 'pear']);
  });
});

describe('queries', () => {
  it('answers a query with the state signals changed', async () => {
    const handle = await startCart('query');
    await handle.signal(addItem, 'apple');
    expect(await handle.query(items)).toEqual(['apple']);
    await handle.signal(checkout);
  });

  it('passes query arguments to the handler', async () => {
    const handle = await startCart('query-args');
    await handle.signal(addItem, 'fig');
    await handle.signal(addItem, 'fig');
    expect(await handle.query(itemCount, 'fig')).toBe(2);
    await handle.signal(checkout);
  });
});

describe('updates', () => {
  it('returns the handler result to the caller', async () => {
    const handle = await startCart('update');
    expect(await handle.executeUpdate(addItemAndCount, { args: ['kiwi'] })).toBe(1);
    expect(await handle.executeUpdate(addItemAndCount, { args: ['lime'] })).toBe(2);
    await handle.signal(checkout);
    expect(await handle.result()).toEqual(['kiwi', 'lime']);
  });

  it('rejects an update its validator refuses, leaving the state and history untouched', async () => {
    const handle = await startCart('update-validator');
    const err = await rejectionOf(handle.executeUpdate(addItemAndCount, { args: ['  '] }));
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err.cause as Error | undefined)?.message).toBe('item must not be blank');
    expect(await handle.query(items)).toEqual([]);
    const history = await handle.fetchHistory();
    expect(JSON.stringify(history.events)).not.toContain('item must not be blank');
    await handle.signal(checkout);
  });

  it('fails an accepted update whose handler throws, with the handler ApplicationFailure', async () => {
    const handle = await startCart('update-handler-failure');
    const err = await rejectionOf(handle.executeUpdate(removeItem, { args: ['plum'] }));
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(err.cause).toBeInstanceOf(ApplicationFailure);
    expect((err.cause as ApplicationFailure).type).toBe('NotInCart');
    await handle.signal(checkout);
    expect(await handle.result()).toEqual([]);
  });
});
