/**
 * The host side of `@temporalio/workflow`'s `metricMeter`: the sandbox reports each sample as a
 * `__temporal_metrics` sink call (never while replaying: the workflow side skips them, and the
 * sink is not called during replay either), and they are recorded here on the worker's meter, so
 * they reach the same exporter as the core's metrics.
 */
import type { MetricMeter, MetricTags, NumericMetricValueType } from '@temporalio/common';
import type { InjectedSinks } from './sinks';

interface Recorder {
  (value: number, tags: MetricTags): void;
}

/**
 * `__temporal_metrics` over `meter` (which already carries the worker's namespace and task queue
 * tags). One metric object per name and kind is kept: the sandbox cannot hold host objects.
 *
 * @example
 * ```ts
 * const sinks = { ...userSinks, ...workflowMetricsSink(meter) };
 * ```
 */
export function workflowMetricsSink(meter: MetricMeter): InjectedSinks {
  const recorders = new Map<string, Recorder>();
  const recorder = (key: string, make: () => Recorder): Recorder => {
    let found = recorders.get(key);
    if (found === undefined) {
      found = make();
      recorders.set(key, found);
    }
    return found;
  };
  const tagsOf = (value: unknown): MetricTags => (typeof value === 'object' && value !== null ? (value as MetricTags) : {});
  return {
    __temporal_metrics: {
      addMetricCounterValue: {
        fn(_info, name, unit, description, value, tags) {
          const counter = recorder(`counter:${String(name)}`, () => {
            const metric = meter.createCounter(String(name), unit as string | undefined, description as string | undefined);
            return (v, t) => metric.add(v, t);
          });
          counter(value as number, tagsOf(tags));
        },
      },
      recordMetricHistogramValue: {
        fn(_info, name, valueType, unit, description, value, tags) {
          const histogram = recorder(`histogram:${String(valueType)}:${String(name)}`, () => {
            const metric = meter.createHistogram(String(name), valueType as NumericMetricValueType, unit as string | undefined, description as string | undefined);
            return (v, t) => metric.record(v, t);
          });
          histogram(value as number, tagsOf(tags));
        },
      },
      setMetricGaugeValue: {
        fn(_info, name, valueType, unit, description, value, tags) {
          const gauge = recorder(`gauge:${String(valueType)}:${String(name)}`, () => {
            const metric = meter.createGauge(String(name), valueType as NumericMetricValueType, unit as string | undefined, description as string | undefined);
            return (v, t) => metric.set(v, t);
          });
          gauge(value as number, tagsOf(tags));
        },
      },
    },
  };
}
