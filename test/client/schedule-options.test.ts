/**
 * Schedule options checked and encoded by the client on its own: every bad or unknown field is
 * refused with an `InvalidOptionError` naming it, before any RPC (a recording core stands in for the
 * server), and good options encode to the request the server expects. What the server does with a
 * schedule is in test/e2e/schedules.
 */
import { temporal } from '@temporalio/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  Connection,
  InvalidOptionError,
  UnknownOptionError,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleUpdateOptions,
} from '../../lib/client';
import { compileScheduleOptions } from '../../lib/client/schedule-options';
import { rpcOnlyRuntime } from '../support/rpc-only-runtime';

const base: ScheduleOptions = {
  scheduleId: 's',
  spec: { intervals: [{ every: '1h' }] },
  action: { type: 'startWorkflow', workflowType: 'wf', taskQueue: 'q' },
};

function refusal(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    return err as InvalidOptionError;
  }
  throw new Error('expected the options to be refused');
}

const refusedField = (options: unknown) => refusal(() => compileScheduleOptions(options as ScheduleOptions)).field;

describe('an empty spec', () => {
  it('is accepted, as the server accepts it: the schedule acts only when triggered or backfilled', () => {
    const compiled = compileScheduleOptions({ ...base, spec: {} } as ScheduleOptions);
    expect(compiled.spec).toMatchObject({ structuredCalendar: undefined, interval: undefined, cronString: undefined });
  });
});

describe('schedule options refused, naming the field', () => {
  it.each([
    ['a missing scheduleId', { ...base, scheduleId: undefined }, 'scheduleId'],
    ['a missing spec', { ...base, spec: undefined }, 'spec'],
    ['a missing action', { ...base, action: undefined }, 'action'],
    ['an unknown top-level key', { ...base, schedule: {} }, 'schedule'],
    ['an unknown spec key', { ...base, spec: { ...base.spec, cron: ['* * * * *'] } }, 'spec.cron'],
    ['an unknown calendar key', { ...base, spec: { calendars: [{ hours: 3 }] } }, 'spec.calendars[0].hours'],
    ['an unknown range key', { ...base, spec: { calendars: [{ hour: { start: 1, stop: 3 } }] } }, 'spec.calendars[0].hour.stop'],
    ['an hour out of range', { ...base, spec: { calendars: [{ hour: 24 }] } }, 'spec.calendars[0].hour'],
    ['a second out of range in a list', { ...base, spec: { calendars: [{ second: [0, 60] }] } }, 'spec.calendars[0].second[1]'],
    ['a day of month 0', { ...base, spec: { calendars: [{ dayOfMonth: 0 }] } }, 'spec.calendars[0].dayOfMonth'],
    ['an unknown month name', { ...base, spec: { calendars: [{ month: 'JANVIER' }] } }, 'spec.calendars[0].month'],
    ['a month number', { ...base, spec: { calendars: [{ month: 3 }] } }, 'spec.calendars[0].month'],
    ['an unknown day name', { ...base, spec: { calendars: [{ dayOfWeek: { start: 'MON' } }] } }, 'spec.calendars[0].dayOfWeek.start'],
    ['a range ending before its start', { ...base, spec: { calendars: [{ hour: { start: 10, end: 2 } }] } }, 'spec.calendars[0].hour.end'],
    ['a step of 0', { ...base, spec: { calendars: [{ minute: { start: 0, end: 59, step: 0 } }] } }, 'spec.calendars[0].minute.step'],
    ['an empty hour list', { ...base, spec: { calendars: [{ hour: [] }] } }, 'spec.calendars[0].hour'],
    ['a comment that is not a string', { ...base, spec: { calendars: [{ comment: 1 }] } }, 'spec.calendars[0].comment'],
    ['a bad skip calendar', { ...base, spec: { ...base.spec, skip: [{ hour: -1 }] } }, 'spec.skip[0].hour'],
    ['an interval of 0', { ...base, spec: { intervals: [{ every: 0 }] } }, 'spec.intervals[0].every'],
    ['an interval under a second', { ...base, spec: { intervals: [{ every: '500ms' }] } }, 'spec.intervals[0].every'],
    ['an interval without every', { ...base, spec: { intervals: [{ offset: '1m' }] } }, 'spec.intervals[0].every'],
    ['an offset greater than every', { ...base, spec: { intervals: [{ every: '1h', offset: '2h' }] } }, 'spec.intervals[0].offset'],
    ['an unreadable duration', { ...base, spec: { ...base.spec, jitter: 'a bit' } }, 'spec.jitter'],
    ['an empty cron line', { ...base, spec: { cronExpressions: [' '] } }, 'spec.cronExpressions[0]'],
    ['a cron line with too few fields', { ...base, spec: { cronExpressions: ['0 12 * *'] } }, 'spec.cronExpressions[0]'],
    ['a cron line with too many fields', { ...base, spec: { cronExpressions: ['@daily', '0 0 12 * * * 2030 x'] } }, 'spec.cronExpressions[1]'],
    ['an unknown cron macro', { ...base, spec: { cronExpressions: ['@fortnightly'] } }, 'spec.cronExpressions[0]'],
    ['an unknown CRON_TZ zone', { ...base, spec: { cronExpressions: ['CRON_TZ=Nowhere/Land 0 9 * * *'] } }, 'spec.cronExpressions[0]'],
    ['an unknown time zone', { ...base, spec: { ...base.spec, timezone: 'Mars/Olympus_Mons' } }, 'spec.timezone'],
    ['startAt that is not a Date', { ...base, spec: { ...base.spec, startAt: '2030-01-01' } }, 'spec.startAt'],
    ['endAt before startAt', { ...base, spec: { ...base.spec, startAt: new Date(2000), endAt: new Date(1000) } }, 'spec.endAt'],
    ['an unknown overlap policy', { ...base, policies: { overlap: 'QUEUE' } }, 'policies.overlap'],
    ['an unknown policy key', { ...base, policies: { catchup: '1m' } }, 'policies.catchup'],
    ['pauseOnFailure that is not a boolean', { ...base, policies: { pauseOnFailure: 'yes' } }, 'policies.pauseOnFailure'],
    ['negative remainingActions', { ...base, state: { remainingActions: -1 } }, 'state.remainingActions'],
    ['an unknown state key', { ...base, state: { pause: true } }, 'state.pause'],
    ['a backfill without end', { ...base, state: { backfill: [{ start: new Date() }] } }, 'state.backfill[0].end'],
    ['an action type other than startWorkflow', { ...base, action: { ...base.action, type: 'signalWorkflow' } }, 'action.type'],
    ['an action without taskQueue', { ...base, action: { type: 'startWorkflow', workflowType: 'wf' } }, 'action.taskQueue'],
    ['an action without workflowType', { ...base, action: { type: 'startWorkflow', taskQueue: 'q' } }, 'action.workflowType'],
    ['an unknown action key', { ...base, action: { ...base.action, workflowIdReusePolicy: 'REJECT_DUPLICATE' } }, 'action.workflowIdReusePolicy'],
    ['action args that are not an array', { ...base, action: { ...base.action, args: 'x' } }, 'action.args'],
    ['a bad action retry policy', { ...base, action: { ...base.action, retry: { backoffCoefficient: 0.5 } } }, 'action.retry.backoffCoefficient'],
    ['a negative action timeout', { ...base, action: { ...base.action, workflowRunTimeout: -1 } }, 'action.workflowRunTimeout'],
    ['a typed search attribute of the wrong type', { ...base, action: { ...base.action, typedSearchAttributes: [{ key: { name: 'N', type: 'INT' }, value: 'x' }] } }, 'action.typedSearchAttributes.N'],
    ['an unknown priority key', { ...base, action: { ...base.action, priority: { level: 1 } } }, 'action.priority.level'],
    ['a schedule memo that is not an object', { ...base, memo: 'm' }, 'memo'],
  ])('%s', (_label, options, field) => {
    expect(refusedField(options)).toBe(field);
  });

  it.each(['0 12 * * MON-FRI', '30 0 12 * * * 2030', 'CRON_TZ=Asia/Tokyo 0 9 * * *', '@hourly', '@every 90m/15m', '0 3 * * * # nightly'])(
    'the cron line %j is accepted',
    (line) => {
      expect(() => compileScheduleOptions({ ...base, spec: { cronExpressions: [line] } })).not.toThrow();
    },
  );

  it('the message names the field and the unknown key', () => {
    const err = refusal(() => compileScheduleOptions({ ...base, spec: { intervals: [{ every: '1h', ofset: '5m' }] } } as never));
    expect(err.message).toBe("spec.intervals[0].ofset is not a schedule option (did you mean 'offset'?)");
    expect(err).toBeInstanceOf(UnknownOptionError);
  });
});

describe('schedule options encoded', () => {
  it('calendar fields left out default to 0 (second, minute, hour) or every value, and * means every value', () => {
    const { spec } = compileScheduleOptions({ ...base, spec: { calendars: [{ dayOfWeek: 'MONDAY', minute: '*' }] } });
    expect(spec.structuredCalendar).toEqual([
      {
        comment: undefined,
        second: [{ start: 0, end: 0, step: 1 }],
        minute: [{ start: 0, end: 59, step: 1 }],
        hour: [{ start: 0, end: 0, step: 1 }],
        dayOfMonth: [{ start: 1, end: 31, step: 1 }],
        month: [{ start: 1, end: 12, step: 1 }],
        year: [],
        dayOfWeek: [{ start: 1, end: 1, step: 1 }],
      },
    ]);
  });

  it('loose ranges become full ranges: { start } ends at start, step defaults to 1', () => {
    const { spec } = compileScheduleOptions({ ...base, spec: { calendars: [{ hour: [{ start: 8 }, { start: 10, end: 20, step: 5 }], month: { start: 'MARCH', end: 'MAY' } }] } });
    expect(spec.structuredCalendar?.[0]).toMatchObject({
      hour: [
        { start: 8, end: 8, step: 1 },
        { start: 10, end: 20, step: 5 },
      ],
      month: [{ start: 3, end: 5, step: 1 }],
    });
  });

  it('the workflow id defaults to <scheduleId>-workflow and a workflow function gives its name', () => {
    async function nightly(): Promise<void> {}
    const { action } = compileScheduleOptions({ ...base, action: { type: 'startWorkflow', workflowType: nightly, taskQueue: 'q' } });
    expect(action).toMatchObject({ workflowType: 'nightly', workflowId: 's-workflow', args: [] });
  });

  it('remainingActions sets limitedActions; no remainingActions means no limit', () => {
    expect(compileScheduleOptions({ ...base, state: { remainingActions: 0 } }).state).toMatchObject({ limitedActions: true });
    expect(compileScheduleOptions({ ...base, state: { note: 'n' } }).state).toMatchObject({ limitedActions: false, notes: 'n' });
  });

  it('a description-shaped object (with info and raw) is accepted as create options', () => {
    expect(() => compileScheduleOptions({ ...base, info: {}, raw: {} } as never)).not.toThrow();
  });
});

describe('the client before the wire', () => {
  let calls: { rpc: string; request: Uint8Array }[];
  let client: Client;

  beforeEach(async () => {
    calls = [];
    const runtime = rpcOnlyRuntime(async (rpc, request) => {
      calls.push({ rpc, request });
      if (rpc === 'CreateSchedule') return temporal.api.workflowservice.v1.CreateScheduleResponse.encode({ conflictToken: new Uint8Array([1]) }).finish();
      throw new Error(`unexpected RPC ${rpc}`);
    });
    client = new Client({ connection: await Connection.connect({ address: 'localhost:1', runtime }) });
  });

  it('create with a bad option rejects before any RPC', async () => {
    await expect(client.schedule.create({ ...base, policies: { overlap: 'NEVER' as never } })).rejects.toThrow(InvalidOptionError);
    expect(calls).toEqual([]);
  });

  it('create sends one CreateSchedule with the encoded schedule, trigger and backfill', async () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const handle = await client.schedule.create({
      ...base,
      action: { ...base.action, args: ['x'] },
      policies: { overlap: 'BUFFER_ALL', catchupWindow: '1m' },
      state: { triggerImmediately: true, backfill: [{ start, end: new Date(start.getTime() + 60_000), overlap: 'ALLOW_ALL' }] },
    });
    expect(handle.scheduleId).toBe('s');
    expect(calls.map((c) => c.rpc)).toEqual(['CreateSchedule']);
    const req = temporal.api.workflowservice.v1.CreateScheduleRequest.decode(calls[0].request);
    const { ScheduleOverlapPolicy } = temporal.api.enums.v1;
    expect(req.scheduleId).toBe('s');
    expect(req.schedule?.policies?.overlapPolicy).toBe(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL);
    expect(Number(req.schedule?.policies?.catchupWindow?.seconds)).toBe(60);
    expect(req.schedule?.action?.startWorkflow?.workflowId).toBe('s-workflow');
    expect(req.schedule?.action?.startWorkflow?.input?.payloads).toHaveLength(1);
    expect(req.initialPatch?.triggerImmediately?.overlapPolicy).toBe(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL);
    expect(req.initialPatch?.backfillRequest?.[0]?.overlapPolicy).toBe(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL);
  });

  it('a create interceptor runs before the RPC and its headers are sent', async () => {
    const seen: string[] = [];
    const intercepted = new Client({
      connection: client.connection,
      interceptors: {
        schedule: [
          {
            create: (input, next) => {
              seen.push(input.options.scheduleId);
              return next({ ...input, headers: { tenant: client.dataConverter.payloadConverter.toPayload('blue') } });
            },
          },
        ],
      },
    });
    await intercepted.schedule.create(base);
    expect(seen).toEqual(['s']);
    const req = temporal.api.workflowservice.v1.CreateScheduleRequest.decode(calls[0].request);
    const header = req.schedule?.action?.startWorkflow?.header?.fields?.tenant;
    expect(header && client.dataConverter.payloadConverter.fromPayload(header)).toBe('blue');
  });

  it('list, getHandle, backfill and pause refuse bad input before any RPC', async () => {
    expect(() => client.schedule.list({ pageSize: 0 })).toThrow(InvalidOptionError);
    expect(() => client.schedule.list({ filter: 'x' } as never)).toThrow(/filter/);
    expect(() => client.schedule.getHandle('')).toThrow(/scheduleId/);
    await expect(client.schedule.getHandle('s').backfill([])).rejects.toThrow(/backfill/);
    await expect(client.schedule.getHandle('s').backfill({ start: new Date(1000), end: new Date(0) })).rejects.toThrow(/backfill\.end/);
    await expect(client.schedule.getHandle('s').trigger('SOMETIMES' as never)).rejects.toThrow(/overlap/);
    await expect(client.schedule.getHandle('s').pause(5 as never)).rejects.toThrow(/note/);
    expect(calls).toEqual([]);
  });
});

describe('types (checked by npm run typecheck)', () => {
  it('a description can be given back to create, and returned from an update function', () => {
    const described = { scheduleId: 's' } as ScheduleDescription;
    const asCreate: ScheduleOptions = { ...described, scheduleId: 'copy' };
    const asUpdate: ScheduleUpdateOptions = described;
    expect(asCreate.scheduleId).toBe('copy');
    expect(asUpdate).toBe(described);
  });

  it('action args are typed after the workflow function', () => {
    async function typed(_count: number): Promise<void> {}
    const ok: ScheduleOptionsStartWorkflowAction<typeof typed> = { type: 'startWorkflow', workflowType: typed, taskQueue: 'q', args: [1] };
    // @ts-expect-error the args must match the workflow's parameters
    const bad: ScheduleOptionsStartWorkflowAction<typeof typed> = { type: 'startWorkflow', workflowType: typed, taskQueue: 'q', args: ['one'] };
    expect([ok.args, bad.args]).toEqual([[1], ['one']]);
  });
});
