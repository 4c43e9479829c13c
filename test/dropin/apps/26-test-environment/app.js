'use strict';
// An integration test as users write it: a test environment on an existing server, a worker with
// mocked activities, and the environment's client.
const { TestWorkflowEnvironment } = require('@temporalio/testing');
const { Worker } = require('@temporalio/worker');

exports.run = async function run({ address, namespace, taskQueue }) {
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace });
  try {
    const calls = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: {
        async charge(customer, month) {
          calls.push(month);
          return `${customer} charged for month ${month}`;
        },
      },
    });
    const receipts = await worker.runUntil(env.client.workflow.execute('subscription', { taskQueue, workflowId: `${taskQueue}-sub`, args: ['ada'] }));
    return { receipts, calls, supportsTimeSkipping: env.supportsTimeSkipping };
  } finally {
    await env.teardown();
  }
};
