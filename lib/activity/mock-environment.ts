import { EventEmitter } from 'node:events';
import { ActivityCancellation, type ActivityCancelReason, type ActivityCancellationDetails } from './cancellation';
import { activityContextStorage, Context } from './context';
import type { Info } from './info';
import { ConsoleLogger, LoggerWithAttributes, type Logger } from '../worker/logger';
import type { MetricMeter } from '@temporalio/common';
import { checkedOptions, type OptionKeys } from '../common/options-validation';

/**
 * Options of {@link MockActivityEnvironment}, as `MockActivityEnvironmentOptions` of `@temporalio/testing`.
 *
 * @example
 * ```ts
 * const options: MockActivityEnvironmentOptions = { logger: new ConsoleLogger('DEBUG') };
 * const env = new MockActivityEnvironment({ attempt: 2 }, options);
 * ```
 */
export interface MockActivityEnvironmentOptions {
  /** Where the activity's `log` goes; default a `ConsoleLogger` at `WARN`. */
  logger?: Logger;
  /** What the activity's `metricMeter` records to; default a meter that records nothing. */
  metricMeter?: MetricMeter;
}

const MOCK_OPTION_KEYS: OptionKeys = {
  kind: 'MockActivityEnvironment option',
  supported: ['logger', 'metricMeter'],
  unsupported: {
    interceptors:
      'activity interceptors do not run in the mock environment: test them with a Worker on the embedded dev server (temporal-native/testing)',
  },
};

/** The info a {@link MockActivityEnvironment} uses when the test gives none. */
export const defaultMockActivityInfo: Info = Object.freeze({
  taskToken: new Uint8Array([0]),
  base64TaskToken: 'AA==',
  activityId: 'test',
  activityType: 'unknown',
  namespace: 'default',
  activityNamespace: 'default',
  taskQueue: 'test',
  attempt: 1,
  isLocal: false,
  inWorkflow: true,
  workflowExecution: Object.freeze({ workflowId: 'test', runId: 'dead-beef' }),
  workflowNamespace: 'default',
  workflowType: 'test',
  scheduledTimestampMs: 1,
  currentAttemptScheduledTimestampMs: 1,
  startedTimestampMs: 1,
  scheduleToCloseTimeoutMs: 1000,
  startToCloseTimeoutMs: 1000,
  heartbeatTimeoutMs: undefined,
  heartbeatDetails: undefined,
  retryPolicy: undefined,
  priority: undefined,
});

/**
 * Runs an activity function with a real {@link Context} but without a worker or server: for unit
 * tests of activity code. Emits `'heartbeat'` with the details of every heartbeat.
 *
 * @example
 * ```ts
 * const env = new MockActivityEnvironment({ attempt: 2 });
 * env.on('heartbeat', (details) => seen.push(details));
 * const result = await env.run(myActivity, 'arg');
 * ```
 */
export class MockActivityEnvironment extends EventEmitter {
  readonly context: Context;
  private readonly cancellation = new ActivityCancellation();

  /** @throws InvalidOptionError (`UnknownOptionError`, `UnsupportedOptionError`) naming a key that is not an option here. */
  constructor(info?: Partial<Info>, options: MockActivityEnvironmentOptions = {}) {
    super();
    checkedOptions(options, 'options', MOCK_OPTION_KEYS);
    const fullInfo: Info = { ...defaultMockActivityInfo, ...info };
    const logger = options.logger ?? new ConsoleLogger('WARN');
    this.context = new Context({
      info: fullInfo,
      cancellation: this.cancellation,
      heartbeat: (details) => this.emit('heartbeat', details),
      log: new LoggerWithAttributes(logger, { activityId: fullInfo.activityId, activityType: fullInfo.activityType }),
      metricMeter: options.metricMeter,
    });
  }

  /** Cancels the activity as the worker would (default reason `CANCELLED`). */
  cancel(reason: ActivityCancelReason = 'CANCELLED', details?: ActivityCancellationDetails): void {
    this.cancellation.cancel(reason, details);
  }

  /** Calls `fn(...args)` inside this environment's activity context. */
  run<P extends unknown[], R>(fn: (...args: P) => R | Promise<R>, ...args: P): Promise<R> {
    return activityContextStorage.run(this.context, async () => fn(...args));
  }
}
