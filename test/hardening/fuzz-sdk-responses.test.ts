/**
 * The SDK's client facing a server that answers with malformed responses: a scripted gRPC server
 * (test/contract/scripted-server.ts) answers every call with what fast-check generates — random
 * bytes, generated messages of the right response type (valid wire format, nonsense content), mutated
 * ones, and error statuses carrying random codes and random `grpc-status-details-bin` — and the
 * public client API (raw service calls, start, describe, result, query, signal, update, terminate,
 * count, list, schedules) is called against it. Property: every call settles, and a failure is one of
 * the SDK's typed errors (ServiceError and its subclasses, workflow/update/query outcome errors,
 * failures, payload errors), never a bare Error/TypeError/RangeError from a decoder, and never a crash.
 *
 * Seeded: the seed is printed; `FUZZ_SEED=<seed>` replays.
 */
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import type * as protobuf from 'protobufjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection, ServiceError, WorkflowFailedError, WorkflowContinuedAsNewError, WorkflowUpdateFailedError, QueryRejectedError, ValueError, TemporalFailure } from '../../lib';
import { ScriptedServer, type Answer } from '../contract/scripted-server';
import { recordReliability, reliabilityScale } from '../support/reliability';
import { encodedMessage, fuzzSeed, mutate, mutation, protoRoot, type Mutation } from './fuzz-support';

const CASES = reliabilityScale(300, 2_000);
const SETTLE_MS = 20_000;
const TYPED = [ServiceError, WorkflowFailedError, WorkflowContinuedAsNewError, WorkflowUpdateFailedError, QueryRejectedError, ValueError, TemporalFailure];

type Operation = (client: Client, connection: Connection) => Promise<unknown>;
const OPERATIONS: Record<string, Operation> = {
  describeNamespace: (_c, conn) => conn.workflowService.describeNamespace({ namespace: 'default' }),
  start: (c) => c.workflow.start('fuzzed', { taskQueue: 'q', workflowId: 'wf-1', args: [1] }),
  describe: (c) => c.workflow.getHandle('wf-1').describe(),
  result: (c) => c.workflow.getHandle('wf-1').result(),
  query: (c) => c.workflow.getHandle('wf-1').query('state'),
  signal: (c) => c.workflow.getHandle('wf-1').signal('go', 1),
  update: (c) => c.workflow.getHandle('wf-1').executeUpdate('change', { args: [1] }),
  terminate: (c) => c.workflow.getHandle('wf-1').terminate('fuzz'),
  fetchHistory: (c) => c.workflow.getHandle('wf-1').fetchHistory(),
  count: (c) => c.workflow.count('WorkflowType = "fuzzed"'),
  list: async (c) => {
    let n = 0;
    for await (const _ of c.workflow.list()) if (++n >= 20) break;
  },
  describeSchedule: (c) => c.schedule.getHandle('s-1').describe(),
};

/** The response type of a WorkflowService method, for generating well-formed nonsense. */
const responseTypes = new Map<string, protobuf.Type>(
  protoRoot.lookupService('temporal.api.workflowservice.v1.WorkflowService').methodsArray.map((m) => {
    m.resolve();
    return [m.name, m.resolvedResponseType as protobuf.Type];
  }),
);

type Script = { kind: 'random'; bytes: Uint8Array } | { kind: 'generated'; seed: number } | { kind: 'mutated'; seed: number; mutations: Mutation[] } | { kind: 'error'; code: number; details: Uint8Array | undefined };

const script: fc.Arbitrary<Script> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 120 }) }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('generated' as const), seed: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mutated' as const), seed: fc.integer(), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) }) },
  fc.record({ kind: fc.constant('error' as const), code: fc.integer({ min: 1, max: 16 }).filter((c) => c !== grpc.status.UNAVAILABLE && c !== grpc.status.RESOURCE_EXHAUSTED), details: fc.option(fc.uint8Array({ maxLength: 60 }), { nil: undefined }) }),
);

/** One case: an operation and the answers the server gives its calls, in order (then INVALID_ARGUMENT). */
const fuzzCase = fc.record({ operation: fc.constantFrom(...Object.keys(OPERATIONS)), answers: fc.array(script, { minLength: 1, maxLength: 4 }) });

function answerFor(method: string, s: Script): Answer {
  const type = responseTypes.get(method);
  switch (s.kind) {
    case 'random':
      return { ok: s.bytes };
    case 'generated':
    case 'mutated': {
      const [bytes] = type ? fc.sample(encodedMessage(type, 4), { seed: s.seed, numRuns: 1 }) : [new Uint8Array(0)];
      return { ok: s.kind === 'generated' ? (bytes as Uint8Array) : mutate(bytes as Uint8Array, s.mutations) };
    }
    case 'error':
      return { error: { code: s.code, message: 'fuzzed error', details: s.details } };
  }
}

let server: ScriptedServer;
let connection: Connection;
let client: Client;
let current: { answers: Script[]; used: number } = { answers: [], used: 0 };

beforeAll(async () => {
  server = await ScriptedServer.start();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: 'default' });
  for (const method of responseTypes.keys()) {
    if (method === 'GetSystemInfo') continue;
    server.on(method, () => {
      const next = current.answers[current.used++];
      // Not retried by the core, so a case ends once its scripted answers are used up.
      return next ? answerFor(method, next) : { error: { code: grpc.status.INVALID_ARGUMENT, message: 'no more scripted answers' } };
    });
  }
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

it(`settles every client call facing ${CASES} malformed server answers, failing only with the SDK's typed errors`, { timeout: reliabilityScale(120_000, 3_600_000) }, async () => {
  const seed = fuzzSeed('sdk-responses');
  const cases = fc.sample(fuzzCase, { seed, numRuns: CASES });
  const untyped: string[] = [];
  const unsettled: string[] = [];
  const outcomes = new Map<string, number>();
  for (const [i, c] of cases.entries()) {
    current = { answers: c.answers, used: 0 };
    const call = (OPERATIONS[c.operation] as Operation)(client, connection);
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      call.then(
        () => 'resolved',
        (err: unknown) => {
          if (TYPED.some((t) => err instanceof t)) return (err as Error).constructor.name;
          untyped.push(`#${i} ${c.operation} ${JSON.stringify(c.answers.map((a) => a.kind))}: ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
          return 'untyped';
        },
      ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('unsettled'), SETTLE_MS))),
    ]);
    clearTimeout(timer);
    if (settled === 'unsettled') unsettled.push(`#${i} ${c.operation} ${JSON.stringify(c.answers)}`);
    outcomes.set(settled, (outcomes.get(settled) ?? 0) + 1);
  }
  recordReliability('fuzz-sdk-responses', { seed, cases: CASES, outcomes: JSON.stringify(Object.fromEntries(outcomes)), untyped: untyped.length, unsettled: unsettled.length });
  expect(untyped).toEqual([]);
  expect(unsettled).toEqual([]);
});
