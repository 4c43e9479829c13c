/**
 * `client.activity`: completes, fails, cancels or heartbeats an activity from outside the worker that
 * received it ("async completion"), addressed by its task token or by workflow id + activity id.
 */
import { ensureTemporalFailure } from '../common/failures';
import type { LoadedDataConverter } from '../converter/types';
import { ActivityCancelledError, ActivityPausedError, ActivityResetError, InvalidOptionError } from './errors';
import type { WorkflowService } from './workflow-service';
import { clientOptionKeys, resolveClientContext, type BaseClientOptions } from './client-context';

/**
 * Names an activity without its task token.
 *
 * @example
 * ```ts
 * const id: FullActivityId = { workflowId: 'order-1', activityId: 'charge' };
 * ```
 */
export interface FullActivityId {
  workflowId: string;
  /** The run; absent means the latest run of `workflowId`. */
  runId?: string;
  activityId: string;
}

/**
 * A task token (from `activityInfo().taskToken`) or a {@link FullActivityId}.
 *
 * @example
 * ```ts
 * await client.activity.complete(info.taskToken, 'ok'); // or { workflowId, activityId }
 * ```
 */
export type ActivityRef = Uint8Array | FullActivityId;

/**
 * Options of an `AsyncCompletionClient` made on its own (`client.activity` gets them from its `Client`).
 *
 * @example
 * ```ts
 * const options: AsyncCompletionClientOptions = { connection, namespace: 'default' };
 * ```
 */
export type AsyncCompletionClientOptions = BaseClientOptions;

interface AsyncCompletionDeps {
  service: WorkflowService;
  namespace: string;
  identity: string;
  dataConverter: LoadedDataConverter;
}

type ByToken = { taskToken: Uint8Array };
type ById = { workflowId: string; runId: string; activityId: string };

function resolveRef(ref: ActivityRef): ByToken | ById {
  if (ref instanceof Uint8Array) {
    if (ref.length === 0) throw new InvalidOptionError('taskToken', 'must not be empty');
    return { taskToken: ref };
  }
  if (ref === null || typeof ref !== 'object') {
    throw new InvalidOptionError('activity', 'must be a task token (Uint8Array) or { workflowId, runId?, activityId }');
  }
  if (typeof ref.workflowId !== 'string' || ref.workflowId === '') {
    throw new InvalidOptionError('workflowId', 'must be a non-empty string');
  }
  if (typeof ref.activityId !== 'string' || ref.activityId === '') {
    throw new InvalidOptionError('activityId', 'must be a non-empty string');
  }
  if (ref.runId !== undefined && typeof ref.runId !== 'string') throw new InvalidOptionError('runId', 'must be a string');
  return { workflowId: ref.workflowId, runId: ref.runId ?? '', activityId: ref.activityId };
}

function isByToken(target: ByToken | ById): target is ByToken {
  return 'taskToken' in target;
}

/**
 * @example
 * ```ts
 * // In the activity: capture the token and throw CompleteAsyncError.
 * // Elsewhere, later:
 * await client.activity.complete(taskToken, { charged: true });
 * await client.activity.fail({ workflowId: 'order-1', activityId: 'charge' }, new Error('card declined'));
 * ```
 */
export class AsyncCompletionClient {
  private readonly deps: AsyncCompletionDeps;

  /**
   * Usually reached as `client.activity`; can also be made on its own, as with the official SDK.
   *
   * @example
   * ```ts
   * const completions = new AsyncCompletionClient({ connection, namespace: 'default' });
   * ```
   */
  constructor(options: AsyncCompletionClientOptions) {
    const { service, namespace, identity, dataConverter } = resolveClientContext(options, clientOptionKeys('AsyncCompletionClient option', []));
    this.deps = { service, namespace, identity, dataConverter };
  }

  /**
   * Completes the activity with `result`. Rejects with `ActivityNotFoundError` when the activity is
   * no longer running.
   *
   * @example
   * ```ts
   * await client.activity.complete(taskToken, 'done');
   * ```
   */
  async complete(activity: ActivityRef, result?: unknown): Promise<void> {
    const target = resolveRef(activity);
    const { service, namespace, identity, dataConverter } = this.deps;
    const payloads = await dataConverter.encode([result]);
    if (isByToken(target)) {
      await service.call('RespondActivityTaskCompleted', { namespace, identity, ...target, result: { payloads } });
    } else {
      await service.call('RespondActivityTaskCompletedById', { namespace, identity, ...target, result: { payloads } }, target);
    }
  }

  /**
   * Fails the activity; the error is converted like one thrown inside an activity (retries follow
   * the activity's retry policy).
   *
   * @example
   * ```ts
   * await client.activity.fail(taskToken, ApplicationFailure.nonRetryable('card declined'));
   * ```
   */
  async fail(activity: ActivityRef, error: unknown): Promise<void> {
    const target = resolveRef(activity);
    const { service, namespace, identity, dataConverter } = this.deps;
    const failure = await dataConverter.encodeFailure(ensureTemporalFailure(error));
    if (isByToken(target)) {
      await service.call('RespondActivityTaskFailed', { namespace, identity, ...target, failure });
    } else {
      await service.call('RespondActivityTaskFailedById', { namespace, identity, ...target, failure }, target);
    }
  }

  /**
   * Reports that the activity stopped because its cancellation was requested.
   *
   * @example
   * ```ts
   * await client.activity.reportCancellation(taskToken, 'stopped at step 3');
   * ```
   */
  async reportCancellation(activity: ActivityRef, details?: unknown): Promise<void> {
    const target = resolveRef(activity);
    const { service, namespace, identity, dataConverter } = this.deps;
    const payloads = await dataConverter.encode([details]);
    if (isByToken(target)) {
      await service.call('RespondActivityTaskCanceled', { namespace, identity, ...target, details: { payloads } });
    } else {
      await service.call('RespondActivityTaskCanceledById', { namespace, identity, ...target, details: { payloads } }, target);
    }
  }

  /**
   * Records a heartbeat with progress `details`. Rejects with `ActivityCancelledError` when the
   * activity's cancellation was requested (and `ActivityPausedError` / `ActivityResetError` when it
   * was paused or reset), so the caller can stop and report it.
   *
   * @example
   * ```ts
   * await client.activity.heartbeat({ workflowId: 'import-7', activityId: '1' }, { rows: 5000 });
   * ```
   */
  async heartbeat(activity: ActivityRef, details?: unknown): Promise<void> {
    const target = resolveRef(activity);
    const { service, namespace, identity, dataConverter } = this.deps;
    const payloads = await dataConverter.encode([details]);
    const response = isByToken(target)
      ? await service.call('RecordActivityTaskHeartbeat', { namespace, identity, ...target, details: { payloads } })
      : await service.call('RecordActivityTaskHeartbeatById', { namespace, identity, ...target, details: { payloads } }, target);
    if (response.cancelRequested) throw new ActivityCancelledError('Activity cancellation was requested');
    if (response.activityReset) throw new ActivityResetError('Activity was reset');
    if (response.activityPaused) throw new ActivityPausedError('Activity was paused');
  }
}
