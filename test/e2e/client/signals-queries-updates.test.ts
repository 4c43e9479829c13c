/**
 * Our client against the dev server, workflows run by the official worker: signals, queries,
 * updates and their stages, signal-with-start and update-with-start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApplicationFailure,
  QueryNotRegisteredError,
  QueryRejectedError,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '../../../lib';
import { startClientTestEnvironment, type ClientTestEnvironment } from './environment';
import { rejectionOf } from './helpers';
import {
  addItem,
  addItemAndCount,
  failingUpdate,
  finish,
  items,
  release,
  shoppingList,
  updateThatFails,
  waitForRelease,
} from './workflows';

let env: ClientTestEnvironment;

beforeAll(async () => {
  env = await startClientTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

async function startList(label: string) {
  return env.client.workflow.start(shoppingList, { taskQueue: env.taskQueue, workflowId: env.workflowId(label) });
}

describe('signals and queries', () => {
  it('a signal delivers its arguments and a query reads the state they changed', async () => {
    const handle = await startList('signal-query');
    await handle.signal(addItem, 'apple');
    await handle.signal('addItem', 'pear');
    expect(await handle.query(items)).toEqual(['apple', 'pear']);
    await handle.signal(finish);
    expect(await handle.result()).toEqual(['apple', 'pear']);
  });

  it('a query the workflow does not handle rejects with QueryNotRegisteredError', async () => {
    const handle = await startList('unknown-query');
    const err = await rejectionOf(handle.query('noSuchQuery'));
    expect(err).toBeInstanceOf(QueryNotRegisteredError);
    await handle.signal(finish);
  });

  it("a query with rejectCondition 'NOT_OPEN' on a closed workflow rejects with QueryRejectedError", async () => {
    const handle = await startList('rejected-query');
    await handle.signal(finish);
    await handle.result();
    const err = await rejectionOf(handle.queryWithOptions(items, { rejectCondition: 'NOT_OPEN' }));
    expect(err).toBeInstanceOf(QueryRejectedError);
    expect((err as QueryRejectedError).status).toBe('COMPLETED');
  });

  it('signalling a workflow that does not exist rejects with WorkflowNotFoundError', async () => {
    const err = await rejectionOf(env.client.workflow.getHandle('nobody-home').signal(finish));
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
  });

  it('signalling a workflow that has closed rejects with WorkflowNotFoundError', async () => {
    const handle = await startList('closed-signal');
    await handle.signal(finish);
    await handle.result();
    expect(await rejectionOf(handle.signal(addItem, 'late'))).toBeInstanceOf(WorkflowNotFoundError);
  });
});

describe('signal-with-start', () => {
  it('starts the workflow and delivers the signal as its first event', async () => {
    const handle = await env.client.workflow.signalWithStart(shoppingList, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('signal-with-start'),
      signal: addItem,
      signalArgs: ['milk'],
    });
    expect(await handle.query(items)).toEqual(['milk']);
    await handle.signal(finish);
    await handle.result();
  });

  it('signals the running workflow when one with that id exists', async () => {
    const workflowId = env.workflowId('signal-existing');
    const first = await env.client.workflow.start(shoppingList, { taskQueue: env.taskQueue, workflowId });
    await first.signal(addItem, 'bread');
    await env.client.workflow.signalWithStart(shoppingList, {
      taskQueue: env.taskQueue,
      workflowId,
      signal: addItem,
      signalArgs: ['butter'],
    });
    expect(await first.query(items)).toEqual(['bread', 'butter']);
    await first.signal(finish);
  });

  it('names the run it signalled: the running one, or the one it started', async () => {
    const workflowId = env.workflowId('signaled-run-id');
    const started = await env.client.workflow.signalWithStart(shoppingList, { taskQueue: env.taskQueue, workflowId, signal: addItem, signalArgs: ['tea'] });
    expect(started.signaledRunId).toBe((await started.describe()).runId);
    const again = await env.client.workflow.signalWithStart(shoppingList, { taskQueue: env.taskQueue, workflowId, signal: addItem, signalArgs: ['jam'] });
    expect(again.signaledRunId).toBe(started.signaledRunId);
    await started.signal(finish);
  });
});

describe('updates', () => {
  it('executeUpdate resolves to the handler result', async () => {
    const handle = await startList('execute-update');
    expect(await handle.executeUpdate(addItemAndCount, { args: ['egg'] })).toBe(1);
    expect(await handle.executeUpdate('addItemAndCount', { args: ['ham'] })).toBe(2);
    await handle.signal(finish);
  });

  it('an update rejected by its validator rejects with WorkflowUpdateFailedError', async () => {
    const handle = await startList('rejected-update');
    const err = await rejectionOf(handle.executeUpdate(addItemAndCount, { args: [''] }));
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toContain('item must not be empty');
    expect(await handle.query(items)).toEqual([]);
    await handle.signal(finish);
  });

  it('an update whose handler throws rejects with WorkflowUpdateFailedError caused by the ApplicationFailure', async () => {
    const handle = await env.client.workflow.start(updateThatFails, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('failing-update'),
    });
    const err = await rejectionOf(handle.executeUpdate(failingUpdate));
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ message: 'update handler failed', type: 'UpdateError' });
    await handle.terminate();
  });

  it("startUpdate with waitForStage 'ACCEPTED' returns while the handler still runs", async () => {
    const handle = await startList('accepted-stage');
    const update = await handle.startUpdate(waitForRelease, { args: ['t1'], waitForStage: 'ACCEPTED' });
    expect(update.workflowRunId).toBe(handle.firstExecutionRunId);
    let settled = false;
    const result = update.result().finally(() => (settled = true));
    // A query round-trips through the workflow, so the update has had its chance to finish if it could.
    await handle.query(items);
    expect(settled).toBe(false);
    await handle.signal(release);
    expect(await result).toBe('released t1');
    await handle.signal(finish);
  });

  it("startUpdate with waitForStage 'COMPLETED' returns a handle whose result is already known", async () => {
    const handle = await startList('completed-stage');
    const update = await handle.startUpdate(addItemAndCount, { args: ['jam'], waitForStage: 'COMPLETED' });
    expect(update.updateId).toMatch(/\S/);
    expect(await update.result()).toBe(1);
    await handle.signal(finish);
  });

  it('getUpdateHandle(updateId) reaches an update started elsewhere and waits for its result', async () => {
    const handle = await startList('update-handle');
    await handle.startUpdate(waitForRelease, { args: ['t2'], updateId: 'my-update', waitForStage: 'ACCEPTED' });
    const later = env.client.workflow.getHandle(handle.workflowId).getUpdateHandle<string>('my-update');
    await handle.signal(release);
    expect(await later.result()).toBe('released t2');
    await handle.signal(finish);
  });

  it('an update id sent twice runs the update once', async () => {
    const handle = await startList('idempotent-update');
    expect(await handle.executeUpdate(addItemAndCount, { args: ['tea'], updateId: 'once' })).toBe(1);
    expect(await handle.executeUpdate(addItemAndCount, { args: ['tea'], updateId: 'once' })).toBe(1);
    expect(await handle.query(items)).toEqual(['tea']);
    await handle.signal(finish);
  });

  it('an update call still waiting at its deadline rejects with WorkflowUpdateRPCTimeoutOrCancelledError', async () => {
    const handle = await startList('update-deadline');
    const err = await rejectionOf(
      env.client.withDeadline(Date.now() + 500, () => handle.executeUpdate(waitForRelease, { args: ['late'] })),
    );
    expect(err).toBeInstanceOf(WorkflowUpdateRPCTimeoutOrCancelledError);
    await handle.signal(release);
    await handle.signal(finish);
  });

  it('updating a workflow that does not exist rejects with WorkflowNotFoundError', async () => {
    const err = await rejectionOf(env.client.workflow.getHandle('nobody-home').executeUpdate(addItemAndCount, { args: ['x'] }));
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
  });
});

describe('update-with-start', () => {
  it('executeUpdateWithStart starts the workflow, runs the update and hands out the workflow handle', async () => {
    const workflowId = env.workflowId('update-with-start');
    const startWorkflowOperation = new WithStartWorkflowOperation(shoppingList, {
      taskQueue: env.taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
    });
    const count = await env.client.workflow.executeUpdateWithStart(addItemAndCount, {
      args: ['flour'],
      startWorkflowOperation,
    });
    expect(count).toBe(1);
    const handle = await startWorkflowOperation.workflowHandle();
    expect(handle.workflowId).toBe(workflowId);
    expect(await handle.query(items)).toEqual(['flour']);
    await handle.signal(finish);
  });

  it("startUpdateWithStart with 'USE_EXISTING' delivers the update to the running workflow", async () => {
    const workflowId = env.workflowId('update-existing');
    const existing = await env.client.workflow.start(shoppingList, { taskQueue: env.taskQueue, workflowId });
    await existing.signal(addItem, 'salt');
    const update = await env.client.workflow.startUpdateWithStart(addItemAndCount, {
      args: ['sugar'],
      waitForStage: 'COMPLETED',
      startWorkflowOperation: new WithStartWorkflowOperation(shoppingList, {
        taskQueue: env.taskQueue,
        workflowId,
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    expect(update.workflowRunId).toBe(existing.firstExecutionRunId);
    expect(await update.result()).toBe(2);
    await existing.signal(finish);
  });

  it('a WithStartWorkflowOperation cannot be used twice', async () => {
    const startWorkflowOperation = new WithStartWorkflowOperation(shoppingList, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('op-twice'),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const first = env.client.workflow.executeUpdateWithStart(addItemAndCount, { args: ['a'], startWorkflowOperation });
    const second = await rejectionOf(
      env.client.workflow.executeUpdateWithStart(addItemAndCount, { args: ['b'], startWorkflowOperation }),
    );
    expect((second as Error).message).toMatch(/startWorkflowOperation was already used/);
    expect(await first).toBe(1);
    await (await startWorkflowOperation.workflowHandle()).signal(finish);
  });
});
