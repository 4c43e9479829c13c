/**
 * `client.schedule`: create, find and list schedules, and the handle that describes, updates,
 * patches (trigger, backfill, pause, unpause) and deletes one. The official `ScheduleClient`'s
 * shape; the RPCs go through `WorkflowService` like every other client call, so failures become the
 * same typed errors (`ScheduleAlreadyRunning`, `ScheduleNotFoundError`, `ServiceError`).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Workflow } from '@temporalio/common';
import type { google, temporal } from '@temporalio/proto';
import { optionalDurationToMs, optionalTimestampToDate, timestampToMs } from '../common/time';
import type { LoadedDataConverter } from '../converter/types';
import { scheduleOverlapPolicy } from './enums';
import { InvalidOptionError } from './errors';
import { composeInterceptors, type CreateScheduleInput, type CreateScheduleOutput, type Headers, type ScheduleClientInterceptor } from './interceptors';
import {
  compileBackfills,
  compileScheduleOptions,
  compileScheduleUpdateOptions,
  counter,
  decodeRecentActions,
  decodeRunningActions,
  decodeScheduleAction,
  decodeScheduleSpec,
  encodeScheduleAction,
} from './schedule-options';
import type {
  Backfill,
  ScheduleDescription,
  ScheduleOptions,
  ScheduleOptionsAction,
  ScheduleOptionsStartWorkflowAction,
  ScheduleOverlapPolicy,
  ScheduleSummary,
  ScheduleUpdateOptions,
} from './schedule-types';
import { decodeSearchAttributes, decodeTypedSearchAttributes } from './search-attributes';
import type { WorkflowService } from './workflow-service';
import { clientOptionKeys, interceptorList, resolveClientContext, type BaseClientOptions } from './client-context';

/**
 * `list()` options.
 *
 * @example
 * ```ts
 * for await (const s of client.schedule.list({ query: "TemporalSchedulePaused = true", pageSize: 100 })) console.log(s.scheduleId);
 * ```
 */
export interface ListScheduleOptions {
  /** A visibility query over the schedules' search attributes. */
  query?: string;
  /** Schedules fetched per page (the server's default when absent). */
  pageSize?: number;
}

/** What `client.schedule` is built from; supplied by `Client`. */
/**
 * Options of a `ScheduleClient` made on its own (`client.schedule` gets them from its `Client`).
 *
 * @example
 * ```ts
 * const options: ScheduleClientOptions = { connection, namespace: 'default' };
 * ```
 */
export interface ScheduleClientOptions extends BaseClientOptions {
  interceptors?: ScheduleClientInterceptor[];
}

interface ScheduleClientDeps {
  service: WorkflowService;
  namespace: string;
  identity: string;
  dataConverter: LoadedDataConverter;
  interceptors: readonly ScheduleClientInterceptor[];
}

/**
 * One schedule, by id. Made by `client.schedule.getHandle(id)` or returned by `create`; no RPC is
 * made until a method is called, and each method rejects with `ScheduleNotFoundError` when the
 * schedule does not exist.
 *
 * @example
 * ```ts
 * const handle = client.schedule.getHandle('nightly-report');
 * await handle.pause('maintenance window');
 * await handle.trigger();
 * ```
 */
export interface ScheduleHandle {
  readonly scheduleId: string;
  readonly client: ScheduleClient;

  /**
   * The schedule's definition and what it has done.
   *
   * @example
   * ```ts
   * const { state, info } = await handle.describe();
   * console.log(state.paused, info.numActionsTaken, info.nextActionTimes);
   * ```
   */
  describe(): Promise<ScheduleDescription>;

  /**
   * Replaces the definition with what `updateFn` returns, given the current description. The update
   * carries the description's conflict token: when the schedule changed in between (another update),
   * the server keeps the other change, and `update` runs `updateFn` again on the new description
   * (up to 5 times, then it rejects). `updateFn` may be async. Headers set at create time are kept.
   * The schedule's memo cannot be changed (the server ignores it): a different memo is refused.
   *
   * @example
   * ```ts
   * await handle.update((prev) => ({ ...prev, spec: { ...prev.spec, jitter: '1m' }, state: { ...prev.state, note: 'jittered' } }));
   * ```
   */
  update<W extends Workflow = Workflow>(
    updateFn: (
      previous: ScheduleDescription,
    ) => ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<W>> | Promise<ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<W>>>,
  ): Promise<void>;

  /**
   * Deletes the schedule. Workflows it started keep running.
   *
   * @example
   * ```ts
   * await handle.delete();
   * ```
   */
  delete(): Promise<void>;

  /**
   * Takes one action now. `overlap` applies to this action only (default `ALLOW_ALL`).
   *
   * @example
   * ```ts
   * await handle.trigger(ScheduleOverlapPolicy.SKIP);
   * ```
   */
  trigger(overlap?: ScheduleOverlapPolicy): Promise<void>;

  /**
   * Takes, now, the actions the schedule would have taken over each time range.
   *
   * @example
   * ```ts
   * await handle.backfill([{ start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-02T00:00:00Z'), overlap: 'ALLOW_ALL' }]);
   * ```
   */
  backfill(options: Backfill | Backfill[]): Promise<void>;

  /**
   * Stops taking scheduled actions (triggers and backfills still act). `note` replaces the state note.
   *
   * @example
   * ```ts
   * await handle.pause('upstream outage');
   * ```
   */
  pause(note?: string): Promise<void>;

  /**
   * Resumes a paused schedule. `note` replaces the state note.
   *
   * @example
   * ```ts
   * await handle.unpause('outage over');
   * ```
   */
  unpause(note?: string): Promise<void>;
}

const MAX_UPDATE_ATTEMPTS = 5;
const DEFAULT_PAUSE_NOTE = 'Paused via temporal-native';
const DEFAULT_UNPAUSE_NOTE = 'Unpaused via temporal-native';

/**
 * Creates, finds and lists schedules. Reach it as `client.schedule`.
 *
 * @example
 * ```ts
 * const handle = await client.schedule.create({
 *   scheduleId: 'nightly-report',
 *   spec: { calendars: [{ hour: 2, minute: 30 }], timezone: 'Europe/London' },
 *   action: { type: 'startWorkflow', workflowType: 'report', taskQueue: 'reports', args: ['nightly'] },
 * });
 * ```
 */
export class ScheduleClient {
  private readonly deps: ScheduleClientDeps;

  /**
   * Usually reached as `client.schedule`; can also be made on its own, as with the official SDK.
   *
   * @example
   * ```ts
   * const schedules = new ScheduleClient({ connection, namespace: 'default' });
   * ```
   */
  constructor(options: ScheduleClientOptions) {
    const { service, namespace, identity, dataConverter } = resolveClientContext(options, clientOptionKeys('ScheduleClient option', ['interceptors']));
    this.deps = { service, namespace, identity, dataConverter, interceptors: interceptorList(options.interceptors, 'interceptors') };
  }

  /** The namespace this client works in. */
  get namespace(): string {
    return this.deps.namespace;
  }

  /** Raw WorkflowService access (schedule RPCs included); the namespace is not filled in for you. */
  get workflowService(): WorkflowService {
    return this.deps.service;
  }

  /**
   * Creates a schedule and returns its handle. Rejects with `InvalidOptionError` (before any RPC) for
   * bad or unknown options, and with `ScheduleAlreadyRunning` when the id is taken.
   *
   * @example
   * ```ts
   * const handle = await client.schedule.create({
   *   scheduleId: 'every-5-minutes',
   *   spec: { intervals: [{ every: '5m' }] },
   *   action: { type: 'startWorkflow', workflowType: cleanup, taskQueue: 'ops', args: [{ dryRun: false }] },
   *   policies: { overlap: 'BUFFER_ONE' },
   *   state: { triggerImmediately: true },
   * });
   * ```
   */
  async create<W extends Workflow = Workflow>(options: ScheduleOptions<ScheduleOptionsStartWorkflowAction<W>>): Promise<ScheduleHandle> {
    const compiled = compileScheduleOptions(options as unknown as ScheduleOptions<ScheduleOptionsAction>);
    const run = composeInterceptors(this.deps.interceptors, 'create', (input) => this.createHandler(input));
    await run({ options: compiled, headers: {} });
    return this.getHandle(compiled.scheduleId);
  }

  /**
   * A handle to a schedule by id. No RPC is made.
   *
   * @example
   * ```ts
   * const description = await client.schedule.getHandle('nightly-report').describe();
   * ```
   */
  getHandle(scheduleId: string): ScheduleHandle {
    if (typeof scheduleId !== 'string' || scheduleId === '') throw new InvalidOptionError('scheduleId', 'must be a non-empty string');
    return new ScheduleHandleImpl(this, scheduleId);
  }

  /**
   * Lists schedules (from visibility, so a change shows up a moment later), fetching pages as the
   * loop advances. `query` filters on the schedules' search attributes.
   *
   * @example
   * ```ts
   * for await (const s of client.schedule.list({ query: "CustomKeywordField = 'billing'" })) {
   *   console.log(s.scheduleId, s.state.paused, s.info.nextActionTimes[0]);
   * }
   * ```
   */
  list(options: ListScheduleOptions = {}): AsyncIterable<ScheduleSummary> {
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
    for (const key of Object.keys(options)) {
      if (key !== 'query' && key !== 'pageSize' && (options as Record<string, unknown>)[key] !== undefined) {
        throw new InvalidOptionError(key, 'is not a known option (known: query, pageSize)');
      }
    }
    const { query, pageSize } = options;
    if (query !== undefined && typeof query !== 'string') throw new InvalidOptionError('query', 'must be a string');
    if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
      throw new InvalidOptionError('pageSize', 'must be a positive integer');
    }
    const { service, namespace, dataConverter } = this.deps;
    return {
      async *[Symbol.asyncIterator]() {
        let nextPageToken: Uint8Array | undefined;
        do {
          const page = await service.call('ListSchedules', { namespace, query, maximumPageSize: pageSize, nextPageToken });
          for (const raw of page.schedules ?? []) {
            const info = raw.info;
            const summary: ScheduleSummary = {
              scheduleId: raw.scheduleId ?? '',
              spec: info?.spec ? decodeScheduleSpec(info.spec) : undefined,
              action: info?.workflowType?.name ? { type: 'startWorkflow', workflowType: info.workflowType.name } : undefined,
              memo: await dataConverter.decodeMap(raw.memo?.fields),
              searchAttributes: decodeSearchAttributes(raw.searchAttributes?.indexedFields),
              typedSearchAttributes: decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields),
              state: { paused: info?.paused === true, note: info?.notes || undefined },
              info: {
                recentActions: decodeRecentActions(info?.recentActions),
                nextActionTimes: (info?.futureActionTimes ?? []).map((t) => new Date(timestampToMs(t))),
              },
            };
            yield summary;
          }
          nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
        } while (nextPageToken);
      },
    };
  }

  // -----------------------------------------------------------------------------------------------
  // Internals used by handles.

  private async createHandler(input: CreateScheduleInput): Promise<CreateScheduleOutput> {
    const { service, namespace, identity, dataConverter } = this.deps;
    const { options } = input;
    const memo = await dataConverter.encodeMap(options.memo);
    const response = await service.call(
      'CreateSchedule',
      {
        namespace,
        identity,
        requestId: randomUUID(),
        scheduleId: options.scheduleId,
        schedule: {
          spec: options.spec,
          action: await encodeScheduleAction(options.action, input.headers, dataConverter),
          policies: options.policies,
          state: options.state,
        },
        initialPatch:
          options.triggerImmediately || options.backfill.length > 0
            ? {
                triggerImmediately: options.triggerImmediately ? { overlapPolicy: scheduleOverlapPolicy.encode('ALLOW_ALL', 'overlap') } : undefined,
                backfillRequest: options.backfill.length > 0 ? options.backfill : undefined,
              }
            : undefined,
        memo: memo === undefined ? undefined : { fields: memo },
        searchAttributes: options.searchAttributes === undefined ? undefined : { indexedFields: options.searchAttributes },
      },
      { scheduleId: options.scheduleId },
    );
    return { conflictToken: response.conflictToken ?? new Uint8Array() };
  }

  /** @internal */
  async _describeRaw(scheduleId: string): Promise<temporal.api.workflowservice.v1.DescribeScheduleResponse> {
    const { service, namespace } = this.deps;
    return service.call('DescribeSchedule', { namespace, scheduleId }, { scheduleId });
  }

  /** @internal */
  async _decodeDescription(scheduleId: string, raw: temporal.api.workflowservice.v1.IDescribeScheduleResponse): Promise<ScheduleDescription> {
    const { dataConverter } = this.deps;
    const schedule = raw.schedule;
    const info = raw.info;
    const state = schedule?.state;
    const overlap = scheduleOverlapPolicy.decode(schedule?.policies?.overlapPolicy);
    return {
      scheduleId,
      spec: decodeScheduleSpec(schedule?.spec),
      action: await decodeScheduleAction(schedule?.action, dataConverter),
      policies: {
        // The server fills in its defaults; these only cover a server that leaves them out.
        overlap: overlap === 'UNSPECIFIED' ? 'SKIP' : overlap,
        catchupWindow: optionalDurationToMs(schedule?.policies?.catchupWindow) ?? 365 * 24 * 3600 * 1000,
        pauseOnFailure: schedule?.policies?.pauseOnFailure === true,
      },
      memo: await dataConverter.decodeMap(raw.memo?.fields),
      searchAttributes: decodeSearchAttributes(raw.searchAttributes?.indexedFields),
      typedSearchAttributes: decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields),
      state: {
        paused: state?.paused === true,
        note: state?.notes || undefined,
        remainingActions: state?.limitedActions ? counter(state.remainingActions) : undefined,
      },
      info: {
        recentActions: decodeRecentActions(info?.recentActions),
        nextActionTimes: (info?.futureActionTimes ?? []).map((t) => new Date(timestampToMs(t))),
        numActionsTaken: counter(info?.actionCount),
        numActionsMissedCatchupWindow: counter(info?.missedCatchupWindow),
        numActionsSkippedOverlap: counter(info?.overlapSkipped),
        createdAt: optionalTimestampToDate(info?.createTime) ?? new Date(0),
        lastUpdatedAt: optionalTimestampToDate(info?.updateTime),
        runningActions: decodeRunningActions(info?.runningWorkflows),
      },
      raw,
    };
  }

  /** @internal */
  async _update(
    scheduleId: string,
    updateFn: (previous: ScheduleDescription) => ScheduleUpdateOptions<ScheduleOptionsAction> | Promise<ScheduleUpdateOptions<ScheduleOptionsAction>>,
  ): Promise<void> {
    const { service, namespace, identity, dataConverter } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const raw = await this._describeRaw(scheduleId);
      const previous = await this._decodeDescription(scheduleId, raw);
      const compiled = compileScheduleUpdateOptions(scheduleId, await updateFn(previous));
      if (compiled.memo !== undefined && !sameValue(compiled.memo, previous.memo)) {
        // UpdateSchedule has a memo field, but the server (1.29) ignores it: refuse rather than drop it.
        throw new InvalidOptionError('memo', 'cannot be changed by update (the server keeps the memo given at create)');
      }
      const headers: Headers = raw.schedule?.action?.startWorkflow?.header?.fields ?? {};
      const action = await encodeScheduleAction(compiled.action, headers, dataConverter);
      // The server accepts an update with a stale conflict token and drops it silently. Whether the
      // schedule changed while `updateFn` ran (an update, a pause, a limited action taken) is checked
      // here; if it did, run `updateFn` again on the new description instead of sending an update
      // bound to be dropped.
      if (!sameBytes((await this._describeRaw(scheduleId)).conflictToken, raw.conflictToken)) {
        if (attempt >= MAX_UPDATE_ATTEMPTS) throw staleUpdateError(scheduleId);
        continue;
      }
      await service.call(
        'UpdateSchedule',
        {
          namespace,
          scheduleId,
          identity,
          requestId: randomUUID(),
          conflictToken: raw.conflictToken,
          schedule: {
            spec: compiled.spec,
            action,
            policies: compiled.policies,
            state: compiled.state,
          },
          searchAttributes: compiled.searchAttributes === undefined ? undefined : { indexedFields: compiled.searchAttributes },
        },
        { scheduleId },
      );
      // A new update time tells that an update went in (ours, unless another update landed in the
      // instant between the check above and ours). The token is no proof: taking a limited action
      // or a pause moves it too. If no update went in, ours was dropped: start over. Sending again
      // cannot apply twice, since a token is stale once an update used it.
      if (await this.updateTimeMoved(scheduleId, raw.info?.updateTime)) return;
      if (attempt >= MAX_UPDATE_ATTEMPTS) throw staleUpdateError(scheduleId);
    }
  }

  private async updateTimeMoved(scheduleId: string, before: google.protobuf.ITimestamp | null | undefined): Promise<boolean> {
    const beforeMs = before ? timestampToMs(before) : -1;
    for (let i = 0; i < 10; i++) {
      const after = (await this._describeRaw(scheduleId)).info?.updateTime;
      if ((after ? timestampToMs(after) : -1) !== beforeMs) return true;
      await new Promise((resolve) => setTimeout(resolve, 50 * (i + 1)));
    }
    return false;
  }

  /** @internal */
  async _patch(scheduleId: string, patch: temporal.api.schedule.v1.ISchedulePatch): Promise<void> {
    const { service, namespace, identity } = this.deps;
    await service.call('PatchSchedule', { namespace, scheduleId, identity, requestId: randomUUID(), patch }, { scheduleId });
  }

  /** @internal */
  async _delete(scheduleId: string): Promise<void> {
    const { service, namespace, identity } = this.deps;
    await service.call('DeleteSchedule', { namespace, scheduleId, identity }, { scheduleId });
  }
}

function staleUpdateError(scheduleId: string): Error {
  return new Error(`Schedule '${scheduleId}' kept changing during update; gave up after ${MAX_UPDATE_ATTEMPTS} attempts`);
}

function sameValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a ?? {}, b ?? {});
}

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  const x = a ?? new Uint8Array();
  const y = b ?? new Uint8Array();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

class ScheduleHandleImpl implements ScheduleHandle {
  constructor(
    readonly client: ScheduleClient,
    readonly scheduleId: string,
  ) {}

  async describe(): Promise<ScheduleDescription> {
    return this.client._decodeDescription(this.scheduleId, await this.client._describeRaw(this.scheduleId));
  }

  async update<W extends Workflow = Workflow>(
    updateFn: (
      previous: ScheduleDescription,
    ) => ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<W>> | Promise<ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<W>>>,
  ): Promise<void> {
    if (typeof updateFn !== 'function') throw new InvalidOptionError('updateFn', 'must be a function of the current description');
    await this.client._update(this.scheduleId, updateFn as unknown as Parameters<ScheduleClient['_update']>[1]);
  }

  async delete(): Promise<void> {
    await this.client._delete(this.scheduleId);
  }

  async trigger(overlap?: ScheduleOverlapPolicy): Promise<void> {
    await this.client._patch(this.scheduleId, {
      triggerImmediately: { overlapPolicy: scheduleOverlapPolicy.encode(overlap ?? 'ALLOW_ALL', 'overlap') },
    });
  }

  async backfill(options: Backfill | Backfill[]): Promise<void> {
    await this.client._patch(this.scheduleId, { backfillRequest: compileBackfills(options, 'backfill') });
  }

  async pause(note?: string): Promise<void> {
    if (note !== undefined && typeof note !== 'string') throw new InvalidOptionError('note', 'must be a string');
    await this.client._patch(this.scheduleId, { pause: note || DEFAULT_PAUSE_NOTE });
  }

  async unpause(note?: string): Promise<void> {
    if (note !== undefined && typeof note !== 'string') throw new InvalidOptionError('note', 'must be a string');
    await this.client._patch(this.scheduleId, { unpause: note || DEFAULT_UNPAUSE_NOTE });
  }
}
