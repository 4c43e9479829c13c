/**
 * Our client against the test server (ours or the real one): visibility (list and count) and client interceptors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation, type WorkflowClientInterceptor } from '../../../lib';
import { eventually } from '../../support/eventually';
import { startClientTestEnvironment, type ClientTestEnvironment } from './environment';
import { addItem, addItemAndCount, echoArgs, finish, items, listedWorkflow, shoppingList } from './workflows';

let env: ClientTestEnvironment;
const listedIds: string[] = [];

beforeAll(async () => {
  env = await startClientTestEnvironment();
  // Three runs of a workflow type no other test uses, all completed before the visibility tests run.
  for (let i = 0; i < 3; i++) {
    const workflowId = env.workflowId(`listed-${i}`);
    listedIds.push(workflowId);
    await env.client.workflow.execute(listedWorkflow, { taskQueue: env.taskQueue, workflowId });
  }
  // Visibility is eventually consistent on the real server: a closed run reaches list/count a
  // moment after its result. Wait (bounded) until all three are listed as completed.
  await eventually(
    'completed listedWorkflow runs in visibility',
    async () => (await env.client.workflow.count({ query: "WorkflowType = 'listedWorkflow' AND ExecutionStatus = 'Completed'" })).count,
    (count) => count === 3,
  );
});

afterAll(async () => {
  await env?.teardown();
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('list and count', () => {
  it('list({ query }) yields the matching executions with decoded info', async () => {
    const listed = await collect(env.client.workflow.list({ query: "WorkflowType = 'listedWorkflow'" }));
    expect(listed.map((w) => w.workflowId).sort()).toEqual([...listedIds].sort());
    for (const info of listed) {
      expect(info).toMatchObject({ type: 'listedWorkflow', taskQueue: env.taskQueue, status: { name: 'COMPLETED' } });
      expect(info.startTime).toBeInstanceOf(Date);
    }
  });

  it('list().intoHistories() yields each listed run with its full history, in list order', async () => {
    const listed = await collect(env.client.workflow.list({ query: "WorkflowType = 'listedWorkflow'" }));
    const histories = await collect(
      env.client.workflow.list({ query: "WorkflowType = 'listedWorkflow'" }).intoHistories({ concurrency: 2 }),
    );
    expect(histories.map((h) => h.workflowId)).toEqual(listed.map((w) => w.workflowId));
    for (const { history } of histories) {
      expect(history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('listedWorkflow');
      expect(history.events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    }
  });

  it('list fetches further pages as the loop advances', async () => {
    const listed = await collect(env.client.workflow.list({ query: "WorkflowType = 'listedWorkflow'", pageSize: 2 }));
    expect(listed).toHaveLength(3);
  });

  it('list filters on execution status', async () => {
    const running = await collect(
      env.client.workflow.list({ query: "WorkflowType = 'listedWorkflow' AND ExecutionStatus = 'Running'" }),
    );
    expect(running).toEqual([]);
  });

  it('count({ query }) counts the matching executions', async () => {
    expect(await env.client.workflow.count({ query: "WorkflowType = 'listedWorkflow'" })).toEqual({ count: 3, groups: [] });
  });

  it('count with GROUP BY ExecutionStatus reports each group', async () => {
    const result = await env.client.workflow.count({
      query: "WorkflowType = 'listedWorkflow' GROUP BY ExecutionStatus",
    });
    expect(result.count).toBe(3);
    // Each group value is array-wrapped, as the official client decodes it.
    expect(result.groups).toEqual([{ count: 3, groupValues: [['Completed']] }]);
  });
});

describe('interceptors', () => {
  it('a start interceptor adds a header that reaches the workflow start event', async () => {
    const marker: WorkflowClientInterceptor = {
      async start(input, next) {
        const headers = { ...input.headers, marker: env.client.dataConverter.payloadConverter.toPayload('from-interceptor') };
        return next({ ...input, headers });
      },
    };
    const client = env.makeClient({ interceptors: { workflow: [marker] } });
    const handle = await client.workflow.start(echoArgs, { taskQueue: env.taskQueue, workflowId: env.workflowId('header') });
    await handle.result();
    const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    const header = started?.header?.fields?.marker;
    expect(header && env.client.dataConverter.payloadConverter.fromPayload(header)).toBe('from-interceptor');
  });

  it('an interceptor may rewrite the workflow arguments', async () => {
    const rewrite: WorkflowClientInterceptor = {
      start: (input, next) => next({ ...input, options: { ...input.options, args: ['rewritten'] } }),
    };
    const client = env.makeClient({ interceptors: { workflow: [rewrite] } });
    const result = await client.workflow.execute(echoArgs, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('rewrite'),
      args: ['original'],
    });
    expect(result).toEqual(['rewritten']);
  });

  it('interceptors run in list order, the first one outermost', async () => {
    const order: string[] = [];
    const tag = (name: string): WorkflowClientInterceptor => ({
      async start(input, next) {
        order.push(`${name}:before`);
        const runId = await next(input);
        order.push(`${name}:after`);
        return runId;
      },
    });
    const client = env.makeClient({ interceptors: { workflow: [tag('outer'), tag('inner')] } });
    await (await client.workflow.start(echoArgs, { taskQueue: env.taskQueue, workflowId: env.workflowId('order') })).result();
    expect(order).toEqual(['outer:before', 'inner:before', 'inner:after', 'outer:after']);
  });

  it('signal, signalWithStart, query, update, describe, cancel and terminate each pass through their interceptor', async () => {
    const seen: string[] = [];
    const record: WorkflowClientInterceptor = {
      signal: (input, next) => (seen.push(`signal:${input.signalName}`), next(input)),
      signalWithStart: (input, next) => (seen.push(`signalWithStart:${input.signalName}`), next(input)),
      query: (input, next) => (seen.push(`query:${input.queryType}`), next(input)),
      startUpdate: (input, next) => (seen.push(`startUpdate:${input.updateName}`), next(input)),
      describe: (input, next) => (seen.push('describe'), next(input)),
      cancel: (input, next) => (seen.push('cancel'), next(input)),
      terminate: (input, next) => (seen.push(`terminate:${input.reason}`), next(input)),
    };
    const client = env.makeClient({ interceptors: { workflow: [record] } });
    const workflowId = env.workflowId('all-calls');
    const handle = await client.workflow.signalWithStart(shoppingList, {
      taskQueue: env.taskQueue,
      workflowId,
      signal: addItem,
      signalArgs: ['a'],
    });
    await handle.signal(addItem, 'b');
    await handle.query(items);
    await handle.executeUpdate(addItemAndCount, { args: ['c'] });
    await handle.describe();
    await handle.cancel();
    await handle.terminate('done');
    expect(seen).toEqual([
      'signalWithStart:addItem',
      'signal:addItem',
      'query:items',
      'startUpdate:addItemAndCount',
      'describe',
      'cancel',
      'terminate:done',
    ]);
  });

  it('update-with-start passes through the startUpdateWithStart interceptor with both halves of the call', async () => {
    const seen: string[] = [];
    const record: WorkflowClientInterceptor = {
      startUpdateWithStart: (input, next) => (seen.push(`${input.workflowType}/${input.updateName}`), next(input)),
    };
    const client = env.makeClient({ interceptors: { workflow: [record] } });
    const startWorkflowOperation = new WithStartWorkflowOperation(shoppingList, {
      taskQueue: env.taskQueue,
      workflowId: env.workflowId('with-start-intercepted'),
      workflowIdConflictPolicy: 'FAIL',
    });
    expect(await client.workflow.executeUpdateWithStart(addItemAndCount, { args: ['x'], startWorkflowOperation })).toBe(1);
    expect(seen).toEqual(['shoppingList/addItemAndCount']);
    await (await startWorkflowOperation.workflowHandle()).signal(finish);
  });

  it('an interceptor can short-circuit a call without reaching the server', async () => {
    const cached: WorkflowClientInterceptor = { query: async () => ['from cache'] };
    const client = env.makeClient({ interceptors: { workflow: [cached] } });
    const handle = client.workflow.getHandle('does-not-exist');
    expect(await handle.query(items)).toEqual(['from cache']);
  });
});

