/**
 * Schedule options: checked field by field before any RPC (every problem is an `InvalidOptionError`
 * naming the field, unknown keys included), translated to `temporal.api.schedule.v1` messages, and
 * the server's messages translated back to the user-facing shapes of `schedule-types.ts`.
 */
import Long from 'long';
import { temporal } from '@temporalio/proto';
import { int64ToNumber, msToTimestamp, optionalDurationToMs, optionalTimestampToDate, timestampToMs } from '../common/time';
import type { LoadedDataConverter, Payload } from '../converter/types';
import { checkOptionKeys } from '../common/options-validation';
import { optionalDuration } from './duration';
import { scheduleOverlapPolicy } from './enums';
import { InvalidOptionError, MalformedResponseError } from './errors';
import { compileRetryPolicy, decompileRetryPolicy } from './retry-policy';
import {
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  encodeSearchAttributes,
  type SearchAttributes,
  type TypedSearchAttributesInput,
} from './search-attributes';
import {
  DAYS_OF_WEEK,
  MONTHS,
  type Backfill,
  type CalendarSpec,
  type CalendarSpecDescription,
  type Range,
  type ScheduleDescriptionAction,
  type ScheduleExecutionResult,
  type ScheduleExecutionStartWorkflowActionResult,
  type ScheduleOptions,
  type ScheduleOptionsAction,
  type SchedulePolicies,
  type SchedulePriority,
  type ScheduleSpec,
  type ScheduleSpecDescription,
  type ScheduleState,
  type ScheduleUpdateOptions,
} from './schedule-types';
import { workflowTypeName } from './workflow-options';

type IRange = temporal.api.schedule.v1.IRange;

/** Keys a description carries besides the definition; accepted (and ignored) where a description may be passed back. */
const DESCRIPTION_ONLY_KEYS = ['info', 'raw'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) throw new InvalidOptionError(field, `must be an object, got ${describe(value)}`);
  return value;
}

/**
 * Refuses keys outside `allowed` with the SDK's one rule (`UnknownOptionError` naming the key and
 * the nearest known one); `undefined` values count as absent.
 */
function refuseUnknownKeys(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  checkOptionKeys(value, { kind: 'schedule option', supported: allowed }, field);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function optionalString(value: unknown, field: string, nonEmpty = false): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    throw new InvalidOptionError(field, `must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${describe(value)}`);
  }
  return value;
}

function requireString(value: unknown, field: string): string {
  if (value === undefined) throw new InvalidOptionError(field, 'is required');
  return optionalString(value, field, true) as string;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InvalidOptionError(field, `must be a boolean, got ${describe(value)}`);
  return value;
}

function optionalDate(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidOptionError(field, `must be a valid Date, got ${value instanceof Date ? 'an invalid Date' : describe(value)}`);
  }
  return value;
}

function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidOptionError(field, `must be an array, got ${describe(value)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Calendars

interface CalendarField<Unit> {
  name: keyof Omit<CalendarSpec, 'comment'>;
  toNumber(value: unknown): number | undefined;
  fromNumber(value: number): Unit | undefined;
  /** What an absent field means. */
  absent: IRange[];
  /** What `'*'` means. */
  all: IRange[];
  expected: string;
}

function intIn(min: number, max: number) {
  return (value: unknown) => (Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? (value as number) : undefined);
}

const CALENDAR_FIELDS: CalendarField<unknown>[] = [
  { name: 'second', toNumber: intIn(0, 59), fromNumber: (n) => n, absent: [{ start: 0, end: 0, step: 1 }], all: [{ start: 0, end: 59, step: 1 }], expected: 'an integer 0–59' },
  { name: 'minute', toNumber: intIn(0, 59), fromNumber: (n) => n, absent: [{ start: 0, end: 0, step: 1 }], all: [{ start: 0, end: 59, step: 1 }], expected: 'an integer 0–59' },
  { name: 'hour', toNumber: intIn(0, 23), fromNumber: (n) => n, absent: [{ start: 0, end: 0, step: 1 }], all: [{ start: 0, end: 23, step: 1 }], expected: 'an integer 0–23' },
  { name: 'dayOfMonth', toNumber: intIn(1, 31), fromNumber: (n) => n, absent: [{ start: 1, end: 31, step: 1 }], all: [{ start: 1, end: 31, step: 1 }], expected: 'an integer 1–31' },
  {
    name: 'month',
    toNumber: (v) => {
      const i = MONTHS.indexOf(v as never);
      return i < 0 ? undefined : i + 1;
    },
    fromNumber: (n) => MONTHS[n - 1],
    absent: [{ start: 1, end: 12, step: 1 }],
    all: [{ start: 1, end: 12, step: 1 }],
    expected: `a month name (${MONTHS[0]} ... ${MONTHS[11]})`,
  },
  // No year ranges at all means every year.
  { name: 'year', toNumber: intIn(1970, 9999), fromNumber: (n) => n, absent: [], all: [], expected: 'a full year (1970–9999)' },
  {
    name: 'dayOfWeek',
    toNumber: (v) => {
      const i = DAYS_OF_WEEK.indexOf(v as never);
      return i < 0 ? undefined : i;
    },
    fromNumber: (n) => DAYS_OF_WEEK[n],
    absent: [{ start: 0, end: 6, step: 1 }],
    all: [{ start: 0, end: 6, step: 1 }],
    expected: `a day name (${DAYS_OF_WEEK.join(', ')})`,
  },
];

function compileRange(item: unknown, def: CalendarField<unknown>, field: string): IRange {
  if (isObject(item)) {
    refuseUnknownKeys(item, ['start', 'end', 'step'], field);
    const start = def.toNumber(item.start);
    if (start === undefined) throw new InvalidOptionError(`${field}.start`, `must be ${def.expected}, got ${describe(item.start)}`);
    let end = start;
    if (item.end !== undefined) {
      const e = def.toNumber(item.end);
      if (e === undefined) throw new InvalidOptionError(`${field}.end`, `must be ${def.expected}, got ${describe(item.end)}`);
      if (e < start) throw new InvalidOptionError(`${field}.end`, `must not come before start (${describe(item.start)})`);
      end = e;
    }
    let step = 1;
    if (item.step !== undefined) {
      if (!(Number.isInteger(item.step) && (item.step as number) >= 1)) {
        throw new InvalidOptionError(`${field}.step`, `must be a positive integer, got ${describe(item.step)}`);
      }
      step = item.step as number;
    }
    return { start, end, step };
  }
  const value = def.toNumber(item);
  if (value === undefined) throw new InvalidOptionError(field, `must be ${def.expected}, a range { start, end?, step? } or '*', got ${describe(item)}`);
  return { start: value, end: value, step: 1 };
}

function compileCalendar(spec: unknown, field: string): temporal.api.schedule.v1.IStructuredCalendarSpec {
  const cal = requireObject(spec, field);
  refuseUnknownKeys(cal, [...CALENDAR_FIELDS.map((f) => f.name), 'comment'], field);
  const out: Record<string, unknown> = { comment: optionalString(cal.comment, `${field}.comment`) };
  for (const def of CALENDAR_FIELDS) {
    const value = cal[def.name];
    const f = `${field}.${def.name}`;
    if (value === undefined) out[def.name] = def.absent;
    else if (value === '*') out[def.name] = def.all;
    else if (Array.isArray(value)) {
      // An empty year list is how descriptions say "every year"; for other fields it would match nothing.
      if (value.length === 0 && def.name !== 'year') throw new InvalidOptionError(f, "must not be empty (leave it out, or use '*' for every value)");
      out[def.name] = value.map((item, i) => compileRange(item, def, `${f}[${i}]`));
    } else out[def.name] = [compileRange(value, def, f)];
  }
  return out as temporal.api.schedule.v1.IStructuredCalendarSpec;
}

function decodeRanges<Unit>(ranges: IRange[] | null | undefined, def: CalendarField<Unit>): Range<Unit>[] {
  return (ranges ?? []).map((r) => {
    const startNum = r.start ?? 0;
    const endNum = (r.end ?? 0) > startNum ? (r.end as number) : startNum;
    const start = def.fromNumber(startNum);
    const end = def.fromNumber(endNum);
    if (start === undefined || end === undefined) {
      throw new MalformedResponseError('DescribeSchedule', `a calendar ${def.name} range out of bounds: ${startNum}-${endNum}`);
    }
    return { start, end, step: (r.step ?? 0) > 0 ? (r.step as number) : 1 };
  });
}

function decodeCalendars(specs: temporal.api.schedule.v1.IStructuredCalendarSpec[] | null | undefined): CalendarSpecDescription[] {
  return (specs ?? []).map((pb) => {
    const out: Record<string, unknown> = {};
    for (const def of CALENDAR_FIELDS) out[def.name] = decodeRanges(pb[def.name], def);
    if (pb.comment) out.comment = pb.comment;
    return out as unknown as CalendarSpecDescription;
  });
}

// ---------------------------------------------------------------------------------------------
// Spec, policies, state

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/**
 * The shape of a cron line (the server parses the values): an optional `CRON_TZ=`/`TZ=` zone, then a
 * macro, `@every <interval>[/<phase>]` or 5 to 7 fields, then an optional `# comment`.
 */
function checkCronLine(line: unknown, field: string): string {
  if (typeof line !== 'string' || line.trim() === '') throw new InvalidOptionError(field, `must be a non-empty cron string, got ${describe(line)}`);
  let rest = line.trim();
  const zone = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(rest);
  if (zone) {
    if (!isKnownTimeZone(zone[1])) throw new InvalidOptionError(field, `names an unknown time zone: '${zone[1]}'`);
    rest = zone[2];
  }
  rest = rest.replace(/#.*$/, '').trim();
  if (rest.startsWith('@')) {
    if (CRON_MACROS.includes(rest.toLowerCase()) || /^@every\s+\S+$/.test(rest)) return line;
    throw new InvalidOptionError(field, `has an unknown macro '${rest}' (known: ${CRON_MACROS.join(', ')}, @every <interval>[/<phase>])`);
  }
  const fields = rest.split(/\s+/).filter(Boolean).length;
  if (fields < 5 || fields > 7) {
    throw new InvalidOptionError(field, `must have 5 to 7 fields (minute hour day-of-month month day-of-week [year], or second first), got ${fields}: '${line}'`);
  }
  return line;
}

const SPEC_KEYS = ['calendars', 'intervals', 'cronExpressions', 'skip', 'startAt', 'endAt', 'jitter', 'timezone'];

/**
 * Checks and encodes a spec. Refuses bad fields by name. An empty spec is allowed, as on the server:
 * such a schedule takes no action by itself, only when triggered or backfilled.
 *
 * @example
 * ```ts
 * compileScheduleSpec({ intervals: [{ every: 0 }] }, 'spec'); // InvalidOptionError: spec.intervals[0].every must be at least 1 second
 * ```
 */
export function compileScheduleSpec(spec: ScheduleSpec, field = 'spec'): temporal.api.schedule.v1.IScheduleSpec {
  const s = requireObject(spec, field);
  refuseUnknownKeys(s, SPEC_KEYS, field);
  const calendars = optionalArray(s.calendars, `${field}.calendars`);
  const intervals = optionalArray(s.intervals, `${field}.intervals`);
  const crons = optionalArray(s.cronExpressions, `${field}.cronExpressions`);
  const skip = optionalArray(s.skip, `${field}.skip`);
  const startAt = optionalDate(s.startAt, `${field}.startAt`);
  const endAt = optionalDate(s.endAt, `${field}.endAt`);
  if (startAt && endAt && endAt.getTime() < startAt.getTime()) {
    throw new InvalidOptionError(`${field}.endAt`, 'must not come before startAt');
  }
  const timezone = optionalString(s.timezone, `${field}.timezone`);
  if (timezone && !isKnownTimeZone(timezone)) {
    throw new InvalidOptionError(`${field}.timezone`, `is not a known IANA time zone: '${timezone}'`);
  }
  const cronString = crons?.map((line, i) => checkCronLine(line, `${field}.cronExpressions[${i}]`));
  const interval = intervals?.map((item, i) => {
    const f = `${field}.intervals[${i}]`;
    const iv = requireObject(item, f);
    refuseUnknownKeys(iv, ['every', 'offset'], f);
    if (iv.every === undefined) throw new InvalidOptionError(`${f}.every`, 'is required');
    const every = optionalDuration(iv.every as never, `${f}.every`)!;
    if (optionalDurationToMs(every)! < 1000) throw new InvalidOptionError(`${f}.every`, 'must be at least 1 second');
    const phase = optionalDuration(iv.offset as never, `${f}.offset`);
    if (phase && optionalDurationToMs(phase)! > optionalDurationToMs(every)!) {
      throw new InvalidOptionError(`${f}.offset`, 'must not be greater than every');
    }
    return { interval: every, phase };
  });
  return {
    structuredCalendar: calendars?.map((c, i) => compileCalendar(c, `${field}.calendars[${i}]`)),
    interval,
    cronString,
    excludeStructuredCalendar: skip?.map((c, i) => compileCalendar(c, `${field}.skip[${i}]`)),
    startTime: startAt && msToTimestamp(startAt),
    endTime: endAt && msToTimestamp(endAt),
    jitter: optionalDuration(s.jitter as never, `${field}.jitter`),
    timezoneName: timezone,
  };
}

/** The reverse of {@link compileScheduleSpec}, on the spec the server compiled. */
export function decodeScheduleSpec(pb: temporal.api.schedule.v1.IScheduleSpec | null | undefined): ScheduleSpecDescription {
  const spec: ScheduleSpecDescription = {
    calendars: decodeCalendars(pb?.structuredCalendar),
    intervals: (pb?.interval ?? []).map((iv) => ({
      every: optionalDurationToMs(iv.interval) ?? 0,
      offset: optionalDurationToMs(iv.phase) ?? 0,
    })),
    skip: decodeCalendars(pb?.excludeStructuredCalendar),
    startAt: optionalTimestampToDate(pb?.startTime),
    endAt: optionalTimestampToDate(pb?.endTime),
    jitter: optionalDurationToMs(pb?.jitter),
    timezone: pb?.timezoneName || undefined,
  };
  if (pb?.cronString?.length) spec.cronExpressions = [...pb.cronString];
  return spec;
}

/**
 * Checks and encodes the policies.
 *
 * @example
 * ```ts
 * compileSchedulePolicies({ overlap: 'BUFFER_ALL', catchupWindow: '5m' });
 * ```
 */
export function compileSchedulePolicies(policies: SchedulePolicies | undefined, field = 'policies'): temporal.api.schedule.v1.ISchedulePolicies {
  if (policies === undefined) return {};
  const p = requireObject(policies, field);
  refuseUnknownKeys(p, ['overlap', 'catchupWindow', 'pauseOnFailure'], field);
  // The server raises a window under 10 s to 10 s.
  const catchupWindow = optionalDuration(p.catchupWindow as never, `${field}.catchupWindow`);
  return {
    overlapPolicy: p.overlap === undefined ? undefined : scheduleOverlapPolicy.encode(p.overlap as string, `${field}.overlap`),
    catchupWindow,
    pauseOnFailure: optionalBoolean(p.pauseOnFailure, `${field}.pauseOnFailure`),
  };
}

function compileRemainingActions(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isSafeInteger(value) && (value as number) >= 0)) {
    throw new InvalidOptionError(field, `must be a non-negative integer, got ${describe(value)}`);
  }
  return value as number;
}

/**
 * Checks and encodes the state (`triggerImmediately` and `backfill` are create-only and handled by
 * the caller).
 */
export function compileScheduleState(state: ScheduleState | undefined, field: string, extraKeys: string[] = []): temporal.api.schedule.v1.IScheduleState {
  if (state === undefined) return {};
  const s = requireObject(state, field);
  refuseUnknownKeys(s, ['paused', 'note', 'remainingActions', ...extraKeys], field);
  const remaining = compileRemainingActions(s.remainingActions, `${field}.remainingActions`);
  return {
    paused: optionalBoolean(s.paused, `${field}.paused`),
    notes: optionalString(s.note, `${field}.note`),
    limitedActions: remaining !== undefined,
    remainingActions: remaining === undefined ? undefined : Long.fromNumber(remaining),
  };
}

/**
 * Checks and encodes backfill requests.
 *
 * @example
 * ```ts
 * compileBackfills([{ start, end, overlap: 'ALLOW_ALL' }], 'backfill');
 * ```
 */
export function compileBackfills(backfills: Backfill | Backfill[], field: string): temporal.api.schedule.v1.IBackfillRequest[] {
  const list = Array.isArray(backfills) ? backfills : [backfills];
  if (list.length === 0) throw new InvalidOptionError(field, 'must name at least one time range');
  return list.map((item, i) => {
    const f = Array.isArray(backfills) ? `${field}[${i}]` : field;
    const b = requireObject(item, f);
    refuseUnknownKeys(b, ['start', 'end', 'overlap'], f);
    if (b.start === undefined) throw new InvalidOptionError(`${f}.start`, 'is required');
    if (b.end === undefined) throw new InvalidOptionError(`${f}.end`, 'is required');
    const start = optionalDate(b.start, `${f}.start`)!;
    const end = optionalDate(b.end, `${f}.end`)!;
    if (end.getTime() < start.getTime()) throw new InvalidOptionError(`${f}.end`, 'must not come before start');
    return {
      startTime: msToTimestamp(start),
      endTime: msToTimestamp(end),
      overlapPolicy: b.overlap === undefined ? undefined : scheduleOverlapPolicy.encode(b.overlap as string, `${f}.overlap`),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Action

const ACTION_KEYS = [
  'type',
  'workflowType',
  'taskQueue',
  'args',
  'workflowId',
  'memo',
  'searchAttributes',
  'typedSearchAttributes',
  'retry',
  'workflowExecutionTimeout',
  'workflowRunTimeout',
  'workflowTaskTimeout',
  'staticSummary',
  'staticDetails',
  'priority',
];

/**
 * An action whose every field was checked (workflow type resolved to its name, workflow id filled
 * in); encoding it needs only the data converter. Create interceptors see it as `input.options.action`.
 *
 * @example
 * ```ts
 * create: (input, next) => (console.log(input.options.action.workflowType, input.options.action.workflowId), next(input))
 * ```
 */
export interface CompiledScheduleAction {
  type: 'startWorkflow';
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  memo?: Record<string, unknown>;
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: TypedSearchAttributesInput;
  retry?: ScheduleOptionsAction['retry'];
  workflowExecutionTimeout?: ScheduleOptionsAction['workflowExecutionTimeout'];
  workflowRunTimeout?: ScheduleOptionsAction['workflowRunTimeout'];
  workflowTaskTimeout?: ScheduleOptionsAction['workflowTaskTimeout'];
  staticSummary?: string;
  staticDetails?: string;
  priority?: SchedulePriority;
}

/** Checks a `priority` option (of a schedule action or a workflow start) and translates it. */
export function compilePriority(value: unknown, field: string): temporal.api.common.v1.IPriority | undefined {
  if (value === undefined) return undefined;
  const p = requireObject(value, field);
  refuseUnknownKeys(p, ['priorityKey', 'fairnessKey', 'fairnessWeight'], field);
  if (p.priorityKey !== undefined && !(Number.isInteger(p.priorityKey) && (p.priorityKey as number) >= 0)) {
    throw new InvalidOptionError(`${field}.priorityKey`, `must be a non-negative integer, got ${describe(p.priorityKey)}`);
  }
  if (p.fairnessWeight !== undefined && !(typeof p.fairnessWeight === 'number' && p.fairnessWeight > 0)) {
    throw new InvalidOptionError(`${field}.fairnessWeight`, `must be a positive number, got ${describe(p.fairnessWeight)}`);
  }
  return {
    priorityKey: p.priorityKey as number | undefined,
    fairnessKey: optionalString(p.fairnessKey, `${field}.fairnessKey`),
    fairnessWeight: p.fairnessWeight as number | undefined,
  };
}

/** Checks the action (and that it encodes), filling in the default workflow id. */
export function compileScheduleAction(action: ScheduleOptionsAction, scheduleId: string, field = 'action'): CompiledScheduleAction {
  const a = requireObject(action, field);
  refuseUnknownKeys(a, ACTION_KEYS, field);
  if (a.type !== 'startWorkflow') throw new InvalidOptionError(`${field}.type`, `must be 'startWorkflow', got ${describe(a.type)}`);
  let workflowType: string;
  try {
    workflowType = workflowTypeName(a.workflowType as string);
  } catch {
    throw new InvalidOptionError(`${field}.workflowType`, 'must be a non-empty string or a named workflow function');
  }
  const compiled: CompiledScheduleAction = {
    ...(a as unknown as CompiledScheduleAction),
    type: 'startWorkflow',
    workflowType,
    taskQueue: requireString(a.taskQueue, `${field}.taskQueue`),
    workflowId: optionalString(a.workflowId, `${field}.workflowId`, true) ?? `${scheduleId}-workflow`,
    args: [...(optionalArray(a.args, `${field}.args`) ?? [])],
    staticSummary: optionalString(a.staticSummary, `${field}.staticSummary`),
    staticDetails: optionalString(a.staticDetails, `${field}.staticDetails`),
  };
  if (a.memo !== undefined) requireObject(a.memo, `${field}.memo`);
  // Everything that can be checked without the data converter is checked now, by encoding it.
  encodeActionFields(compiled, field);
  return compiled;
}

function encodeActionFields(action: CompiledScheduleAction, field: string) {
  let indexedFields: Record<string, Payload> | undefined;
  try {
    indexedFields = encodeSearchAttributes(action.searchAttributes, action.typedSearchAttributes);
  } catch (err) {
    if (err instanceof InvalidOptionError) throw new InvalidOptionError(`${field}.${err.field}`, err.message.slice(err.field.length + 1));
    throw err;
  }
  return {
    indexedFields,
    retryPolicy: action.retry === undefined ? undefined : compileRetryPolicy(action.retry, `${field}.retry`),
    workflowExecutionTimeout: optionalDuration(action.workflowExecutionTimeout, `${field}.workflowExecutionTimeout`),
    workflowRunTimeout: optionalDuration(action.workflowRunTimeout, `${field}.workflowRunTimeout`),
    workflowTaskTimeout: optionalDuration(action.workflowTaskTimeout, `${field}.workflowTaskTimeout`),
    priority: compilePriority(action.priority, `${field}.priority`),
  };
}

/** Encodes a compiled action; args, memo and metadata go through the data converter. */
export async function encodeScheduleAction(
  action: CompiledScheduleAction,
  headers: Record<string, Payload>,
  dataConverter: LoadedDataConverter,
): Promise<temporal.api.schedule.v1.IScheduleAction> {
  const fields = encodeActionFields(action, 'action');
  const memo = await dataConverter.encodeMap(action.memo);
  const summary = action.staticSummary === undefined ? undefined : await dataConverter.encodeOne(action.staticSummary);
  const details = action.staticDetails === undefined ? undefined : await dataConverter.encodeOne(action.staticDetails);
  return {
    startWorkflow: {
      workflowId: action.workflowId,
      workflowType: { name: action.workflowType },
      taskQueue: { name: action.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: { payloads: await dataConverter.encode(action.args) },
      workflowExecutionTimeout: fields.workflowExecutionTimeout,
      workflowRunTimeout: fields.workflowRunTimeout,
      workflowTaskTimeout: fields.workflowTaskTimeout,
      retryPolicy: fields.retryPolicy,
      memo: memo === undefined ? undefined : { fields: memo },
      searchAttributes: fields.indexedFields === undefined ? undefined : { indexedFields: fields.indexedFields },
      header: { fields: headers },
      userMetadata: summary || details ? { summary, details } : undefined,
      priority: fields.priority,
    },
  };
}

/** The retry policy with the fields the server left unset (zero) left out, so it can be sent back. */
function decodeRetry(pb: temporal.api.common.v1.IRetryPolicy | null | undefined): ScheduleDescriptionAction['retry'] {
  const retry = decompileRetryPolicy(pb);
  if (!retry) return undefined;
  const out: NonNullable<ScheduleDescriptionAction['retry']> = {};
  if (retry.initialInterval) out.initialInterval = retry.initialInterval;
  if (retry.backoffCoefficient) out.backoffCoefficient = retry.backoffCoefficient;
  if (retry.maximumInterval) out.maximumInterval = retry.maximumInterval;
  if (retry.maximumAttempts) out.maximumAttempts = retry.maximumAttempts;
  if (retry.nonRetryableErrorTypes?.length) out.nonRetryableErrorTypes = retry.nonRetryableErrorTypes;
  return out;
}

/** The action as `describe()` reports it. */
export async function decodeScheduleAction(
  pb: temporal.api.schedule.v1.IScheduleAction | null | undefined,
  dataConverter: LoadedDataConverter,
): Promise<ScheduleDescriptionAction> {
  const wf = pb?.startWorkflow;
  if (!wf) throw new MalformedResponseError('DescribeSchedule', 'a schedule action other than startWorkflow, which this SDK does not know');
  const priority = wf.priority;
  const action: ScheduleDescriptionAction = {
    type: 'startWorkflow',
    workflowType: wf.workflowType?.name ?? '',
    workflowId: wf.workflowId ?? '',
    taskQueue: wf.taskQueue?.name ?? '',
    args: await dataConverter.decode(wf.input?.payloads),
    memo: await dataConverter.decodeMap(wf.memo?.fields),
    searchAttributes: decodeSearchAttributes(wf.searchAttributes?.indexedFields),
    typedSearchAttributes: decodeTypedSearchAttributes(wf.searchAttributes?.indexedFields),
    retry: decodeRetry(wf.retryPolicy),
    workflowExecutionTimeout: optionalDurationToMs(wf.workflowExecutionTimeout),
    workflowRunTimeout: optionalDurationToMs(wf.workflowRunTimeout),
    workflowTaskTimeout: optionalDurationToMs(wf.workflowTaskTimeout),
  };
  if (wf.userMetadata?.summary) action.staticSummary = await dataConverter.decodeOne<string>(wf.userMetadata.summary);
  if (wf.userMetadata?.details) action.staticDetails = await dataConverter.decodeOne<string>(wf.userMetadata.details);
  if (priority && (priority.priorityKey || priority.fairnessKey || priority.fairnessWeight)) {
    action.priority = {
      priorityKey: priority.priorityKey || undefined,
      fairnessKey: priority.fairnessKey || undefined,
      fairnessWeight: priority.fairnessWeight || undefined,
    };
  }
  return action;
}

// ---------------------------------------------------------------------------------------------
// Whole options

/**
 * `create` options after checking, as create interceptors see them: spec, policies and state already
 * in wire form; the action, memo and args still plain values (the data converter runs after the
 * interceptors).
 *
 * @example
 * ```ts
 * create: (input, next) => next({ ...input, options: { ...input.options, memo: { ...input.options.memo, createdBy: 'ci' } } })
 * ```
 */
export interface CompiledScheduleOptions {
  scheduleId: string;
  spec: temporal.api.schedule.v1.IScheduleSpec;
  action: CompiledScheduleAction;
  policies: temporal.api.schedule.v1.ISchedulePolicies;
  state: temporal.api.schedule.v1.IScheduleState;
  memo?: Record<string, unknown>;
  searchAttributes?: Record<string, Payload>;
  triggerImmediately: boolean;
  backfill: temporal.api.schedule.v1.IBackfillRequest[];
}

const CREATE_KEYS = ['scheduleId', 'spec', 'action', 'policies', 'memo', 'searchAttributes', 'typedSearchAttributes', 'state', ...DESCRIPTION_ONLY_KEYS];
const UPDATE_KEYS = ['spec', 'action', 'policies', 'memo', 'searchAttributes', 'typedSearchAttributes', 'state', 'scheduleId', ...DESCRIPTION_ONLY_KEYS];

function scheduleSearchAttributes(o: Record<string, unknown>): Record<string, Payload> | undefined {
  return encodeSearchAttributes(o.searchAttributes as SearchAttributes | undefined, o.typedSearchAttributes as TypedSearchAttributesInput | undefined);
}

/**
 * Checks every `create` option; throws `InvalidOptionError` naming the first bad (or unknown) field.
 *
 * @example
 * ```ts
 * compileScheduleOptions({ scheduleId: 's', spec: { intervals: [{ every: 0 }] }, action }); // InvalidOptionError: spec.intervals[0].every must be at least 1 second
 * ```
 */
export function compileScheduleOptions(options: ScheduleOptions): CompiledScheduleOptions {
  const o = requireObject(options, 'options');
  refuseUnknownKeys(o, CREATE_KEYS, '');
  const scheduleId = requireString(o.scheduleId, 'scheduleId');
  if (o.spec === undefined) throw new InvalidOptionError('spec', 'is required');
  if (o.action === undefined) throw new InvalidOptionError('action', 'is required');
  if (o.memo !== undefined) requireObject(o.memo, 'memo');
  const stateIn = o.state === undefined ? undefined : requireObject(o.state, 'state');
  return {
    scheduleId,
    spec: compileScheduleSpec(o.spec as ScheduleSpec, 'spec'),
    action: compileScheduleAction(o.action as ScheduleOptionsAction, scheduleId, 'action'),
    policies: compileSchedulePolicies(o.policies as SchedulePolicies | undefined, 'policies'),
    state: compileScheduleState(stateIn as ScheduleState | undefined, 'state', ['triggerImmediately', 'backfill']),
    memo: o.memo as Record<string, unknown> | undefined,
    searchAttributes: scheduleSearchAttributes(o),
    triggerImmediately: optionalBoolean(stateIn?.triggerImmediately, 'state.triggerImmediately') ?? false,
    backfill: stateIn?.backfill === undefined ? [] : compileBackfills(stateIn.backfill as Backfill[], 'state.backfill'),
  };
}

/** `update` options after checking. */
export interface CompiledScheduleUpdateOptions {
  spec: temporal.api.schedule.v1.IScheduleSpec;
  action: CompiledScheduleAction;
  policies: temporal.api.schedule.v1.ISchedulePolicies;
  state: temporal.api.schedule.v1.IScheduleState;
  memo?: Record<string, unknown>;
  searchAttributes?: Record<string, Payload>;
}

/** Checks what an `update` function returned. Field names in errors are those of the returned object. */
export function compileScheduleUpdateOptions(scheduleId: string, options: ScheduleUpdateOptions): CompiledScheduleUpdateOptions {
  const o = requireObject(options, 'update result');
  refuseUnknownKeys(o, UPDATE_KEYS, '');
  if (o.scheduleId !== undefined && o.scheduleId !== scheduleId) {
    throw new InvalidOptionError('scheduleId', `cannot be changed by update (the handle's schedule is '${scheduleId}')`);
  }
  if (o.spec === undefined) throw new InvalidOptionError('spec', 'is required');
  if (o.action === undefined) throw new InvalidOptionError('action', 'is required');
  if (o.memo !== undefined) requireObject(o.memo, 'memo');
  return {
    spec: compileScheduleSpec(o.spec as ScheduleSpec, 'spec'),
    action: compileScheduleAction(o.action as ScheduleOptionsAction, scheduleId, 'action'),
    policies: compileSchedulePolicies(o.policies as SchedulePolicies | undefined, 'policies'),
    state: compileScheduleState(o.state as ScheduleState | undefined, 'state'),
    memo: o.memo as Record<string, unknown> | undefined,
    searchAttributes: scheduleSearchAttributes(o),
  };
}

// ---------------------------------------------------------------------------------------------
// Info

/** Recent actions as `describe()`/`list()` report them. */
export function decodeRecentActions(pb: temporal.api.schedule.v1.IScheduleActionResult[] | null | undefined): ScheduleExecutionResult[] {
  return (pb ?? []).map((r) => ({
    scheduledAt: new Date(timestampToMs(r.scheduleTime ?? {})),
    takenAt: new Date(timestampToMs(r.actualTime ?? {})),
    action: {
      type: 'startWorkflow',
      workflow: { workflowId: r.startWorkflowResult?.workflowId ?? '', firstExecutionRunId: r.startWorkflowResult?.runId ?? '' },
    },
  }));
}

/** Running workflows as `describe()` reports them. */
export function decodeRunningActions(pb: temporal.api.common.v1.IWorkflowExecution[] | null | undefined): ScheduleExecutionStartWorkflowActionResult[] {
  return (pb ?? []).map((e) => ({ type: 'startWorkflow', workflow: { workflowId: e.workflowId ?? '', firstExecutionRunId: e.runId ?? '' } }));
}

/** Reads an int64 counter of `ScheduleInfo`. */
export function counter(value: Long | number | null | undefined): number {
  return value === null || value === undefined ? 0 : int64ToNumber(value);
}

