/**
 * Runtime.install refuses bad telemetry options with a TypeError naming the field, before any
 * runtime exists (so on either backend); a refused call leaves nothing installed, and a second
 * install is an IllegalStateError.
 */
import { describe, expect, it } from 'vitest';
import { IllegalStateError, Runtime, type RuntimeOptions } from '../../lib';

const cases: Array<[string, unknown, RegExp]> = [
  ['a bind address without a port', { telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1' } } } }, /telemetryOptions\.metrics\.prometheus\.bindAddress/],
  ['a host name as bind address', { telemetryOptions: { metrics: { prometheus: { bindAddress: 'localhost:9464' } } } }, /telemetryOptions\.metrics\.prometheus\.bindAddress/],
  ['both exporters', { telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:1' }, otel: { url: 'http://127.0.0.1:4317' } } } }, /telemetryOptions\.metrics must have exactly one of prometheus, otel/],
  ['no exporter', { telemetryOptions: { metrics: { metricPrefix: 'x_' } } }, /telemetryOptions\.metrics must have exactly one of prometheus, otel/],
  ['an OTel URL that is no URL', { telemetryOptions: { metrics: { otel: { url: 'not a url' } } } }, /telemetryOptions\.metrics\.otel\.url/],
  ['an OTel URL of another scheme', { telemetryOptions: { metrics: { otel: { url: 'ftp://127.0.0.1:4317' } } } }, /telemetryOptions\.metrics\.otel\.url/],
  ['an unknown temporality', { telemetryOptions: { metrics: { otel: { url: 'http://127.0.0.1:4317', temporality: 'weekly' } } } }, /telemetryOptions\.metrics\.otel\.temporality/],
  ['an unreadable export interval', { telemetryOptions: { metrics: { otel: { url: 'http://127.0.0.1:4317', metricsExportInterval: 'soon' } } } }, /telemetryOptions\.metrics\.otel\.metricsExportInterval/],
  ['histogram buckets that are not numbers', { telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:1', histogramBucketOverrides: { x: ['a'] } } } } }, /telemetryOptions\.metrics\.prometheus\.histogramBucketOverrides\["x"\]/],
  ['a global tag with a newline', { telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:1' }, globalTags: { a: 'b\nc' } } } }, /telemetryOptions\.metrics\.globalTags\["a"\]/],
  ['a non-boolean suffix flag', { telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:1', unitSuffix: 'yes' } } } }, /telemetryOptions\.metrics\.prometheus\.unitSuffix/],
  ['an unknown log level', { telemetryOptions: { logging: { filter: { core: 'LOUD' } } } }, /telemetryOptions\.logging\.filter\.core/],
  ['forwarding without a logger', { telemetryOptions: { logging: { forward: {} } } }, /telemetryOptions\.logging\.forward/],
  ['an unknown telemetry option', { telemetryOptions: { tracing: {} } }, /telemetryOptions\.tracing/],
  ['a heartbeat interval out of range', { workerHeartbeatInterval: '2m' }, /workerHeartbeatInterval/],
  ['a shutdown signal that is no signal', { shutdownSignals: ['STOP'] }, /shutdownSignals\[0\]/],
  ['a logger without log()', { logger: {} }, /logger/],
];

describe('Runtime.install option checks', () => {
  it.each(cases)('refuses %s with a TypeError naming the field', (_label, options, field) => {
    expect(() => Runtime.install(options as RuntimeOptions)).toThrow(TypeError);
    expect(() => Runtime.install(options as RuntimeOptions)).toThrow(field);
  });

  it('installs after refused calls, and refuses a second install with IllegalStateError', () => {
    const runtime = Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:0' } } } });
    expect(Runtime.instance()).toBe(runtime);
    expect(() => Runtime.install({})).toThrow(IllegalStateError);
    expect(() => Runtime.install({})).toThrow(/already been installed/);
  });
});
