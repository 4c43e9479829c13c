/**
 * Our client against the dev server, workflows run by the official worker: starting workflows, their
 * results and the errors of runs that did not complete, id policies, run chains, describe and history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApplicationFailure,
  defineSearchAttributeKey,
  CancelledFailure,
  NamespaceNotFoundError,
  SearchAttributeType,
  ServiceError,
  TerminatedFailure,
  TimeoutFailure,
  TypedSearchAttributes,
  WorkflowContinuedAsNewError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from '../../../lib';
import { startClientTestEnvironment, type ClientTestEnvironment } from './environment';
import { rejectionOf } from './helpers';
import { countRuns, failWith, greet, succeedOnRetry, waitForever } from './workflows';

let env: ClientTestEnvironment;

beforeAll(async () => {
  // The real server (unlike ours) has no Custom*Field attributes until they are registered.
  env = await startClientTestEnvironment({ searchAttributes: { CustomKeywordField: 'Keyword', CustomIntField: 'Int' } });
});

afterAll(async () => {
  await env?.teardown();
});

describe('starting workflows', () => {
  it('start returns a handle carrying the workflow id and the first run id', async () => {
    const workflowId = env.workflowId('start');
    const handle = await env.client.workflow.start(greet, { taskQueue: env.taskQueue, workflowId, args: ['Ada'] });
    expect(handle.workflowId).toBe(workflowId);
    expect(handle.firstExecutionRunId).toMatch(/\S/);
    await handle.result();
  });

  it('execute starts a workflow by function and resolves to its result', async () => {
    const result = await env.client.workflow.execute(greet, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('execute'),
      args: ['Ada'],
    });
    expect(result).toBe('Hello, Ada!');
  });

  it('a workflow can be named by its type string', async () => {
    const result = await env.client.workflow.execute('greet', {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('by-name'),
      args: ['Grace'],
    });
    expect(result).toBe('Hello, Grace!');
  });

  it('getHandle(workflowId).result() returns the result of a workflow that already completed', async () => {
    const workflowId = env.workflowId('get-handle');
    await env.client.workflow.execute(greet, { taskQueue: env.taskQueue, workflowId, args: ['Linus'] });
    expect(await env.client.workflow.getHandle(workflowId).result()).toBe('Hello, Linus!');
  });

  it('starting an id that is running rejects with WorkflowExecutionAlreadyStartedError', async () => {
    const workflowId = env.workflowId('duplicate');
    const handle = await env.client.workflow.start(waitForever, { taskQueue: env.taskQueue, workflowId });
    const err = await rejectionOf(env.client.workflow.start(waitForever, { taskQueue: env.taskQueue, workflowId }));
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    expect(err).toMatchObject({ workflowId, workflowType: 'waitForever' });
    await handle.terminate('cleanup');
  });

  it("workflowIdReusePolicy 'REJECT_DUPLICATE' refuses an id whose workflow has closed", async () => {
    const workflowId = env.workflowId('reject-duplicate');
    await env.client.workflow.execute(greet, { taskQueue: env.taskQueue, workflowId, args: ['a'] });
    const err = await rejectionOf(
      env.client.workflow.start(greet, {
        taskQueue: env.taskQueue,
        workflowId,
        args: ['b'],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it("workflowIdReusePolicy 'ALLOW_DUPLICATE' starts a new run for a closed id", async () => {
    const workflowId = env.workflowId('allow-duplicate');
    const first = await env.client.workflow.start(greet, { taskQueue: env.taskQueue, workflowId, args: ['a'] });
    await first.result();
    const second = await env.client.workflow.start(greet, {
      taskQueue: env.taskQueue,
      workflowId,
      args: ['b'],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    expect(await second.result()).toBe('Hello, b!');
  });

  it("workflowIdConflictPolicy 'USE_EXISTING' returns the running workflow's run", async () => {
    const workflowId = env.workflowId('use-existing');
    const first = await env.client.workflow.start(waitForever, { taskQueue: env.taskQueue, workflowId });
    const second = await env.client.workflow.start(waitForever, {
      taskQueue: env.taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await first.terminate('cleanup');
  });

  it('memo and typed search attributes given at start come back from describe', async () => {
    const handle = await env.client.workflow.start(greet, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('memo'),
      args: ['memo'],
      memo: { owner: 'team-a', limits: { max: 3 } },
      typedSearchAttributes: [{ key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'gold' }],
    });
    await handle.result();
    const description = await handle.describe();
    expect(description.memo).toEqual({ owner: 'team-a', limits: { max: 3 } });
    expect(description.typedSearchAttributes.getAll()).toContainEqual({
      key: { name: 'CustomKeywordField', type: 'KEYWORD' },
      value: 'gold',
    });
    expect(description.searchAttributes.CustomKeywordField).toEqual(['gold']);
  });

  it('gives typed search attributes as the official TypedSearchAttributes, read by key', async () => {
    const tier = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
    const handle = await env.client.workflow.start(greet, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('typed-sa'),
      args: ['typed'],
      typedSearchAttributes: [{ key: tier, value: 'platinum' }],
    });
    const description = await handle.describe();
    expect(description.typedSearchAttributes).toBeInstanceOf(TypedSearchAttributes);
    expect(description.typedSearchAttributes.get(tier)).toBe('platinum');
  });

  it('a start the server refuses for another reason rejects with ServiceError carrying the gRPC code', async () => {
    const err = await rejectionOf(
      env.client.workflow.start(greet, {
        taskQueue: env.taskQueue,
        workflowId: env.workflowId('unknown-attribute'),
        args: ['x'],
        typedSearchAttributes: [{ key: { name: 'NoSuchAttribute', type: 'KEYWORD' }, value: 'x' }],
      }),
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ codeName: 'INVALID_ARGUMENT', rpc: 'StartWorkflowExecution' });
  });

  it('untyped searchAttributes given at start come back from describe', async () => {
    const handle = await env.client.workflow.start(greet, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('untyped-attributes'),
      args: ['sa'],
      searchAttributes: { CustomKeywordField: ['silver'], CustomIntField: [7] },
    });
    await handle.result();
    const { searchAttributes } = await handle.describe();
    expect(searchAttributes.CustomKeywordField).toEqual(['silver']);
    expect(searchAttributes.CustomIntField).toEqual([7]);
  });

  it("the client's identity is recorded in the workflow's start event", async () => {
    const client = env.makeClient({ identity: 'client-e2e-identity' });
    const handle = await client.workflow.start(greet, { taskQueue: env.taskQueue, workflowId: env.workflowId('identity'), args: ['i'] });
    await handle.result();
    const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.identity).toBe('client-e2e-identity');
  });

  it('startDelay postpones the first workflow task, visible as the execution time', async () => {
    const handle = await env.client.workflow.start(greet, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('delay'),
      args: ['later'],
      startDelay: '2 seconds',
    });
    const description = await handle.describe();
    expect(description.executionTime!.getTime() - description.startTime.getTime()).toBeGreaterThanOrEqual(2000);
    expect(await handle.result()).toBe('Hello, later!');
  });
});

describe('results of runs that did not complete', () => {
  it('a failed workflow rejects result() with WorkflowFailedError whose cause is the ApplicationFailure', async () => {
    const handle = await env.client.workflow.start(failWith, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('fail'),
      args: ['boom'],
    });
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ message: 'boom', type: 'MyError', nonRetryable: true, details: ['detail-1'] });
  });

  it('a cancelled workflow rejects result() with WorkflowFailedError caused by CancelledFailure', async () => {
    const handle = await env.client.workflow.start(waitForever, { taskQueue: env.taskQueue, workflowId: env.workflowId('cancel') });
    await handle.cancel();
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  });

  it('a terminated workflow rejects result() with WorkflowFailedError caused by TerminatedFailure with the reason', async () => {
    const handle = await env.client.workflow.start(waitForever, { taskQueue: env.taskQueue, workflowId: env.workflowId('terminate') });
    await handle.terminate('no longer needed');
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect((err as WorkflowFailedError).message).toBe('no longer needed');
  });

  it('a workflow past its run timeout rejects result() with WorkflowFailedError caused by TimeoutFailure', async () => {
    const handle = await env.client.workflow.start(waitForever, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('timeout'),
      workflowRunTimeout: '1 second',
    });
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
  });
});

describe('cancelling a call', () => {
  it('aborting the signal given to withAbortSignal cancels a waiting result() with a CANCELLED ServiceError', async () => {
    const handle = await env.client.workflow.start(waitForever, { taskQueue: env.taskQueue, workflowId: env.workflowId('abort') });
    const controller = new AbortController();
    const waiting = rejectionOf(env.client.withAbortSignal(controller.signal, () => handle.result()));
    await handle.describe();
    controller.abort();
    const err = await waiting;
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).codeName).toBe('CANCELLED');
    await handle.terminate('cleanup');
  });
});

describe('run chains', () => {
  it('result() follows continue-as-new to the run that completes', async () => {
    const result = await env.client.workflow.execute(countRuns, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('continue-as-new'),
      args: [3],
    });
    expect(result).toBe(4);
  });

  it('with followRuns: false, result() rejects with WorkflowContinuedAsNewError naming the next run', async () => {
    const workflowId = env.workflowId('no-follow');
    const started = await env.client.workflow.start(countRuns, { taskQueue: env.taskQueue, workflowId, args: [1] });
    const handle = env.client.workflow.getHandle(workflowId, started.firstExecutionRunId, { followRuns: false });
    const err = await rejectionOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowContinuedAsNewError);
    expect((err as WorkflowContinuedAsNewError).newExecutionRunId).toMatch(/\S/);
    expect((err as WorkflowContinuedAsNewError).newExecutionRunId).not.toBe(started.firstExecutionRunId);
  });

  it('a handle pinned to an earlier run of a chain reads that run, not the latest', async () => {
    const workflowId = env.workflowId('pinned-run');
    const started = await env.client.workflow.start(countRuns, { taskQueue: env.taskQueue, workflowId, args: [1] });
    await started.result();
    const firstRun = env.client.workflow.getHandle(workflowId, started.firstExecutionRunId);
    const events = (await firstRun.fetchHistory()).events ?? [];
    expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    expect((await env.client.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED');
  });

  it('result() follows a cron chain past completed runs instead of returning the first run\'s result', async () => {
    const workflowId = env.workflowId('cron');
    const handle = await env.client.workflow.start(greet, {
      taskQueue: env.taskQueue,
      workflowId,
      args: ['cron'],
      cronSchedule: '@every 1s',
    });
    const outcome = rejectionOf(handle.result());
    // Wait until the first run has completed and handed over to the next one.
    const first = handle.firstExecutionRunId;
    while ((await handle.describe()).runId === first) await new Promise((resolve) => setTimeout(resolve, 100));
    await handle.terminate('cron stopped');
    const err = await outcome;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
  });

  it('result() follows a workflow retry to the attempt that succeeds', async () => {
    const result = await env.client.workflow.execute(succeedOnRetry, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('retry'),
      retry: { initialInterval: '100ms', maximumAttempts: 2 },
    });
    expect(result).toBe(2);
  });
});

describe('describe and history', () => {
  it('describe() decodes status, type, task queue, times and history length', async () => {
    const workflowId = env.workflowId('describe');
    const handle = await env.client.workflow.start(greet, { taskQueue: env.taskQueue, workflowId, args: ['d'] });
    await handle.result();
    const description = await handle.describe();
    expect(description).toMatchObject({
      workflowId,
      runId: handle.firstExecutionRunId,
      type: 'greet',
      taskQueue: env.taskQueue,
      status: { name: 'COMPLETED' },
    });
    expect(description.historyLength).toBeGreaterThan(0);
    expect(description.closeTime!.getTime()).toBeGreaterThanOrEqual(description.startTime.getTime());
    expect(description.raw.workflowExecutionInfo?.execution?.workflowId).toBe(workflowId);
  });

  it('describe() of an unknown workflow rejects with WorkflowNotFoundError', async () => {
    const err = await rejectionOf(env.client.workflow.getHandle('no-such-workflow').describe());
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
    expect((err as WorkflowNotFoundError).workflowId).toBe('no-such-workflow');
  });

  it('fetchHistory() returns every event from WorkflowExecutionStarted to the close event', async () => {
    const handle = await env.client.workflow.start(greet, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('history'),
      args: ['h'],
    });
    await handle.result();
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('greet');
    expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
  });

  it('a client in a namespace the server does not know rejects with NamespaceNotFoundError', async () => {
    const client = env.makeClient({ namespace: 'no-such-namespace' });
    const err = await rejectionOf(client.workflow.getHandle('any').describe());
    expect(err).toBeInstanceOf(NamespaceNotFoundError);
    expect((err as NamespaceNotFoundError).namespace).toBe('no-such-namespace');
  });
});
