/**
 * The process-wide runtime (`Runtime.install`) and the metric meter over the core's exporter.
 *
 * @example
 * ```ts
 * import { Runtime } from 'temporal-native';
 * Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:9464' } } } });
 * ```
 */
export {
  Runtime,
  IllegalStateError,
  type RuntimeOptions,
  type TelemetryOptions,
  type LogExporterConfig,
  type CoreLogFilterOptions,
  type MetricsExporterConfig,
  type PrometheusMetricsExporter,
  type OtelCollectorExporter,
} from './runtime';
export {
  runtimeMetricMeter,
  noopMetricMeter,
  MetricMeterWithComposedTags,
  type MetricMeter,
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type MetricTags,
  type MetricUpDownCounter,
  type NumericMetricValueType,
} from './metric-meter';
