import type { coresdk } from '@temporalio/proto';
import type { MetricMeter } from '../../runtime/metric-meter';
import { ActivityCancellation } from '../../activity/cancellation';
import { activityContextStorage, Context } from '../../activity/context';
import { CompleteAsyncError } from '../../activity/errors';
import type { Info } from '../../activity/info';
import type { Client } from '../../client/client';
import { ApplicationFailure, CancelledFailure, ensureApplicationFailure } from '../../common/failures';
import type { Payload, ProtoFailure } from '../../converter/types';
import { composeActivityInterceptors, type ActivityExecuteNext, type ActivityInterceptorChains, type WorkerInterceptors } from '../interceptors';
import { LoggerWithAttributes } from '../logger';
import { HeartbeatSender, type HeartbeatSenderDeps } from './heartbeat-sender';
import { runWithOfficialContext } from './official-activity-context';

type ExecutionResult = coresdk.activity_result.IActivityExecutionResult;

/** A registered activity implementation. */
export type ActivityFunction = (...args: never[]) => unknown;

/** What an {@link ActivityExecution} needs from the worker. */
export interface ActivityExecutionDeps extends HeartbeatSenderDeps {
  readonly interceptors: WorkerInterceptors;
  /** The worker's client, created on first use; absent when the worker has no client `Connection`. */
  readonly client?: () => Client;
  /** The worker's meter; the context adds the activity type. Absent: a no-op meter. */
  readonly metricMeter?: MetricMeter;
}

/**
 * One attempt of one activity: its context, cancellation and heartbeats, and the mapping of how the
 * function ended to the `ActivityExecutionResult` the core expects.
 *
 * @example
 * ```ts
 * const execution = new ActivityExecution(info, deps);
 * const result = await execution.execute(fn, args, headers); // never rejects
 * ```
 */
export class ActivityExecution {
  readonly context: Context;
  private heartbeats: HeartbeatSender | undefined;
  private finished = false;

  /**
   * `cancellation` may be created before the execution: the core can cancel a task while its
   * arguments are still being decoded.
   */
  constructor(
    readonly info: Info,
    private readonly deps: ActivityExecutionDeps,
    readonly cancellation: ActivityCancellation = new ActivityCancellation(),
  ) {
    this.context = new Context({
      info,
      cancellation: this.cancellation,
      heartbeat: (details) => this.heartbeat(details),
      log: new LoggerWithAttributes(deps.logger, () => activityLogAttributes(info)),
      client: deps.client,
      metricMeter: deps.metricMeter?.withTags({ activityType: info.activityType }),
    });
  }

  /** Runs `fn` inside the activity context; resolves with the result for the core, never rejects. */
  execute(fn: ActivityFunction, args: unknown[], headers: Record<string, Payload>): Promise<ExecutionResult> {
    return activityContextStorage.run(this.context, () =>
      runWithOfficialContext(this.context, () => this.executeInContext(fn, args, headers)),
    );
  }

  private async executeInContext(fn: ActivityFunction, args: unknown[], headers: Record<string, Payload>): Promise<ExecutionResult> {
    let result: ExecutionResult;
    try {
      // Cancelled before it started (while its arguments were decoded): do not start it at all.
      const cancelledBeforeStart = this.cancellation.cancelledFailure;
      if (cancelledBeforeStart !== undefined) throw cancelledBeforeStart;
      const callActivity = (input: { args: unknown[] }): Promise<unknown> =>
        Promise.resolve((fn as (...a: unknown[]) => unknown)(...input.args));
      const interceptors = this.deps.interceptors;
      let execute: ActivityExecuteNext = callActivity;
      if (interceptors.activity !== undefined || interceptors.activityInbound !== undefined) {
        const chains = composeActivityInterceptors(interceptors, this.context, callActivity);
        execute = chains.execute;
        this.applyOutboundInterceptors(chains);
      }
      const value = await execute({ args, headers });
      result = { completed: { result: await this.deps.dataConverter.encodeOne(value) } };
    } catch (error) {
      result = await this.resultForError(error);
    }
    // Only failures carry the last heartbeat details to the server, so only they wait for the
    // pending one; in every case nothing may reach the core after the completion.
    this.finished = true;
    if (this.heartbeats !== undefined) await this.heartbeats.close(result.failed != null);
    return result;
  }

  /** Outbound interceptors shape the attributes of the context's log lines and the tags of its metrics. */
  private applyOutboundInterceptors(chains: ActivityInterceptorChains): void {
    const { logAttributes, metricTags } = chains;
    if (logAttributes !== undefined) {
      this.context.log = new LoggerWithAttributes(this.deps.logger, () => logAttributes(activityLogAttributes(this.info)));
    }
    if (metricTags !== undefined && this.deps.metricMeter !== undefined) {
      this.context.metricMeter = this.deps.metricMeter.withTags(metricTags({ activityType: this.info.activityType }));
    }
  }

  private heartbeat(details: unknown): void {
    if (this.finished && this.heartbeats === undefined) {
      this.deps.logger.debug('Heartbeat after the activity finished is dropped', { activityId: this.info.activityId });
      return;
    }
    if (this.heartbeats === undefined) {
      this.heartbeats = new HeartbeatSender(this.info.taskToken, this.deps, () => {
        this.cancellation.cancel('HEARTBEAT_DETAILS_CONVERSION_FAILED');
      });
    }
    this.heartbeats.heartbeat(details);
  }

  private async resultForError(error: unknown): Promise<ExecutionResult> {
    if (error instanceof CompleteAsyncError) return { willCompleteAsync: {} };
    const reason = this.cancellation.reason;
    if (reason === 'HEARTBEAT_DETAILS_CONVERSION_FAILED') {
      return this.failed(ApplicationFailure.retryable('Heartbeat details could not be converted by the data converter', 'CancelledFailure'));
    }
    if (reason !== undefined) {
      const details = this.cancellation.details;
      // Pause and reset are not cancellations from the workflow's point of view: the server
      // expects a failure so that the activity is retried (reset) or held (pause).
      if (details?.reset) return this.failed(new ApplicationFailure('Activity reset', 'ActivityReset'));
      if (details?.paused) return this.failed(new ApplicationFailure('Activity paused', 'ActivityPause'));
      return { cancelled: { failure: await this.cancelledFailure(error, reason) } };
    }
    this.context.log.warn('Activity failed', { error });
    return this.failed(ensureApplicationFailure(error));
  }

  private async failed(failure: ApplicationFailure): Promise<ExecutionResult> {
    return { failed: { failure: await this.deps.dataConverter.encodeFailure(failure) } };
  }

  /**
   * Once cancelled, whatever the activity throws acknowledges the cancellation. A thrown
   * `CancelledFailure` is reported as is (its details reach the workflow); anything else is reported
   * as a `CancelledFailure` carrying the reason, with the thrown error as its cause. Stack traces are
   * dropped: a cancellation is not a bug.
   */
  private async cancelledFailure(error: unknown, reason: string): Promise<ProtoFailure> {
    const cancelled =
      error instanceof CancelledFailure ? error : new CancelledFailure(reason, [], error instanceof Error ? error : undefined);
    const failure = await this.deps.dataConverter.encodeFailure(cancelled);
    failure.stackTrace = '';
    return failure;
  }
}

/** The attributes added to every log line of an activity. */
export function activityLogAttributes(info: Info): Record<string, unknown> {
  return {
    namespace: info.namespace,
    taskQueue: info.taskQueue,
    activityId: info.activityId,
    activityType: info.activityType,
    attempt: info.attempt,
    isLocal: info.isLocal,
    workflowId: info.workflowExecution.workflowId,
    workflowRunId: info.workflowExecution.runId,
    workflowType: info.workflowType,
  };
}
