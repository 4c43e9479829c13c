/**
 * Names the parity table marks "refused" that a user can still hand us at run time are refused with
 * a typed error naming them, never ignored; and options added for parity do what they say.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { MetricCounter, MetricMeter, MetricTags } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ApplicationFailure, Client, Connection, ConsoleLogger, QueryRejectedError, UnknownOptionError, UnsupportedOptionError, Worker, WorkflowFailedError } from '../../lib';
import { MockActivityEnvironment, metricMeter } from '../../lib/activity';
import { DevServer, workflowInterceptorModules, type DevServerHandle } from '../../lib/testing';
import { assertsWrongly, closesAtOnce, stage } from './workflows';

/** A meter that keeps what is recorded to it, to see where the mock environment's meter goes. */
function recordingMeter(): { meter: MetricMeter; added: { name: string; value: number }[] } {
  const added: { name: string; value: number }[] = [];
  const counter = (name: string): MetricCounter => ({
    name,
    unit: undefined,
    description: undefined,
    kind: 'counter',
    valueType: 'int',
    add: (value: number) => void added.push({ name, value }),
    withTags: () => counter(name),
  });
  const meter: MetricMeter = {
    createCounter: (name) => counter(name),
    createHistogram: () => {
      throw new Error('not used by this test');
    },
    createGauge: () => {
      throw new Error('not used by this test');
    },
    withTags: (_tags: MetricTags) => meter,
  };
  return { meter, added };
}

describe('MockActivityEnvironment options', () => {
  it('refuses the official interceptors option with UnsupportedOptionError naming it', () => {
    const create = () => new MockActivityEnvironment({}, { interceptors: [] } as never);
    expect(create).toThrow(UnsupportedOptionError);
    expect(create).toThrow(/options\.interceptors is not supported/);
  });

  it('refuses a misspelled option with UnknownOptionError suggesting the right key', () => {
    expect(() => new MockActivityEnvironment({}, { loger: console } as never)).toThrow(UnknownOptionError);
    expect(() => new MockActivityEnvironment({}, { loger: console } as never)).toThrow(/did you mean 'logger'/);
  });

  it('gives the activity the metricMeter it is given', async () => {
    const { meter, added } = recordingMeter();
    const env = new MockActivityEnvironment({}, { metricMeter: meter });
    await env.run(async () => metricMeter.createCounter('rows_imported').add(3));
    expect(added).toEqual([{ name: 'rows_imported', value: 3 }]);
  });
});

describe('definitions carrying payload type info', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let client: Client;
  const typeInfo = { inputTypes: [{ kind: 'string' }] } as never;

  beforeAll(async () => {
    server = await DevServer.start({ port: 0 });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  it('refuses a signal definition with typeInfo, naming signal.typeInfo', async () => {
    const signal = defineSignal<[string]>('greet', { typeInfo });
    const sent = client.workflow.getHandle('no-such-workflow').signal(signal, 'hi');
    await expect(sent).rejects.toThrow(UnsupportedOptionError);
    await expect(client.workflow.getHandle('no-such-workflow').signal(signal, 'hi')).rejects.toThrow(/^signal\.typeInfo is not supported/);
  });

  it('refuses a query definition with typeInfo, naming query.typeInfo', async () => {
    const query = defineQuery<string>('state', { typeInfo });
    await expect(client.workflow.getHandle('no-such-workflow').query(query)).rejects.toThrow(/^query\.typeInfo is not supported/);
  });

  it('refuses an update definition with typeInfo, naming update.typeInfo', async () => {
    const update = defineUpdate<string>('rename', { typeInfo });
    await expect(client.workflow.getHandle('no-such-workflow').executeUpdate(update)).rejects.toThrow(/^update\.typeInfo is not supported/);
  });
});

describe('Client options', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'parity-client-options';

  beforeAll(async () => {
    server = await DevServer.start({ port: 0 });
    connection = await Connection.connect({ address: server.address });
    worker = await Worker.create({ connection, taskQueue, workflowsPath: path.join(__dirname, 'workflows.ts'), logger: new ConsoleLogger('WARN') });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    await server?.stop();
  });

  /** A workflow run that has already completed. */
  async function closedWorkflowId(label: string): Promise<string> {
    const workflowId = `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await new Client({ connection }).workflow.execute(closesAtOnce, { taskQueue, workflowId });
    return workflowId;
  }

  it('refuses the official plugins option with UnsupportedOptionError naming it', () => {
    const create = () => new Client({ connection, plugins: [] } as never);
    expect(create).toThrow(UnsupportedOptionError);
    expect(create).toThrow(/options\.plugins is not supported/);
  });

  it('refuses a misspelled option with UnknownOptionError suggesting the right key', () => {
    expect(() => new Client({ connection, namespce: 'default' } as never)).toThrow(/did you mean 'namespace'/);
  });

  it('answers a query of a closed workflow when no reject condition is set', async () => {
    const workflowId = await closedWorkflowId('no-condition');
    expect(await new Client({ connection }).workflow.getHandle(workflowId).query(stage)).toBe('done');
  });

  it("honours the official workflow.queryRejectCondition: NOT_OPEN rejects a closed workflow's query", async () => {
    const workflowId = await closedWorkflowId('not-open');
    const client = new Client({ connection, workflow: { queryRejectCondition: 'NOT_OPEN' } });
    await expect(client.workflow.getHandle(workflowId).query(stage)).rejects.toThrow(QueryRejectedError);
  });

  it('refuses queryRejectCondition given both at the top level and under workflow', () => {
    const create = () => new Client({ connection, queryRejectCondition: 'NOT_OPEN', workflow: { queryRejectCondition: 'NOT_OPEN' } });
    expect(create).toThrow(/workflow\.queryRejectCondition and queryRejectCondition are the same option/);
  });
});

describe('workflowInterceptorModules of temporal-native/testing', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'parity-assert-to-failure';

  beforeAll(async () => {
    server = await DevServer.start({ port: 0 });
    connection = await Connection.connect({ address: server.address });
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: path.join(__dirname, 'workflows.ts'),
      interceptors: { workflowModules: workflowInterceptorModules },
      logger: new ConsoleLogger('ERROR'),
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    await server?.stop();
  });

  it('fail the workflow with a non-retryable AssertionError when an assert fails', async () => {
    const result = new Client({ connection }).workflow.execute(assertsWrongly, { taskQueue, workflowId: `asserts-${Date.now()}` });
    const error = await result.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'AssertionError', nonRetryable: true });
    expect((cause as ApplicationFailure).message).toMatch(/^arithmetic is broken/);
  });
});
