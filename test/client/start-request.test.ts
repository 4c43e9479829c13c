/**
 * What `client.workflow.start` puts in the StartWorkflowExecution request (read back at the core
 * boundary from the encoded bytes), and what interceptors see of it. A recording core connection
 * stands in for the server; test/e2e/client/start-options-wire.test.ts reads the same fields back
 * from the real server.
 */
import { type google, temporal } from '@temporalio/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { Client, Connection, WorkflowUpdateStage, type InterceptedWorkflowOptions, type WorkflowClientInterceptor, type WorkflowStartOutput } from '../../lib';
import { rpcOnlyRuntime } from '../support/rpc-only-runtime';

const { StartWorkflowExecutionRequest, StartWorkflowExecutionResponse } = temporal.api.workflowservice.v1;

let starts: temporal.api.workflowservice.v1.StartWorkflowExecutionRequest[];
let eagerTaskInReply: boolean;

function recordingRuntime() {
  return rpcOnlyRuntime(async (rpc, request) => {
    if (rpc !== 'StartWorkflowExecution') throw new Error(`unexpected RPC ${rpc}`);
    starts.push(StartWorkflowExecutionRequest.decode(request));
    return StartWorkflowExecutionResponse.encode({
      runId: 'run-1',
      started: true,
      eagerWorkflowTask: eagerTaskInReply ? { taskToken: new Uint8Array([1]) } : undefined,
    }).finish();
  });
}

let connection: Connection;

beforeEach(async () => {
  starts = [];
  eagerTaskInReply = false;
  connection = await Connection.connect({ address: 'localhost:1', runtime: recordingRuntime() });
});

const base = { taskQueue: 'q', workflowId: 'w' };

describe('start request', () => {
  it('priority is sent as the request priority', async () => {
    await new Client({ connection }).workflow.start('greet', { ...base, priority: { priorityKey: 2, fairnessKey: 'tenant-a', fairnessWeight: 1.5 } });
    expect(starts[0]?.priority).toMatchObject({ priorityKey: 2, fairnessKey: 'tenant-a', fairnessWeight: 1.5 });
  });

  it('staticSummary and staticDetails are sent as user metadata payloads', async () => {
    const client = new Client({ connection });
    await client.workflow.start('greet', { ...base, staticSummary: 'Order 42', staticDetails: 'line 1\nline 2' });
    const metadata = starts[0]?.userMetadata;
    expect(await client.dataConverter.decodeOne(metadata?.summary ?? undefined)).toBe('Order 42');
    expect(await client.dataConverter.decodeOne(metadata?.details ?? undefined)).toBe('line 1\nline 2');
  });

  it('requestEagerStart asks the server for the first workflow task', async () => {
    await new Client({ connection }).workflow.start('greet', { ...base, requestEagerStart: true });
    expect(starts[0]?.requestEagerExecution).toBe(true);
  });
});

describe('start interceptors', () => {
  it('startWithDetails reports whether the start was eager', async () => {
    eagerTaskInReply = true;
    const outputs: WorkflowStartOutput[] = [];
    const interceptor: WorkflowClientInterceptor = {
      async startWithDetails(input, next) {
        const output = await next(input);
        outputs.push(output);
        return output;
      },
    };
    await new Client({ connection, interceptors: { workflow: [interceptor] } }).workflow.start('greet', { ...base, requestEagerStart: true });
    expect(outputs).toEqual([{ runId: 'run-1', eagerlyStarted: true }]);
  });

  it('a legacy start interceptor runs and can change the input', async () => {
    const interceptor: WorkflowClientInterceptor = {
      start: (input, next) => next({ ...input, options: { ...input.options, args: ['from interceptor'] } }),
    };
    const handle = await new Client({ connection, interceptors: { workflow: [interceptor] } }).workflow.start('greet', base);
    expect(handle.firstExecutionRunId).toBe('run-1');
    expect(starts[0]?.input?.payloads).toHaveLength(1);
  });

  it('interceptors see args filled in and durations compiled, as in the official client', async () => {
    let seen: InterceptedWorkflowOptions | undefined;
    const interceptor: WorkflowClientInterceptor = {
      startWithDetails(input, next) {
        seen = input.options;
        return next(input);
      },
    };
    await new Client({ connection, interceptors: { workflow: [interceptor] } }).workflow.start('greet', { ...base, workflowRunTimeout: '1 minute' });
    expect(seen?.args).toEqual([]);
    const timeout = seen?.workflowRunTimeout as google.protobuf.IDuration | undefined;
    expect(Number(timeout?.seconds)).toBe(60);
  });

  it('legacy { calls } factories are called with the workflow the call is about', async () => {
    const asked: unknown[] = [];
    const client = new Client({
      connection,
      interceptors: { workflow: { calls: [(wf) => (asked.push(wf), {})] } },
    });
    await client.workflow.start('greet', base);
    expect(asked).toEqual([{ workflowId: 'w', runId: undefined }]);
  });
});

describe('enum constants', () => {
  it('WorkflowUpdateStage holds the official stage names', () => {
    expect(WorkflowUpdateStage).toEqual({ ADMITTED: 'ADMITTED', ACCEPTED: 'ACCEPTED', COMPLETED: 'COMPLETED' });
  });
});
