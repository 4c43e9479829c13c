/**
 * The `neon` backend's runtime: one core runtime inside the prebuilt `@temporalio/core-bridge`
 * addon, plus the connections and replayers made from it.
 */
import {
  validateReplayerOptions,
  type BackendRuntime,
  type ResolvedConnectionOptions,
  type ValidatedRuntimeOptions,
} from '../options';
import type { CoreConnection, CoreMetric, CoreMetricAttributes, CoreMetricKind, CoreReplayer, ReplayerOptions } from '../types';
import { loadNeonApi, type NeonApi, type NeonRuntimeHandle } from './bridge';
import { neonClientOptions, neonReplayWorkerOptions, neonRuntimeOptions } from './build-options';
import { NeonConnection } from './connection';
import { toCoreError } from './errors';
import { logReceiver } from './logs';
import { NeonReplayer } from './replayer';
import { RuntimeRefs } from './runtime-refs';
import { NeonWorker } from './worker';

export class NeonRuntime implements BackendRuntime {
  readonly backend = 'neon' as const;
  private readonly refs: RuntimeRefs;
  private closed = false;
  /** One core metric per definition, as the native backend keeps them. */
  private readonly metrics = new Map<string, CoreMetric>();

  private constructor(
    private readonly api: NeonApi,
    private readonly handle: NeonRuntimeHandle,
    private readonly hasMetrics: boolean,
  ) {
    this.refs = new RuntimeRefs(() => this.api.runtimeShutdown(this.handle));
  }

  /** Creates the core runtime; core logs go to `options.logger` when one is given. */
  static create(options: ValidatedRuntimeOptions): NeonRuntime {
    const api = loadNeonApi();
    const receiver = logReceiver(options.logger);
    let handle: NeonRuntimeHandle;
    try {
      handle = api.newRuntime(neonRuntimeOptions(options, receiver));
    } catch (err) {
      throw toCoreError(err, 'createRuntime');
    }
    return new NeonRuntime(api, handle, options.metrics !== undefined);
  }

  async connect(resolved: ResolvedConnectionOptions): Promise<CoreConnection> {
    if (resolved.retry !== undefined) {
      throw new TypeError(
        'connection options.retry cannot be honoured by the neon backend (@temporalio/core-bridge uses the core\'s ' +
          'default retry policy); omit it or use the native backend',
      );
    }
    this.refs.acquire('connect');
    try {
      const client = await this.api.newClient(this.handle, neonClientOptions(resolved));
      return new NeonConnection(this.api, client, resolved, this.refs);
    } catch (err) {
      this.refs.release();
      throw toCoreError(err, `connect to ${resolved.targetUrl}`);
    }
  }

  createReplayer(options: ReplayerOptions): CoreReplayer {
    const resolved = validateReplayerOptions(options);
    this.refs.acquire('createReplayer');
    let pair: ReturnType<NeonApi['newReplayWorker']>;
    try {
      pair = this.api.newReplayWorker(this.handle, neonReplayWorkerOptions(resolved));
    } catch (err) {
      this.refs.release();
      throw toCoreError(err, 'createReplayer');
    }
    const [workerHandle, pusher] = pair;
    const worker = new NeonWorker(this.api, workerHandle, new Set(['workflow']), () => this.refs.release());
    return new NeonReplayer(this.api, pusher, worker);
  }

  createMetric(kind: CoreMetricKind, name: string, unit = '', description = ''): CoreMetric | undefined {
    if (!this.hasMetrics || this.closed) return undefined;
    const key = JSON.stringify([kind, name, unit, description]);
    const existing = this.metrics.get(key);
    if (existing !== undefined) return existing;
    const api = this.api;
    const make = (): ((value: number, attrs: string) => void) => {
      try {
        switch (kind) {
          case 'counter': {
            const m = api.newMetricCounter(this.handle, name, unit, description);
            return (v, a) => api.addMetricCounterValue(m, v, a);
          }
          case 'histogram': {
            const m = api.newMetricHistogram(this.handle, name, unit, description);
            return (v, a) => api.recordMetricHistogramValue(m, v, a);
          }
          case 'histogram-f64': {
            const m = api.newMetricHistogramF64(this.handle, name, unit, description);
            return (v, a) => api.recordMetricHistogramF64Value(m, v, a);
          }
          case 'gauge': {
            const m = api.newMetricGauge(this.handle, name, unit, description);
            return (v, a) => api.setMetricGaugeValue(m, v, a);
          }
          case 'gauge-f64': {
            const m = api.newMetricGaugeF64(this.handle, name, unit, description);
            return (v, a) => api.setMetricGaugeF64Value(m, v, a);
          }
          case 'up-down-counter': {
            const m = api.newMetricUpDownCounter(this.handle, name, unit, description);
            return (v, a) => api.addMetricUpDownCounterValue(m, v, a);
          }
        }
      } catch (err) {
        throw toCoreError(err, `createMetric ${name}`);
      }
    };
    const record = make();
    const metric: CoreMetric = {
      kind,
      name,
      record: (value: number, attributes: CoreMetricAttributes = {}) => {
        if (this.closed) return;
        checkMetricValue(kind, name, value);
        try {
          record(value, JSON.stringify(attributes) as never);
        } catch (err) {
          throw toCoreError(err, `record metric ${name}`);
        }
      },
    };
    this.metrics.set(key, metric);
    return metric;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.metrics.clear();
    try {
      this.refs.close();
    } catch (err) {
      throw toCoreError(err, 'close runtime');
    }
  }
}

/** What the native addon checks before a value reaches the core (which would panic on it). */
function checkMetricValue(kind: CoreMetricKind, name: string, value: number): void {
  const what = `metric ${name} value`;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${what} must be finite`);
  const integral = kind !== 'histogram-f64' && kind !== 'gauge-f64';
  if (integral && !Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer`);
  if (kind !== 'up-down-counter' && value < 0) throw new RangeError(`${what} must not be negative`);
}
