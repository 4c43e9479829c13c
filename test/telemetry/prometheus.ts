/**
 * Runtime.install with a Prometheus exporter, on one backend per file (install is once per
 * process): after a workflow with an activity ran, the endpoint shows the core's official metrics
 * and the SDK metrics recorded by the activity and the workflow; a replayed workflow records nothing.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection, ConsoleLogger, Runtime, Worker } from '../../lib';
import type { BackendName } from '../../lib/core';
import { DevServer, type DevServerHandle } from '../../lib/testing';
import * as activities from './fixtures/activities';
import { freePort } from './fixtures/free-port';

const CORE_METRICS = [
  'temporal_workflow_completed',
  'temporal_activity_execution_latency',
  'temporal_workflow_task_execution_latency',
  'temporal_num_pollers',
  'temporal_worker_task_slots_available',
];

/** Lines of the scrape that sample `name` (any suffix: `_bucket`, `_total`, ...). */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(name) && !line.startsWith('#'));
}

export function prometheusSuite(backend: BackendName): void {
  let port: number;
  let server: DevServerHandle;
  let connection: Connection;

  beforeAll(async () => {
    port = await freePort();
    Runtime.install({
      telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` }, globalTags: { suite: 'telemetry' } } },
    });
    server = await DevServer.start();
    connection = await Connection.connect({ address: server.address, backend });
  });

  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  function createWorker(taskQueue: string): Promise<Worker> {
    return Worker.create({
      connection,
      taskQueue,
      workflowsPath: path.join(__dirname, 'fixtures', 'workflows.ts'),
      activities,
      logger: new ConsoleLogger('WARN'),
      handleSignals: false,
    });
  }

  async function scrape(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  /** Runs orderWorkflow(amount) to completion on a fresh task queue; returns the scrape. */
  async function runOrder(amount: number, taskQueue: string): Promise<string> {
    const worker = await createWorker(taskQueue);
    const client = new Client({ connection });
    const result = await worker.runUntil(
      client.workflow.execute('orderWorkflow', { taskQueue, workflowId: `order-${randomUUID()}`, args: [amount] }),
    );
    expect(result).toBe(`charged ${amount}`);
    return scrape();
  }

  it(`${backend}: the endpoint shows the core's metrics and the SDK metrics after a workflow with an activity`, async () => {
    const taskQueue = `prometheus-${randomUUID()}`;
    const text = await runOrder(1250, taskQueue);
    for (const name of CORE_METRICS) expect(samples(text, name), name).not.toEqual([]);
    const charged = samples(text, 'telemetry_cards_charged').filter((line) => line.includes(taskQueue));
    expect(charged).toHaveLength(1);
    expect(charged[0]).toMatch(/activityType="chargeCard"/);
    expect(charged[0]).toMatch(/outcome="ok"/);
    expect(charged[0]).toMatch(/suite="telemetry"/);
    expect(charged[0]).toMatch(/ 1$/);
    const amounts = samples(text, 'telemetry_order_amount_sum').filter((line) => line.includes(taskQueue));
    expect(amounts).toHaveLength(1);
    expect(amounts[0]).toMatch(/workflowType="orderWorkflow"/);
    expect(amounts[0]).toMatch(/ 1250$/);
  });

  it(`${backend}: Runtime.instance().metricMeter records on the same exporter`, async () => {
    Runtime.instance().metricMeter.withTags({ origin: 'runtime' }).createGauge('telemetry_queue_depth', 'float').set(3.5, { queue: 'q1' });
    const depth = samples(await scrape(), 'telemetry_queue_depth');
    expect(depth).toHaveLength(1);
    expect(depth[0]).toMatch(/origin="runtime"/);
    expect(depth[0]).toMatch(/queue="q1"/);
    expect(depth[0]).toMatch(/ 3.5$/);
  });

  it(`${backend}: a workflow replayed by a second worker does not record its metric again`, async () => {
    // The first worker runs the first task (one histogram sample) and stops; the second worker gets
    // the whole history with the signal and replays the histogram call before going on.
    const taskQueue = `prometheus-replay-${randomUUID()}`;
    const client = new Client({ connection });
    const workflowId = `held-${randomUUID()}`;
    const first = await createWorker(taskQueue);
    const handle = await first.runUntil(async () => {
      const started = await client.workflow.start('heldOrderWorkflow', { taskQueue, workflowId, args: [700] });
      expect(await started.query('stage')).toBe('held');
      return started;
    });
    const second = await createWorker(taskQueue);
    const result = await second.runUntil(async () => {
      await handle.signal('release');
      return handle.result();
    });
    expect(result).toBe('charged 700');
    const text = await scrape();
    const counts = samples(text, 'telemetry_order_amount_count').filter((line) => line.includes(taskQueue));
    expect(counts).toHaveLength(1);
    expect(counts[0]).toMatch(/ 1$/);
    const sums = samples(text, 'telemetry_order_amount_sum').filter((line) => line.includes(taskQueue));
    expect(sums[0]).toMatch(/ 700$/);
  });
}
