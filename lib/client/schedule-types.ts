/**
 * The user-facing shapes of schedules, named and structured as in the official `@temporalio/client`
 * so that schedule code ports by changing the import. What users write (`ScheduleOptions`,
 * `ScheduleSpec`, `CalendarSpec` with loose ranges) is separate from what `describe()` and `list()`
 * return (`ScheduleDescription`, `ScheduleSpecDescription`, `CalendarSpecDescription` with every range
 * spelled out); a description can be given back to `create` or returned from `update`'s function.
 */
import type { Workflow } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Duration } from './duration';
import type { RetryPolicy } from './retry-policy';
import type { SearchAttributes, TypedSearchAttributes, TypedSearchAttributesInput } from './search-attributes';

/**
 * What a schedule does when an action is due while an earlier one is still running.
 *
 * - `SKIP` (the server's default): do not start the new action.
 * - `BUFFER_ONE`: start it once the running one closes; at most one waits.
 * - `BUFFER_ALL`: start every due action, one after the other.
 * - `CANCEL_OTHER`: cancel the running one, start the new one once it closed.
 * - `TERMINATE_OTHER`: terminate the running one and start the new one at once.
 * - `ALLOW_ALL`: start it right away, alongside the running ones.
 *
 * @example
 * ```ts
 * await client.schedule.create({ ...options, policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE } });
 * await handle.trigger('TERMINATE_OTHER');
 * ```
 */
export const ScheduleOverlapPolicy = {
  SKIP: 'SKIP',
  BUFFER_ONE: 'BUFFER_ONE',
  BUFFER_ALL: 'BUFFER_ALL',
  CANCEL_OTHER: 'CANCEL_OTHER',
  TERMINATE_OTHER: 'TERMINATE_OTHER',
  ALLOW_ALL: 'ALLOW_ALL',
} as const;
/**
 * One of the six overlap policy names (see the constant of the same name).
 *
 * @example
 * ```ts
 * const overlap: ScheduleOverlapPolicy = 'BUFFER_ALL';
 * ```
 */
export type ScheduleOverlapPolicy = (typeof ScheduleOverlapPolicy)[keyof typeof ScheduleOverlapPolicy];

/**
 * Month names, in calendar order, as calendar specs use them.
 *
 * @example
 * ```ts
 * const quarterStarts: Month[] = ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'];
 * ```
 */
export const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;
/**
 * A month name, `'JANUARY'` to `'DECEMBER'`.
 *
 * @example
 * ```ts
 * const month: Month = 'MARCH';
 * ```
 */
export type Month = (typeof MONTHS)[number];

/**
 * Day names, Sunday first (Sunday is 0 on the wire, as in cron).
 *
 * @example
 * ```ts
 * const weekend: DayOfWeek[] = ['SATURDAY', 'SUNDAY'];
 * ```
 */
export const DAYS_OF_WEEK = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
/**
 * A day name, `'SUNDAY'` to `'SATURDAY'`.
 *
 * @example
 * ```ts
 * const day: DayOfWeek = 'FRIDAY';
 * ```
 */
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

/**
 * An inclusive range of values of one calendar field, taking every `step`-th value from `start`.
 *
 * @example
 * ```ts
 * const everyOtherHourFrom8To18: Range<number> = { start: 8, end: 18, step: 2 }; // 8, 10, ..., 18
 * ```
 */
export interface Range<Unit> {
  start: Unit;
  /** Inclusive; equals `start` for a single value. */
  end: Unit;
  /** At least 1. */
  step: number;
}

/**
 * A {@link Range} as users may write it: a single value, `{ start }`, `{ start, end }` or
 * `{ start, end, step }`.
 *
 * @example
 * ```ts
 * const hours: LooseRange<number>[] = [9, { start: 12, end: 14 }, { start: 16, end: 22, step: 3 }];
 * ```
 */
export type LooseRange<Unit> = Unit | { start: Unit; end?: Unit; step?: number };

/**
 * Calendar times, like a cron line: a second matches when every field matches (day of month *and*
 * day of week). `second`, `minute` and `hour` default to 0; the other fields default to `'*'`.
 *
 * @example
 * ```ts
 * // 09:30 and 17:30 on weekdays, in the spec's time zone
 * const spec: CalendarSpec = {
 *   hour: [9, 17], minute: 30,
 *   dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' },
 *   comment: 'twice a working day',
 * };
 * ```
 */
export interface CalendarSpec {
  /** 0–59. */
  second?: LooseRange<number> | LooseRange<number>[] | '*';
  /** 0–59. */
  minute?: LooseRange<number> | LooseRange<number>[] | '*';
  /** 0–23. */
  hour?: LooseRange<number> | LooseRange<number>[] | '*';
  /** 1–31. */
  dayOfMonth?: LooseRange<number> | LooseRange<number>[] | '*';
  month?: LooseRange<Month> | LooseRange<Month>[] | '*';
  /** Full years, e.g. 2030. */
  year?: LooseRange<number> | LooseRange<number>[] | '*';
  dayOfWeek?: LooseRange<DayOfWeek> | LooseRange<DayOfWeek>[] | '*';
  /** Free text describing the intent; kept by the server. */
  comment?: string;
}

/**
 * A {@link CalendarSpec} as `describe()` returns it: every field a list of full ranges (an empty
 * `year` list means every year).
 *
 * @example
 * ```ts
 * const [cal] = (await handle.describe()).spec.calendars ?? [];
 * console.log(cal.hour); // [{ start: 9, end: 9, step: 1 }, { start: 17, end: 17, step: 1 }]
 * ```
 */
export interface CalendarSpecDescription {
  second: Range<number>[];
  minute: Range<number>[];
  hour: Range<number>[];
  dayOfMonth: Range<number>[];
  month: Range<Month>[];
  year: Range<number>[];
  dayOfWeek: Range<DayOfWeek>[];
  comment?: string;
}

/**
 * Fixed-period times: every instant `epoch + n * every + offset` (both rounded to whole seconds by
 * the server).
 *
 * @example
 * ```ts
 * const at19PastEachHour: IntervalSpec = { every: '1h', offset: '19m' };
 * ```
 */
export interface IntervalSpec {
  /** At least 1 second. */
  every: Duration;
  /** Default 0; not more than `every`. */
  offset?: Duration;
}

/**
 * An {@link IntervalSpec} as `describe()` returns it, in milliseconds.
 *
 * @example
 * ```ts
 * const { every, offset } = (await handle.describe()).spec.intervals![0]; // 3600000, 1140000
 * ```
 */
export interface IntervalSpecDescription {
  every: number;
  offset: number;
}

/**
 * When a schedule acts: the union of `calendars`, `intervals` and `cronExpressions`, minus the
 * `skip` calendars, kept within `[startAt, endAt]`, each time delayed by a random amount up to
 * `jitter`. Calendars and cron lines are read in `timezone` (default UTC).
 *
 * @example
 * ```ts
 * const spec: ScheduleSpec = {
 *   cronExpressions: ['0 12 * * MON-FRI'],
 *   skip: [{ month: 'DECEMBER', dayOfMonth: 25 }],
 *   timezone: 'Europe/Berlin',
 *   jitter: '30s',
 * };
 * ```
 */
export interface ScheduleSpec {
  calendars?: CalendarSpec[];
  intervals?: IntervalSpec[];
  /**
   * Cron lines with 5 (minute hour day-of-month month day-of-week), 6 (+ year) or 7 (second first)
   * fields, or `@hourly`/`@daily`/`@weekly`/`@monthly`/`@yearly`, or `@every 90m[/15m]` (becomes an
   * interval). A `CRON_TZ=<zone>` prefix sets the time zone; a trailing `# text` is a comment. The
   * server turns these into calendars, so `describe()` reports them under `calendars`.
   */
  cronExpressions?: string[];
  /** Times matching any of these calendars (to the second) are left out. */
  skip?: CalendarSpec[];
  startAt?: Date;
  endAt?: Date;
  /** Upper bound of the random delay added to each time. */
  jitter?: Duration;
  /** IANA name, e.g. `'America/New_York'`. Wall-clock times that a DST change skips never match. */
  timezone?: string;
}

/**
 * A {@link ScheduleSpec} as `describe()` and `list()` return it: cron lines already turned into
 * calendars by the server, ranges spelled out, durations in milliseconds.
 *
 * @example
 * ```ts
 * const { calendars, intervals, timezone } = (await handle.describe()).spec;
 * ```
 */
export interface ScheduleSpecDescription {
  calendars?: CalendarSpecDescription[];
  intervals?: IntervalSpecDescription[];
  /** Present only if the server kept some lines uncompiled (it normally does not). */
  cronExpressions?: string[];
  skip?: CalendarSpecDescription[];
  startAt?: Date;
  endAt?: Date;
  /** Milliseconds. */
  jitter?: number;
  timezone?: string;
}

/**
 * Fairness and ordering hints for the started workflows' tasks.
 *
 * @example
 * ```ts
 * const priority: SchedulePriority = { priorityKey: 1, fairnessKey: 'tenant-a' };
 * ```
 */
export interface SchedulePriority {
  /** 1 is the highest; 0 or absent means the server's default. */
  priorityKey?: number;
  fairnessKey?: string;
  fairnessWeight?: number;
}

/**
 * The action of a schedule: start a workflow. Every workflow start option that applies to
 * scheduled starts is here; the workflow id defaults to `<scheduleId>-workflow` (the server appends
 * the scheduled time to it for each run). Headers are added by `create` interceptors.
 *
 * @example
 * ```ts
 * const action: ScheduleOptionsStartWorkflowAction<typeof report> = {
 *   type: 'startWorkflow',
 *   workflowType: report,
 *   taskQueue: 'reports',
 *   args: ['daily'],
 *   workflowRunTimeout: '10 minutes',
 *   retry: { maximumAttempts: 3 },
 *   memo: { owner: 'finance' },
 * };
 * ```
 */
export interface ScheduleOptionsStartWorkflowAction<W extends Workflow = Workflow> {
  type: 'startWorkflow';
  workflowType: string | W;
  taskQueue: string;
  /** Typed after the workflow function when one is given as `workflowType`. */
  args?: Parameters<W> | Readonly<Parameters<W>>;
  /** Default `<scheduleId>-workflow`. */
  workflowId?: string;
  memo?: Record<string, unknown>;
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: TypedSearchAttributesInput;
  retry?: RetryPolicy;
  workflowExecutionTimeout?: Duration;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  /** Single-line summary shown by UIs for each started workflow. */
  staticSummary?: string;
  /** Longer details shown by UIs for each started workflow. */
  staticDetails?: string;
  priority?: SchedulePriority;
}

/**
 * The actions a schedule can take (only starting a workflow, as in the official SDK).
 *
 * @example
 * ```ts
 * const action: ScheduleOptionsAction = { type: 'startWorkflow', workflowType: 'cleanup', taskQueue: 'ops' };
 * ```
 */
export type ScheduleOptionsAction = ScheduleOptionsStartWorkflowAction<Workflow>;

/**
 * A time range for `backfill`: act as if the schedule had run over `[start, end]` now.
 *
 * @example
 * ```ts
 * await handle.backfill({ start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z'), overlap: 'ALLOW_ALL' });
 * ```
 */
export interface Backfill {
  start: Date;
  end: Date;
  /** Overlap policy for this backfill only; default the schedule's own. */
  overlap?: ScheduleOverlapPolicy;
}

/**
 * The policies of a schedule.
 *
 * @example
 * ```ts
 * const policies: SchedulePolicies = { overlap: 'BUFFER_ONE', catchupWindow: '10 minutes', pauseOnFailure: true };
 * ```
 */
export interface SchedulePolicies {
  /** Default `SKIP`. */
  overlap?: ScheduleOverlapPolicy;
  /**
   * After the server was unavailable, how late an action may still be taken. The server's default
   * is one year; it raises anything under 10 seconds to 10 seconds.
   */
  catchupWindow?: Duration;
  /**
   * Pause the schedule when a workflow it started fails or times out. Default false. The real
   * server notices the failure when it next works on the schedule (its next due action), so a
   * schedule whose next action is far away pauses only then.
   */
  pauseOnFailure?: boolean;
}

/**
 * The state a schedule is created (or updated) with.
 *
 * @example
 * ```ts
 * const state: ScheduleState = { paused: true, note: 'waiting for launch', remainingActions: 10 };
 * ```
 */
export interface ScheduleState {
  paused?: boolean;
  /** Free text, e.g. why it is paused. The server overwrites it on pause-on-failure. */
  note?: string;
  /** Take at most this many scheduled actions (triggers do not count); absent means no limit. */
  remainingActions?: number;
}

/**
 * Everything `client.schedule.create` needs. `scheduleId`, `spec` and `action` are required.
 *
 * @example
 * ```ts
 * const options: ScheduleOptions = {
 *   scheduleId: 'nightly-report',
 *   spec: { calendars: [{ hour: 2, comment: 'nightly' }], timezone: 'UTC' },
 *   action: { type: 'startWorkflow', workflowType: 'report', taskQueue: 'reports' },
 *   policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
 *   state: { note: 'created by deploy 42', triggerImmediately: true },
 * };
 * ```
 */
export interface ScheduleOptions<A = ScheduleOptionsAction> {
  scheduleId: string;
  spec: ScheduleSpec;
  action: A;
  policies?: SchedulePolicies;
  /** Values for the schedule itself (not the workflows), encoded with the client's data converter. */
  memo?: Record<string, unknown>;
  /** Indexed values of the schedule, for `list({ query })`. */
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: TypedSearchAttributesInput;
  state?: ScheduleState & {
    /** Take one action right after creating. */
    triggerImmediately?: boolean;
    /** Backfills to run right after creating. */
    backfill?: Backfill[];
  };
}

/**
 * What `update`'s function returns: a full new definition. Returning the description it was given,
 * changed, is the usual way. The schedule's `memo` cannot be changed (the server keeps the one given
 * at create); returning a different one is refused.
 *
 * @example
 * ```ts
 * await handle.update((prev) => ({ ...prev, spec: { intervals: [{ every: '2h' }] } }));
 * ```
 */
export interface ScheduleUpdateOptions<A = ScheduleOptionsAction> {
  spec: ScheduleSpec;
  action: A;
  policies?: SchedulePolicies;
  memo?: Record<string, unknown>;
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: TypedSearchAttributesInput;
  state?: ScheduleState;
}

/**
 * The workflow an action started. `firstExecutionRunId` is its first run (retries, continue-as-new
 * and resets make later runs).
 *
 * @example
 * ```ts
 * const { workflowId, firstExecutionRunId } = description.info.recentActions[0].action.workflow;
 * ```
 */
export interface ScheduleExecutionStartWorkflowActionResult {
  type: 'startWorkflow';
  workflow: { workflowId: string; firstExecutionRunId: string };
}
/**
 * What an action did (only starting a workflow exists).
 *
 * @example
 * ```ts
 * const running: ScheduleExecutionActionResult[] = (await handle.describe()).info.runningActions;
 * ```
 */
export type ScheduleExecutionActionResult = ScheduleExecutionStartWorkflowActionResult;

/**
 * One action the schedule took.
 *
 * @example
 * ```ts
 * for (const a of description.info.recentActions) console.log(a.scheduledAt, a.takenAt, a.action.workflow.workflowId);
 * ```
 */
export interface ScheduleExecutionResult {
  /** The time it was due (jitter included). */
  scheduledAt: Date;
  /** The time it was actually taken. */
  takenAt: Date;
  action: ScheduleExecutionActionResult;
}

/**
 * The action as `describe()` returns it: the workflow type by name, durations in milliseconds.
 *
 * @example
 * ```ts
 * const { workflowType, taskQueue, args } = (await handle.describe()).action;
 * ```
 */
export interface ScheduleDescriptionStartWorkflowAction {
  type: 'startWorkflow';
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  memo?: Record<string, unknown>;
  searchAttributes: SearchAttributes;
  typedSearchAttributes: TypedSearchAttributes;
  retry?: RetryPolicy;
  workflowExecutionTimeout?: number;
  workflowRunTimeout?: number;
  workflowTaskTimeout?: number;
  staticSummary?: string;
  staticDetails?: string;
  priority?: SchedulePriority;
}
/**
 * The action of a described schedule (only starting a workflow exists).
 *
 * @example
 * ```ts
 * const action: ScheduleDescriptionAction = (await handle.describe()).action;
 * ```
 */
export type ScheduleDescriptionAction = ScheduleDescriptionStartWorkflowAction;

/**
 * The action of a schedule as `list()` reports it: only the workflow type (`describe()` gives the rest).
 *
 * @example
 * ```ts
 * const types = new Set<string>();
 * for await (const s of client.schedule.list()) if (s.action) types.add(s.action.workflowType);
 * ```
 */
export interface ScheduleSummaryStartWorkflowAction {
  type: 'startWorkflow';
  workflowType: string;
}

/** The action kinds of {@link ScheduleSummary}; starting a workflow is the only one, as in the official SDK. */
export type ScheduleSummaryAction = ScheduleSummaryStartWorkflowAction;

/**
 * One schedule as `list()` yields it (from visibility: eventually consistent with `describe()`).
 *
 * @example
 * ```ts
 * for await (const s of client.schedule.list()) console.log(s.scheduleId, s.action?.workflowType, s.state.paused);
 * ```
 */
export interface ScheduleSummary {
  scheduleId: string;
  spec?: ScheduleSpecDescription;
  action?: ScheduleSummaryAction;
  memo?: Record<string, unknown>;
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: TypedSearchAttributes;
  state: { paused: boolean; note?: string };
  info: { recentActions: ScheduleExecutionResult[]; nextActionTimes: Date[] };
}

/**
 * `describe()` output: the schedule's definition, compiled back to the user-facing shapes, plus what
 * it has done so far. It can be passed back to `create` (with a new `scheduleId`) or returned,
 * changed, from `update`'s function.
 *
 * @example
 * ```ts
 * const d = await handle.describe();
 * console.log(d.state.paused, d.info.numActionsTaken, d.info.nextActionTimes[0], d.info.runningActions.length);
 * ```
 */
export interface ScheduleDescription {
  scheduleId: string;
  spec: ScheduleSpecDescription;
  action: ScheduleDescriptionAction;
  policies: { overlap: ScheduleOverlapPolicy; catchupWindow: number; pauseOnFailure: boolean };
  memo?: Record<string, unknown>;
  searchAttributes: SearchAttributes;
  typedSearchAttributes: TypedSearchAttributes;
  state: { paused: boolean; note?: string; remainingActions?: number };
  info: {
    /** Oldest first; scheduled, triggered and backfilled actions alike. */
    recentActions: ScheduleExecutionResult[];
    nextActionTimes: Date[];
    numActionsTaken: number;
    numActionsMissedCatchupWindow: number;
    numActionsSkippedOverlap: number;
    createdAt: Date;
    lastUpdatedAt: Date | undefined;
    /**
     * Workflows started by the schedule that are still open. The real server tracks only actions
     * taken under an overlap policy other than `ALLOW_ALL` (the default of `trigger()`).
     */
    runningActions: ScheduleExecutionActionResult[];
  };
  /** The server's response as received. */
  raw: temporal.api.workflowservice.v1.IDescribeScheduleResponse;
}
