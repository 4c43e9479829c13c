import { coresdk } from '@temporalio/proto';
import { ActivityCancellation, detailsForReason, type ActivityCancelReason } from '../../activity/cancellation';
import { ApplicationFailure, ensureApplicationFailure } from '../../common/failures';
import type { Client } from '../../client/client';
import type { CoreWorker } from '../../core/types';
import type { LoadedDataConverter, Payload } from '../../converter/types';
import type { WorkerInterceptors } from '../interceptors';
import type { Logger } from '../logger';
import type { MetricMeter } from '../../runtime/metric-meter';
import { activityInfoFromStart } from './activity-info';
import { ActivityExecution, type ActivityExecutionDeps, type ActivityFunction } from './activity-execution';

type ExecutionResult = coresdk.activity_result.IActivityExecutionResult;

/** What the activity loop needs from the worker. */
export interface ActivityTaskLoopOptions {
  readonly coreWorker: CoreWorker;
  readonly activities: ReadonlyMap<string, ActivityFunction>;
  readonly dataConverter: LoadedDataConverter;
  readonly interceptors: WorkerInterceptors;
  readonly logger: Logger;
  readonly namespace: string;
  readonly taskQueue: string;
  /**
   * The core enforces it with its slots; the loop enforces it too (a start beyond it waits for a
   * free slot), so that no core can make the worker run more activities at once.
   */
  readonly maxConcurrentActivityTaskExecutions: number;
  /** The same for local activities, which have slots of their own. Default 100. */
  readonly maxConcurrentLocalActivityExecutions?: number;
  /** The worker's client for `Context.client`, created on first use. */
  readonly client?: () => Client;
  /** The worker's meter (namespace and task queue tags) for `Context.metricMeter`. */
  readonly metricMeter?: MetricMeter;
  /** A failure the worker cannot continue after (poll or completion refused by the core). */
  readonly onFatalError: (error: unknown) => void;
  /** Called once, when the core answered a poll with "shut down". */
  readonly onPollerShutdown?: () => void;
}

const cancelReasons: Record<number, ActivityCancelReason> = {
  [coresdk.activity_task.ActivityCancelReason.NOT_FOUND]: 'NOT_FOUND',
  [coresdk.activity_task.ActivityCancelReason.CANCELLED]: 'CANCELLED',
  [coresdk.activity_task.ActivityCancelReason.TIMED_OUT]: 'TIMED_OUT',
  [coresdk.activity_task.ActivityCancelReason.WORKER_SHUTDOWN]: 'WORKER_SHUTDOWN',
  [coresdk.activity_task.ActivityCancelReason.PAUSED]: 'PAUSED',
  [coresdk.activity_task.ActivityCancelReason.RESET]: 'RESET',
};

/**
 * Drives the core's activity poller: polls until the core says "shut down", runs each started
 * activity concurrently, delivers cancellations, and reports every result. {@link run} settles only
 * after the poller is drained and every completion has been acknowledged by the core, which is what
 * the core's shutdown order requires before `finalizeShutdown`.
 *
 * @example
 * ```ts
 * const loop = new ActivityTaskLoop({ coreWorker, activities, dataConverter, interceptors: {}, logger,
 *   namespace: 'default', taskQueue: 'q', maxConcurrentActivityTaskExecutions: 100, onFatalError });
 * await loop.run(); // after coreWorker.initiateShutdown() elsewhere
 * ```
 */
export class ActivityTaskLoop {
  /** Attempts between their start task and their completion, by base64 task token. */
  private readonly running = new Map<string, ActivityCancellation>();
  /** Tasks whose completion has not been acknowledged yet (includes {@link running}). */
  private outstanding = 0;
  private readonly remoteSlots: SlotGate;
  private readonly localSlots: SlotGate;
  private polling = false;
  private whenIdle: (() => void) | undefined;
  private readonly deps: ActivityExecutionDeps;

  constructor(private readonly options: ActivityTaskLoopOptions) {
    this.remoteSlots = new SlotGate(options.maxConcurrentActivityTaskExecutions);
    this.localSlots = new SlotGate(options.maxConcurrentLocalActivityExecutions ?? 100);
    this.deps = {
      coreWorker: options.coreWorker,
      dataConverter: options.dataConverter,
      logger: options.logger,
      interceptors: options.interceptors,
      client: options.client,
      metricMeter: options.metricMeter,
    };
  }

  /**
   * Polls until the core reports shutdown, then waits for every outstanding completion. Never
   * rejects: failures go to `onFatalError`.
   */
  async run(): Promise<void> {
    this.polling = true;
    await this.pollUntilShutdown();
    this.polling = false;
    this.options.onPollerShutdown?.();
    if (this.outstanding > 0) {
      await new Promise<void>((resolve) => {
        this.whenIdle = resolve;
      });
    }
  }

  private async pollUntilShutdown(): Promise<void> {
    let failedPolls = 0;
    for (;;) {
      let bytes: Uint8Array | null;
      try {
        bytes = await this.options.coreWorker.pollActivityTask();
      } catch (error) {
        // The core retries transient poll failures itself; what surfaces here is fatal. The worker
        // then initiates shutdown, after which the poll answers "shut down". A second failure in a
        // row means the poller is broken for good: stop rather than spin.
        this.options.onFatalError(error);
        if (++failedPolls >= 2) return;
        continue;
      }
      failedPolls = 0;
      if (bytes === null) return;
      this.dispatch(bytes);
    }
  }

  private dispatch(bytes: Uint8Array): void {
    let task: coresdk.activity_task.ActivityTask;
    try {
      task = coresdk.activity_task.ActivityTask.decode(bytes);
    } catch (error) {
      this.options.onFatalError(new TypeError(`The core sent an activity task that does not decode: ${String(error)}`));
      return;
    }
    const key = base64(task.taskToken);
    if (task.start != null) {
      this.start(task.taskToken, key, task.start);
    } else if (task.cancel != null) {
      this.cancel(key, task.cancel);
    } else {
      this.options.logger.warn('Ignoring an activity task with neither start nor cancel', { taskToken: key });
    }
  }

  private cancel(key: string, cancel: coresdk.activity_task.ICancel): void {
    const cancellation = this.running.get(key);
    if (cancellation === undefined) {
      // The activity finished before the cancel was delivered: nothing left to do.
      this.options.logger.debug('Cancel for an activity that is no longer running', { taskToken: key });
      return;
    }
    const reason = cancelReasons[cancel.reason ?? 0] ?? 'CANCELLED';
    const details = cancel.details;
    cancellation.cancel(
      reason,
      details == null
        ? detailsForReason(reason)
        : {
            notFound: details.isNotFound ?? false,
            cancelRequested: details.isCancelled ?? false,
            paused: details.isPaused ?? false,
            timedOut: details.isTimedOut ?? false,
            workerShutdown: details.isWorkerShutdown ?? false,
            reset: details.isReset ?? false,
          },
    );
  }

  private start(taskToken: Uint8Array, key: string, start: coresdk.activity_task.IStart): void {
    if (this.running.has(key)) {
      this.options.logger.error('The core started an activity that is already running; ignoring the duplicate', { taskToken: key });
      return;
    }
    const cancellation = new ActivityCancellation();
    this.running.set(key, cancellation);
    this.outstanding++;
    const slots = start.isLocal ? this.localSlots : this.remoteSlots;
    const begun = slots.run(() => void this.runAndComplete(taskToken, key, start, cancellation, slots));
    if (!begun) this.options.logger.debug('Activity start waits for a free slot', { taskToken: key });
  }

  /** Never rejects. */
  private async runAndComplete(
    taskToken: Uint8Array,
    key: string,
    start: coresdk.activity_task.IStart,
    cancellation: ActivityCancellation,
    slots: SlotGate,
  ): Promise<void> {
    let result: ExecutionResult;
    try {
      result = await this.execute(taskToken, key, start, cancellation);
    } catch (error) {
      // Preparing the attempt failed (unknown type, undecodable arguments or details).
      result = await this.failedBeforeStart(error, start, key);
    }
    this.running.delete(key);
    slots.release();
    try {
      const completion = coresdk.ActivityTaskCompletion.encode({ taskToken, result }).finish();
      await this.options.coreWorker.completeActivityTask(completion);
    } catch (error) {
      this.options.onFatalError(error);
    }
    if (--this.outstanding === 0 && !this.polling) {
      const idle = this.whenIdle;
      this.whenIdle = undefined;
      idle?.();
    }
  }

  private async execute(
    taskToken: Uint8Array,
    key: string,
    start: coresdk.activity_task.IStart,
    cancellation: ActivityCancellation,
  ): Promise<ExecutionResult> {
    const type = start.activityType ?? '';
    const fn = this.options.activities.get(type) ?? this.options.activities.get('default');
    if (fn === undefined) {
      const registered = [...this.options.activities.keys()].join(', ') || '(none)';
      throw ApplicationFailure.create({
        type: 'NotFoundError',
        message: `Activity function ${type} is not registered on this worker (task queue ${this.options.taskQueue}); registered activities: ${registered}`,
      });
    }
    const dataConverter = this.options.dataConverter;
    let args: unknown[];
    let heartbeatDetails: unknown;
    try {
      args = start.input == null || start.input.length === 0 ? [] : await dataConverter.decode(start.input as Payload[]);
      heartbeatDetails =
        start.heartbeatDetails == null || start.heartbeatDetails.length === 0
          ? undefined
          : await dataConverter.decodeOne(start.heartbeatDetails[0]);
    } catch (error) {
      throw ApplicationFailure.fromError(error, {
        message: `Failed to decode the arguments of activity ${type}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    const info = activityInfoFromStart(start, taskToken, key, this.options, heartbeatDetails);
    const execution = new ActivityExecution(info, this.deps, cancellation);
    return execution.execute(fn, args, (start.headerFields ?? {}) as Record<string, Payload>);
  }

  private async failedBeforeStart(error: unknown, start: coresdk.activity_task.IStart, key: string): Promise<ExecutionResult> {
    this.options.logger.warn(`Activity ${start.activityType ?? ''} failed before it started`, { taskToken: key, error });
    try {
      return { failed: { failure: await this.options.dataConverter.encodeFailure(ensureApplicationFailure(error)) } };
    } catch (encodeError) {
      // The failure converter itself failed: report a minimal failure built by hand.
      return {
        failed: {
          failure: {
            message: `${error instanceof Error ? error.message : String(error)} (and the failure converter failed: ${String(encodeError)})`,
            applicationFailureInfo: { type: 'Error', nonRetryable: false },
          },
        },
      };
    }
  }
}

/**
 * A fixed number of execution slots. Starts beyond it wait in arrival order. Polling goes on while
 * every slot is busy (rather than pausing at capacity) because the cancellations of the running
 * activities arrive through the same poll.
 */
class SlotGate {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `begin` now if a slot is free (returns true), else when one frees up (returns false). */
  run(begin: () => void): boolean {
    if (this.used < this.limit) {
      this.used++;
      begin();
      return true;
    }
    this.waiting.push(begin);
    return false;
  }

  /** Frees a slot, handing it straight to the oldest waiting start. */
  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.used--;
    else next();
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
