/**
 * Runtime.install with an OTLP exporter, on one backend and protocol per file: after a workflow with
 * an activity ran, a local OTLP receiver gets the core's metrics and the SDK metrics.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { Client, Connection, ConsoleLogger, Runtime, Worker } from '../../lib';
import type { BackendName } from '../../lib/core';
import { DevServer } from '../../lib/testing';
import * as activities from './fixtures/activities';
import { startGrpcReceiver, startHttpReceiver } from './fixtures/otlp-receiver';

export function otlpExport(backend: BackendName, protocol: 'http' | 'grpc'): void {
  it(`${backend}: metrics reach a local OTLP/${protocol} receiver after a workflow with an activity`, async () => {
    const receiver = protocol === 'http' ? await startHttpReceiver() : await startGrpcReceiver();
    Runtime.install({
      telemetryOptions: { metrics: { otel: { url: receiver.url, http: protocol === 'http', metricsExportInterval: '200ms' } } },
    });
    const server = await DevServer.start();
    const connection = await Connection.connect({ address: server.address, backend });
    try {
      const taskQueue = `otlp-${randomUUID()}`;
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowsPath: path.join(__dirname, 'fixtures', 'workflows.ts'),
        activities,
        logger: new ConsoleLogger('WARN'),
        handleSignals: false,
      });
      const client = new Client({ connection });
      const result = await worker.runUntil(
        client.workflow.execute('orderWorkflow', { taskQueue, workflowId: `order-${randomUUID()}`, args: [300] }),
      );
      expect(result).toBe('charged 300');
      await receiver.waitForNames([
        'temporal_workflow_completed',
        'temporal_activity_execution_latency',
        'telemetry_cards_charged',
        'telemetry_order_amount',
        taskQueue,
      ]);
    } finally {
      await connection.close();
      await server.stop();
      await receiver.stop();
    }
  });
}
