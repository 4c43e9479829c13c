/**
 * `MetricMeter` (the `@temporalio/common` interface) over the core runtime's meter: every metric
 * made here reaches the exporter configured with `Runtime.install`, next to the core's own.
 */
import {
  MetricMeterWithComposedTags,
  noopMetricMeter,
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type MetricMeter,
  type MetricTags,
  type MetricUpDownCounter,
  type NumericMetricValueType,
} from '@temporalio/common';
import type { CoreMetric, CoreMetricKind, CoreRuntime } from '../core/types';

export type { MetricMeter, MetricCounter, MetricGauge, MetricHistogram, MetricTags, MetricUpDownCounter, NumericMetricValueType };

/** The core metric behind one definition, made on first use (and not at all when nothing is exported). */
class LazyCoreMetric {
  private core: CoreMetric | undefined | null = null;

  constructor(
    private readonly runtime: CoreRuntime,
    readonly coreKind: CoreMetricKind,
    readonly name: string,
    readonly unit: string | undefined,
    readonly description: string | undefined,
  ) {}

  record(value: number, fixed: MetricTags, tags: MetricTags | undefined): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`metric ${this.name} value must be a finite number`);
    if (this.core === null) this.core = this.runtime.createMetric?.(this.coreKind, this.name, this.unit, this.description);
    this.core?.record(value, tags === undefined ? fixed : { ...fixed, ...tags });
  }
}

/** What every metric kind shares: the lazy core metric and the tags fixed with `withTags`. */
abstract class CoreBackedMetric {
  constructor(
    protected readonly source: LazyCoreMetric,
    protected readonly fixed: MetricTags = {},
  ) {}
  get name(): string {
    return this.source.name;
  }
  get unit(): string | undefined {
    return this.source.unit;
  }
  get description(): string | undefined {
    return this.source.description;
  }
  get valueType(): NumericMetricValueType {
    return this.source.coreKind.endsWith('-f64') ? 'float' : 'int';
  }
  protected nonNegative(kind: string, value: number): void {
    if (value < 0) throw new RangeError(`${kind} value must be non-negative (got ${value})`);
  }
}

class CoreCounter extends CoreBackedMetric implements MetricCounter {
  readonly kind = 'counter';
  override get valueType(): 'int' {
    return 'int';
  }
  add(value: number, tags?: MetricTags): void {
    this.nonNegative('MetricCounter', value);
    this.source.record(value, this.fixed, tags);
  }
  withTags(tags: MetricTags): MetricCounter {
    return new CoreCounter(this.source, { ...this.fixed, ...tags });
  }
}

class CoreHistogram extends CoreBackedMetric implements MetricHistogram {
  readonly kind = 'histogram';
  record(value: number, tags?: MetricTags): void {
    this.nonNegative('MetricHistogram', value);
    this.source.record(value, this.fixed, tags);
  }
  withTags(tags: MetricTags): MetricHistogram {
    return new CoreHistogram(this.source, { ...this.fixed, ...tags });
  }
}

class CoreGauge extends CoreBackedMetric implements MetricGauge {
  readonly kind = 'gauge';
  set(value: number, tags?: MetricTags): void {
    this.nonNegative('MetricGauge', value);
    this.source.record(value, this.fixed, tags);
  }
  withTags(tags: MetricTags): MetricGauge {
    return new CoreGauge(this.source, { ...this.fixed, ...tags });
  }
}

class CoreUpDownCounter extends CoreBackedMetric implements MetricUpDownCounter {
  readonly kind = 'up-down-counter';
  override get valueType(): 'int' {
    return 'int';
  }
  add(value: number, tags?: MetricTags): void {
    this.source.record(value, this.fixed, tags);
  }
  withTags(tags: MetricTags): MetricUpDownCounter {
    return new CoreUpDownCounter(this.source, { ...this.fixed, ...tags });
  }
}

/** The meter itself; `withTags` composes through `MetricMeterWithComposedTags`. */
class CoreMetricMeter implements MetricMeter {
  constructor(private readonly runtime: CoreRuntime) {}
  createCounter(name: string, unit?: string, description?: string): MetricCounter {
    return new CoreCounter(this.source('counter', name, unit, description));
  }
  createHistogram(name: string, valueType: NumericMetricValueType = 'int', unit?: string, description?: string): MetricHistogram {
    return new CoreHistogram(this.source(valueType === 'float' ? 'histogram-f64' : 'histogram', name, unit, description));
  }
  createGauge(name: string, valueType: NumericMetricValueType = 'int', unit?: string, description?: string): MetricGauge {
    return new CoreGauge(this.source(valueType === 'float' ? 'gauge-f64' : 'gauge', name, unit, description));
  }
  createUpDownCounter(name: string, unit?: string, description?: string): MetricUpDownCounter {
    return new CoreUpDownCounter(this.source('up-down-counter', name, unit, description));
  }
  private source(kind: CoreMetricKind, name: string, unit: string | undefined, description: string | undefined): LazyCoreMetric {
    if (typeof name !== 'string' || name === '') throw new TypeError('metric name must be a non-empty string');
    return new LazyCoreMetric(this.runtime, kind, name, unit, description);
  }
  withTags(tags: MetricTags): MetricMeter {
    return MetricMeterWithComposedTags.compose(this, tags);
  }
}

/**
 * The meter of a core runtime: records go to its metrics exporter; without an exporter (or for a
 * runtime that cannot make metrics) every metric is a no-op, as in the official SDK.
 *
 * @example
 * ```ts
 * const meter = runtimeMetricMeter(runtime).withTags({ team: 'payments' });
 * meter.createCounter('charges', 'charges', 'Cards charged').add(1, { currency: 'EUR' });
 * ```
 */
export function runtimeMetricMeter(runtime: CoreRuntime | undefined): MetricMeter {
  if (runtime === undefined || runtime.createMetric === undefined) return noopMetricMeter;
  return new CoreMetricMeter(runtime);
}

export { MetricMeterWithComposedTags, noopMetricMeter };
