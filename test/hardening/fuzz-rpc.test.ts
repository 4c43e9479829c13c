/**
 * Every RPC the dev server serves (WorkflowService, OperatorService, Health) gets random protobuf
 * requests built from the protocol's reflection, and mutated ones (valid-shaped requests with bytes
 * flipped, inserted, deleted or cut off), plus raw random bytes, sent as gRPC calls to a dev server
 * in a child process. Properties: the server never crashes (the process stays up and still answers),
 * never hangs (every call ends with a gRPC status before its deadline; only long polls may reach it),
 * never fails with an unexpected internal error, and its heap after a forced GC (measured inside the
 * child) is within 20% of what it was after a warm-up of the same fuzzer.
 *
 * Seeded: the seed is printed; `FUZZ_SEED=<seed>` replays the same requests in the same order.
 */
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import type * as protobuf from 'protobufjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordReliability, reliabilityScale } from '../support/reliability';
import { encodedMessage, fuzzSeed, messageObject, mutate, mutation, protoRoot, runPool, startChildDevServer, type ChildDevServer } from './fuzz-support';

const SERVICES = ['temporal.api.workflowservice.v1.WorkflowService', 'temporal.api.operatorservice.v1.OperatorService', 'grpc.health.v1.Health'];
/** Calls that legitimately wait (for a task, a new event, a worker's answer) until their deadline. */
const WAITING = new Set(['PollWorkflowTaskQueue', 'PollActivityTaskQueue', 'PollNexusTaskQueue', 'GetWorkflowExecutionHistory', 'UpdateWorkflowExecution', 'PollWorkflowExecutionUpdate', 'QueryWorkflow', 'ExecuteMultiOperation', 'Watch']);
const REQUESTS = reliabilityScale(3_000, 50_000);
const WARMUP = Math.floor(REQUESTS / 5);
const DEADLINE_MS = 15_000;
const WAIT_DEADLINE_MS = 300;

interface Method {
  service: string;
  name: string;
  path: string;
  requestType: protobuf.Type;
}

const methods: Method[] = SERVICES.flatMap((s) => {
  const service = protoRoot.lookupService(s);
  return service.methodsArray.map((m) => {
    m.resolve();
    return { service: s, name: m.name, path: `/${s}/${m.name}`, requestType: m.resolvedRequestType as protobuf.Type };
  });
});

interface FuzzRequest {
  method: Method;
  kind: 'generated' | 'mutated' | 'random';
  bytes: Uint8Array;
}

/** Methods the server implements get more of the requests (the rest all answer UNIMPLEMENTED). */
function requests(seed: number, count: number, implemented: Set<string>): FuzzRequest[] {
  const perMethod = methods.map((method) => ({
    weight: implemented.has(method.path) ? 6 : 1,
    arbitrary: fc.oneof(
      { weight: 4, arbitrary: encodedMessage(method.requestType).map((bytes) => ({ method, kind: 'generated' as const, bytes })) },
      { weight: 4, arbitrary: fc.tuple(encodedMessage(method.requestType), fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([b, m]) => ({ method, kind: 'mutated' as const, bytes: mutate(b, m) })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ method, kind: 'random' as const, bytes })) },
    ),
  }));
  return fc.sample(fc.oneof(...perMethod), { seed, numRuns: count });
}

let server: ChildDevServer;
let client: grpc.Client;

beforeAll(async () => {
  server = await startChildDevServer({ retentionMs: 200 });
  client = new grpc.Client(server.address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
});

afterAll(async () => {
  client?.close();
  await server?.stop();
});

interface Outcome {
  code: number;
  details: string;
}

function call(req: FuzzRequest): Promise<Outcome> {
  const waits = WAITING.has(req.method.name);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      req.method.path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(req.bytes),
      new grpc.Metadata(),
      { deadline: Date.now() + (waits ? WAIT_DEADLINE_MS : DEADLINE_MS) },
      (err) => resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' }),
    );
  });
}

/** Terminates what the fuzzer left running, so memory is compared on like-for-like state. */
async function terminateOpenRuns(): Promise<void> {
  const svc = 'temporal.api.workflowservice.v1.WorkflowService';
  const ListReq = protoRoot.lookupType('temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest');
  const ListRes = protoRoot.lookupType('temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse');
  const TermReq = protoRoot.lookupType('temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest');
  const unary = (method: string, bytes: Uint8Array) =>
    new Promise<Buffer | null>((resolve) => client.makeUnaryRequest(`/${svc}/${method}`, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(bytes), (err, res) => resolve(err ? null : (res ?? null))));
  for (const namespace of ['default', 'fuzz-ns']) {
    const listed = await unary('ListWorkflowExecutions', ListReq.encode(ListReq.fromObject({ namespace, pageSize: 100_000, query: "ExecutionStatus = 'Running'" })).finish());
    if (!listed) continue;
    const executions = (ListRes.toObject(ListRes.decode(listed)) as { executions?: Array<{ execution?: { workflowId?: string; runId?: string } }> }).executions ?? [];
    for (const e of executions) await unary('TerminateWorkflowExecution', TermReq.encode(TermReq.fromObject({ namespace, workflowExecution: e.execution, reason: 'fuzz cleanup' })).finish());
  }
  await new Promise((resolve) => setTimeout(resolve, 500)); // past the 200 ms retention
}

it(`answers every one of ${REQUESTS} random and mutated requests to all RPCs with a gRPC status, without crashing, hanging or leaking`, { timeout: reliabilityScale(120_000, 3_600_000) }, async () => {
  const seed = fuzzSeed('rpc');
  const implemented = new Set<string>();
  for (const method of methods) {
    const probe = await call({ method, kind: 'generated', bytes: new Uint8Array(0) });
    if (probe.code !== grpc.status.UNIMPLEMENTED) implemented.add(method.path);
  }
  const all = requests(seed, REQUESTS, implemented);
  const byCode = new Map<string, number>();
  const hangs: string[] = [];
  const internal: string[] = [];
  let baseline: { heapUsed: number; rss: number } | undefined;

  const send = async (batch: FuzzRequest[], offset: number) =>
    runPool(batch, 32, async (req, i) => {
      const outcome = await call(req);
      const codeName = grpc.status[outcome.code] ?? String(outcome.code);
      byCode.set(`${req.kind}:${codeName}`, (byCode.get(`${req.kind}:${codeName}`) ?? 0) + 1);
      const where = `#${offset + i} ${req.method.name} (${req.kind}, ${Buffer.from(req.bytes).toString('hex').slice(0, 200)})`;
      if (outcome.code === grpc.status.DEADLINE_EXCEEDED && !WAITING.has(req.method.name)) hangs.push(where);
      // grpc-js answers a request it cannot decode with INTERNAL "Error deserializing request", as
      // grpc-go does on the real server: a status, not a handler failure.
      const undecodable = outcome.code === grpc.status.INTERNAL && outcome.details === 'Error deserializing request';
      if ((outcome.code === grpc.status.INTERNAL || outcome.code === grpc.status.UNKNOWN) && !undecodable) internal.push(`${where}: ${outcome.details}`);
    });

  await send(all.slice(0, WARMUP), 0);
  await terminateOpenRuns();
  baseline = await server.memory();
  await send(all.slice(WARMUP), WARMUP);
  await terminateOpenRuns();
  const after = await server.memory();

  const figures = {
    seed,
    requests: REQUESTS,
    methods: methods.length,
    implementedMethods: implemented.size,
    statuses: JSON.stringify(Object.fromEntries(byCode)),
    hangs: hangs.length,
    internalErrors: internal.length,
    crashed: server.exited() !== null,
    heapBeforeMB: Math.round(baseline.heapUsed / 1e5) / 10,
    heapAfterMB: Math.round(after.heapUsed / 1e5) / 10,
    rssBeforeMB: Math.round(baseline.rss / 1e5) / 10,
    rssAfterMB: Math.round(after.rss / 1e5) / 10,
  };
  recordReliability('fuzz-rpc', figures);
  expect(server.exited()).toBeNull();
  expect(hangs).toEqual([]);
  expect(internal).toEqual([]);
  expect(server.stderr()).not.toMatch(/failed:/);
  expect([...byCode.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
  expect(after.heapUsed).toBeLessThanOrEqual(baseline.heapUsed * 1.2);
  // Still serving after the storm.
  const health = await call({ method: methods.find((m) => m.name === 'Check') as Method, kind: 'generated', bytes: new Uint8Array(0) });
  expect(health.code).toBe(grpc.status.OK);
});

const WFT_CASES = reliabilityScale(400, 5_000);

/**
 * Deeper than one request: each case starts a workflow, takes its workflow task with a real task
 * token, and completes it with random commands and protocol messages (a generated
 * RespondWorkflowTaskCompletedRequest with the real token), or fails it with random fields; the run
 * must then still describe and give its history, and the server must not log a handler failure.
 */
it(`answers ${WFT_CASES} workflow task completions carrying random commands and messages, and keeps every run readable`, { timeout: reliabilityScale(120_000, 3_600_000) }, async () => {
  const seed = fuzzSeed('workflow-task-commands');
  const svc = 'temporal.api.workflowservice.v1.WorkflowService';
  const T = (name: string) => protoRoot.lookupType(`temporal.api.workflowservice.v1.${name}`);
  const Complete = T('RespondWorkflowTaskCompletedRequest');
  const Fail = T('RespondWorkflowTaskFailedRequest');
  const Poll = T('PollWorkflowTaskQueueRequest');
  const PollRes = T('PollWorkflowTaskQueueResponse');
  const answers = fc.sample(fc.tuple(fc.boolean().map((b) => (b ? Complete : Fail)), fc.constant(null)).chain(([type]) => messageObject(type).map((o) => ({ type, o }))), { seed, numRuns: WFT_CASES });
  const unary = (method: string, type: protobuf.Type, obj: Record<string, unknown>, deadlineMs = DEADLINE_MS) =>
    new Promise<{ code: number; details: string; bytes?: Buffer }>((resolve) =>
      client.makeUnaryRequest(`/${svc}/${method}`, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(type.encode(type.fromObject(obj)).finish()), { deadline: Date.now() + deadlineMs }, (err, res) =>
        resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '', bytes: res }),
      ),
    );
  const byCode = new Map<string, number>();
  const failures: string[] = [];
  await runPool(answers, 8, async ({ type, o }, i) => {
    const workflowId = `wft-fuzz-${seed}-${i}`;
    const taskQueue = `wft-fuzz-q-${i}`;
    const started = await unary('StartWorkflowExecution', T('StartWorkflowExecutionRequest'), { namespace: 'default', workflowId, workflowType: { name: 'fuzzed' }, taskQueue: { name: taskQueue }, requestId: workflowId });
    if (started.code !== 0) return void failures.push(`#${i} start: ${started.details}`);
    const polled = await unary('PollWorkflowTaskQueue', Poll, { namespace: 'default', taskQueue: { name: taskQueue }, identity: 'fuzzer' });
    if (polled.code !== 0 || !polled.bytes) return void failures.push(`#${i} poll: ${polled.details}`);
    const task = PollRes.decode(polled.bytes) as unknown as { taskToken: Uint8Array };
    let answer: { code: number; details: string };
    try {
      answer = await unary(type.name === 'RespondWorkflowTaskCompletedRequest' ? 'RespondWorkflowTaskCompleted' : 'RespondWorkflowTaskFailed', type, { ...o, namespace: 'default', taskToken: Buffer.from(task.taskToken).toString('base64') });
    } catch (err) {
      // fromObject refused the generated object: not a server input, so not counted.
      return;
    }
    const name = `${type.name.replace('Request', '')}:${grpc.status[answer.code]}`;
    byCode.set(name, (byCode.get(name) ?? 0) + 1);
    if (answer.code === grpc.status.INTERNAL || answer.code === grpc.status.UNKNOWN || answer.code === grpc.status.DEADLINE_EXCEEDED) failures.push(`#${i} ${name}: ${answer.details}`);
    const described = await unary('DescribeWorkflowExecution', T('DescribeWorkflowExecutionRequest'), { namespace: 'default', execution: { workflowId } });
    if (described.code !== 0) failures.push(`#${i} describe after ${name}: ${described.details}`);
    const historyRead = await unary('GetWorkflowExecutionHistory', T('GetWorkflowExecutionHistoryRequest'), { namespace: 'default', execution: { workflowId } });
    if (historyRead.code !== 0) failures.push(`#${i} history after ${name}: ${historyRead.details}`);
    await unary('TerminateWorkflowExecution', T('TerminateWorkflowExecutionRequest'), { namespace: 'default', workflowExecution: { workflowId } });
  });
  recordReliability('fuzz-workflow-task-commands', { seed, cases: WFT_CASES, answers: JSON.stringify(Object.fromEntries(byCode)), failures: failures.length, crashed: server.exited() !== null });
  expect(failures).toEqual([]);
  expect(server.exited()).toBeNull();
  expect(server.stderr()).not.toMatch(/failed:/);
});
