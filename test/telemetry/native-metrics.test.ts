/**
 * The native addon's SDK metrics over the C bridge's metric_* entry points: values the core would
 * panic on are refused first, a runtime without an exporter has no metrics, a library without the
 * entry points (the fake core) names what it lacks, and a metric outlives its runtime as a no-op.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError, createRuntime, type CoreRuntime } from '../../lib/core';
import { FAKE_CORE } from '../native/fake-core';
import { realCoreLibrary } from '../real-core/real-core';
import { freePort } from './fixtures/free-port';
import { startGrpcReceiver } from './fixtures/otlp-receiver';

describe('native SDK metrics on the real core', () => {
  let port: number;
  let runtime: CoreRuntime;

  beforeAll(async () => {
    port = await freePort();
    runtime = await createRuntime({
      backend: 'native',
      coreLibraryPath: realCoreLibrary(),
      metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } },
    });
  });

  afterAll(async () => {
    await runtime.close();
  });

  async function scrape(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  }

  it('records every kind with attributes of every type, one series per definition', async () => {
    const counter = runtime.createMetric!('counter', 'nm_counter', 'items', 'd')!;
    runtime.createMetric!('counter', 'nm_counter', 'items', 'd')!.record(2, { s: 'x', i: 3, f: 1.5, b: true });
    counter.record(1, { s: 'x', i: 3, f: 1.5, b: true });
    runtime.createMetric!('histogram', 'nm_hist')!.record(7);
    runtime.createMetric!('histogram-f64', 'nm_hist_f')!.record(0.25);
    runtime.createMetric!('gauge', 'nm_gauge')!.record(9);
    runtime.createMetric!('gauge-f64', 'nm_gauge_f')!.record(2.5);
    runtime.createMetric!('up-down-counter', 'nm_updown')!.record(-4);
    const text = await scrape();
    expect(text).toMatch(/^nm_counter\{.*b="true".*f="1.5".*i="3".*s="x".*\} 3$/m);
    expect(text).toMatch(/^nm_hist_sum\{.*\} 7$/m);
    expect(text).toMatch(/^nm_hist_f_sum\{.*\} 0.25$/m);
    expect(text).toMatch(/^nm_gauge\{.*\} 9$/m);
    expect(text).toMatch(/^nm_gauge_f\{.*\} 2.5$/m);
    expect(text).toMatch(/^nm_updown\{.*\} -4$/m);
  });

  it('refuses values the core would panic on, naming the metric', () => {
    expect(() => runtime.createMetric!('counter', 'nm_bad')!.record(-1)).toThrow(/nm_bad value must not be negative/);
    expect(() => runtime.createMetric!('gauge', 'nm_bad_gauge')!.record(1.5)).toThrow(RangeError);
    expect(() => runtime.createMetric!('histogram-f64', 'nm_bad_h')!.record(Number.NaN)).toThrow(RangeError);
    expect(() => runtime.createMetric!('counter', 'nm_bad_attr')!.record(1, { a: {} as never })).toThrow(/nm_bad_attr attributes\["a"\]/);
    expect(() => runtime.createMetric!('nope' as never, 'x')).toThrow(/createMetric kind/);
  });

  it('a metric of a closed runtime records nothing and does not throw', async () => {
    const other = await createRuntime({
      backend: 'native',
      coreLibraryPath: realCoreLibrary(),
      metrics: { prometheus: { bindAddress: `127.0.0.1:${await freePort()}` } },
    });
    const metric = other.createMetric!('counter', 'nm_after_close')!;
    metric.record(1);
    await other.close();
    expect(() => metric.record(1)).not.toThrow();
    expect(other.createMetric!('counter', 'nm_after_close')).toBeUndefined();
  });
});

describe('native runtime with an OTLP exporter', () => {
  it('closing it does not block the JS thread while the exporter shuts down', async () => {
    const receiver = await startGrpcReceiver();
    try {
      const runtime = await createRuntime({
        backend: 'native',
        coreLibraryPath: realCoreLibrary(),
        metrics: { otel: { url: receiver.url, metricsExportIntervalMs: 100 } },
      });
      runtime.createMetric!('counter', 'nm_otel')!.record(1);
      await receiver.waitForNames(['nm_otel']);
      // The core's runtime_free waits for the exporter, which waits for its export in flight: held
      // here, that export keeps the free going. Run on the JS thread, the free would block it until
      // the exporter gave up and cancelled the export, and the next turn of the loop would see the
      // cancellation; run off it, close() settles and the loop turns while the export is still open.
      receiver.holdExports();
      await receiver.waitForHeldExport();
      await runtime.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(receiver.heldExportCancelled()).toBe(false);
    } finally {
      await receiver.stop();
    }
  });
});

describe('native SDK metrics without an exporter or without the entry points', () => {
  it('a runtime without a metrics exporter has no metrics', async () => {
    const runtime = await createRuntime({ backend: 'native', coreLibraryPath: realCoreLibrary() });
    try {
      expect(runtime.createMetric!('counter', 'nm_none')).toBeUndefined();
    } finally {
      await runtime.close();
    }
  });

  it('a library without the metric entry points (the fake core) loads, and createMetric names what it lacks', async () => {
    const runtime = await createRuntime({ backend: 'native', coreLibraryPath: FAKE_CORE });
    try {
      expect(() => runtime.createMetric!('counter', 'nm_fake')).toThrow(CoreError);
      expect(() => runtime.createMetric!('counter', 'nm_fake')).toThrow(/lacks the metric entry points/);
    } finally {
      await runtime.close();
    }
  });
});
