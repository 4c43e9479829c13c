/**
 * Regressions found by the fuzz suites, each pinned with the smallest input that showed it: the
 * client facing a response that breaks the protocol rejects with a typed error naming the problem,
 * and the schedule spec parsers refuse bad input with a SpecError.
 */
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Client, Connection, MalformedResponseError, PayloadConverterError } from '../../lib';
import { ScriptedServer } from '../contract/scripted-server';
import { compileSpec, SpecError } from '../../lib/devserver/schedules/spec';
import { parseCron } from '../../lib/devserver/schedules/calendar';

const ws = temporal.api.workflowservice.v1;
let server: ScriptedServer;
let connection: Connection;
let client: Client;

beforeEach(async () => {
  server = await ScriptedServer.start();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: 'default' });
});

afterEach(async () => {
  await connection.close();
  await server.stop();
});

it('result() of a history whose last event is not a close event type rejects with MalformedResponseError', async () => {
  server.on('GetWorkflowExecutionHistory', () => ({
    ok: ws.GetWorkflowExecutionHistoryResponse.encode({ history: { events: [{ eventId: Long.fromNumber(1), eventType: 26 }] } }).finish(),
  }));
  const err = await client.workflow.getHandle('wf-1').result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MalformedResponseError);
  expect((err as MalformedResponseError).message).toMatch(/GetWorkflowExecutionHistory: the server sent a malformed response: a close event of unexpected type 26/);
});

it('a search attribute whose value is not JSON rejects describe() with PayloadConverterError naming it', async () => {
  server.on('DescribeWorkflowExecution', () => ({
    ok: ws.DescribeWorkflowExecutionResponse.encode({
      workflowExecutionInfo: {
        execution: { workflowId: 'wf-1', runId: 'r' },
        type: { name: 't' },
        searchAttributes: { indexedFields: { Custom: { metadata: { type: Buffer.from('Keyword') }, data: Buffer.from([0xff, 0x00, 0x7b]) } } },
      },
    }).finish(),
  }));
  const err = await client.workflow.getHandle('wf-1').describe().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PayloadConverterError);
  expect((err as Error).message).toMatch(/search attribute value from the server is not JSON/);
});

it('a schedule whose calendar month is out of range rejects describe() with MalformedResponseError', async () => {
  server.on('DescribeSchedule', () => ({
    ok: ws.DescribeScheduleResponse.encode({
      schedule: {
        spec: { structuredCalendar: [{ month: [{ start: 0, end: 0 }] }] },
        action: { startWorkflow: { workflowId: 'w', workflowType: { name: 't' }, taskQueue: { name: 'q' } } },
      },
    }).finish(),
  }));
  const err = await client.schedule.getHandle('s-1').describe().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MalformedResponseError);
  expect((err as Error).message).toMatch(/calendar month range out of bounds: 0-0/);
});

it('a schedule whose action is not startWorkflow rejects describe() with MalformedResponseError', async () => {
  server.on('DescribeSchedule', () => ({ ok: ws.DescribeScheduleResponse.encode({ schedule: { spec: {}, action: {} } }).finish() }));
  const err = await client.schedule.getHandle('s-1').describe().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MalformedResponseError);
  expect((err as Error).message).toMatch(/a schedule action other than startWorkflow/);
});

it('a schedule spec whose exclude calendar has a year out of range is refused with a SpecError, not a RangeError', async () => {
  expect(() => compileSpec({ excludeStructuredCalendar: [{ year: [{ start: -16777216 }] }] })).toThrow(SpecError);
});

it('a schedule cron string naming an Object.prototype member ("valueOf") is refused with a SpecError', async () => {
  expect(() => parseCron('valueOf')).toThrow(SpecError);
});
