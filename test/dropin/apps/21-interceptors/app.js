'use strict';
const { Client, Connection } = require('@temporalio/client');
const { defaultPayloadConverter } = require('@temporalio/common');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

/** Client side: every workflow start carries the tenant header. */
class TenantClientInterceptor {
  constructor(tenantName, seen) {
    this.tenantName = tenantName;
    this.seen = seen;
  }
  async start(input, next) {
    this.seen.push(`start ${input.workflowType}`);
    return next({ ...input, headers: { ...input.headers, tenant: defaultPayloadConverter.toPayload(this.tenantName) } });
  }
}

/** Activity side: reads the header the workflow interceptor stamped, and exposes it on the context. */
class TenantActivityInbound {
  constructor(ctx) {
    this.ctx = ctx;
  }
  async execute(input, next) {
    this.ctx.tenant = defaultPayloadConverter.fromPayload(input.headers.tenant);
    return next(input);
  }
}

exports.run = async function run({ address, namespace, taskQueue }) {
  const seen = [];
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace, interceptors: { workflow: [new TenantClientInterceptor('acme', seen)] } });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
      interceptors: {
        workflowModules: [require.resolve('./workflow-interceptors')],
        activity: [(ctx) => ({ inbound: new TenantActivityInbound(ctx) })],
      },
    });
    const result = await worker.runUntil(client.workflow.execute('tenantAware', { taskQueue, workflowId: `${taskQueue}-tenant` }));
    return { result, seen };
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
