/**
 * Tracing with the official `@temporalio/interceptors-opentelemetry`, unchanged, on one backend
 * per file: one trace runs from the client's start through the workflow (its interceptor module in
 * the sandbox, spans exported through a worker sink) to its activity, in an in-memory exporter.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import type { Context as OfficialActivityContext } from '@temporalio/activity';
import { Client, Connection, ConsoleLogger, Worker } from '../../lib';
import type { WorkflowClientInterceptor } from '../../lib/client/interceptors';
import type { BackendName } from '../../lib/core';
import { DevServer } from '../../lib/testing';
import * as activities from './fixtures/activities';

export function oneTraceFromClientToActivity(backend: BackendName): void {
  it(`${backend}: one trace runs from the client's start through the workflow to its activity`, async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);

    const server = await DevServer.start();
    const connection = await Connection.connect({ address: server.address, backend });
    try {
      const taskQueue = `tracing-${randomUUID()}`;
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowsPath: path.join(__dirname, 'fixtures', 'workflows.ts'),
        activities,
        logger: new ConsoleLogger('WARN'),
        handleSignals: false,
        sinks: { exporter: makeWorkflowExporter(exporter, new Resource({ 'service.name': 'telemetry-test' })) },
        interceptors: {
          workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
          activity: [
            // Type-only cast: the official Context class has private members, so no other class
            // satisfies its type; ours has every member the interceptors read.
            (ctx) => ({
              inbound: new OpenTelemetryActivityInboundInterceptor(ctx as unknown as OfficialActivityContext),
              outbound: new OpenTelemetryActivityOutboundInterceptor(ctx as unknown as OfficialActivityContext),
            }),
          ],
        },
      });
      const clientInterceptor: WorkflowClientInterceptor = new OpenTelemetryWorkflowClientInterceptor();
      const client = new Client({ connection, interceptors: { workflow: [clientInterceptor] } });
      const workflowId = `traced-${randomUUID()}`;
      const result = await worker.runUntil(client.workflow.execute('orderWorkflow', { taskQueue, workflowId, args: [42] }));
      expect(result).toBe('charged 42');

      const spans = exporter.getFinishedSpans();
      const byName = (name: string) => spans.find((span) => span.name === name);
      const start = byName('StartWorkflow:orderWorkflow');
      const run = byName('RunWorkflow:orderWorkflow');
      const schedule = byName('StartActivity:chargeCard');
      const execute = byName('RunActivity:chargeCard');
      expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining([
        'StartWorkflow:orderWorkflow',
        'RunWorkflow:orderWorkflow',
        'StartActivity:chargeCard',
        'RunActivity:chargeCard',
      ]));
      const traceId = start!.spanContext().traceId;
      for (const span of [run, schedule, execute]) expect(span!.spanContext().traceId).toBe(traceId);
      expect(run!.parentSpanId).toBe(start!.spanContext().spanId);
      expect(schedule!.parentSpanId).toBe(run!.spanContext().spanId);
      expect(execute!.parentSpanId).toBe(schedule!.spanContext().spanId);
      expect(run!.attributes.workflowId).toBe(workflowId);
    } finally {
      await connection.close();
      await server.stop();
      await provider.shutdown();
      contextManager.disable();
    }
  });
}
