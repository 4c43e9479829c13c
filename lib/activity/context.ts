import { AsyncLocalStorage } from 'node:async_hooks';
import { ActivityContextError } from './errors';
import type { ActivityCancellation, ActivityCancellationDetails } from './cancellation';
import type { Info } from './info';
import type { Client } from '../client/client';
import type { Logger } from '../worker/logger';
import { noopMetricMeter, type MetricMeter } from '@temporalio/common';
import { parseDuration, type Duration } from '../common/time';

/**
 * The parts of a running activity that a {@link Context} exposes; the worker (or
 * `MockActivityEnvironment`) supplies them.
 */
export interface ContextParts {
  readonly info: Info;
  readonly cancellation: ActivityCancellation;
  readonly heartbeat: (details?: unknown) => void;
  readonly log: Logger;
  /** Returns the worker's client; absent when the worker has none (see {@link Context.client}). */
  readonly client?: () => Client;
  /** The worker's meter with this activity's tags; absent: a no-op meter. */
  readonly metricMeter?: MetricMeter;
}

/** Carries the current activity's {@link Context} across awaits. */
export const activityContextStorage = new AsyncLocalStorage<Context>();

/**
 * The running activity's view of itself: info, heartbeats, cancellation, logging. Obtain it with
 * {@link Context.current} from anywhere inside the activity's async call tree.
 *
 * @example
 * ```ts
 * export async function download(url: string): Promise<number> {
 *   const ctx = Context.current();
 *   const res = await fetch(url, { signal: ctx.cancellationSignal });
 *   ctx.heartbeat({ status: res.status });
 *   return (await res.arrayBuffer()).byteLength;
 * }
 * ```
 */
export class Context {
  /** The context of the activity running in the current async call tree. */
  static current(): Context {
    const context = activityContextStorage.getStore();
    if (context === undefined) {
      throw new ActivityContextError('Activity context is only available while an activity runs (inside the function a Worker executes)');
    }
    return context;
  }

  readonly info: Info;
  /** The activity's logger: the worker's logger with the activity's ids added to every line. */
  log: Logger;
  private readonly cancellation: ActivityCancellation;
  private readonly heartbeatFn: (details?: unknown) => void;
  private readonly clientFn: (() => Client) | undefined;
  /**
   * Metrics for this activity, exported next to the core's own (see `Runtime.install`), tagged
   * with the namespace, task queue and activity type. A no-op when no exporter is configured.
   *
   * @example
   * ```ts
   * Context.current().metricMeter.createCounter('cards_charged').add(1, { currency: 'EUR' });
   * ```
   */
  metricMeter: MetricMeter;

  constructor(parts: ContextParts) {
    this.metricMeter = parts.metricMeter ?? noopMetricMeter;
    this.info = parts.info;
    this.log = parts.log;
    this.cancellation = parts.cancellation;
    this.heartbeatFn = parts.heartbeat;
    this.clientFn = parts.client;
  }

  /**
   * A client on the worker's connection and namespace, to signal or start workflows from an
   * activity. Available when the worker was created with a `Connection` from `Connection.connect`.
   *
   * @example
   * ```ts
   * await Context.current().client.workflow.getHandle(orderId).signal('paid');
   * ```
   */
  get client(): Client {
    if (this.clientFn === undefined) {
      throw new ActivityContextError('Context.client is only available when the worker was created with a Connection from Connection.connect');
    }
    return this.clientFn();
  }

  /**
   * Aborted when the activity is cancelled (server request, timeout, worker shutdown); its `reason`
   * is a `CancelledFailure` whose message is the cancel reason. Pass it to `fetch` and friends.
   */
  get cancellationSignal(): AbortSignal {
    return this.cancellation.signal;
  }

  /** Rejects with a `CancelledFailure` when the activity is cancelled; never resolves. */
  get cancelled(): Promise<never> {
    return this.cancellation.cancelled;
  }

  /** Why the activity was cancelled; `undefined` while it is not. */
  get cancellationDetails(): ActivityCancellationDetails | undefined {
    return this.cancellation.details;
  }

  /**
   * Reports progress. The worker sends at most one heartbeat at a time per activity (newer details
   * replace a pending one) and the core throttles what reaches the server. `details` are converted
   * with the worker's data converter and handed to the next attempt as `info.heartbeatDetails`.
   * Server-side cancellation reaches only activities that heartbeat.
   */
  readonly heartbeat = (details?: unknown): void => {
    this.heartbeatFn(details);
  };

  /**
   * Waits `ms` (milliseconds or a duration string such as `'2s'`); rejects with the
   * `CancelledFailure` as soon as the activity is cancelled.
   */
  readonly sleep = (ms: Duration): Promise<void> => {
    const delay = parseDuration(ms, 'sleep(ms)');
    const failure = this.cancellation.cancelledFailure;
    if (failure !== undefined) return Promise.reject(failure);
    const signal = this.cancellation.signal;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };
}
