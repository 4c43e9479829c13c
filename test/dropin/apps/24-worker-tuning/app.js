'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: { work: activities.work },
      tuner: {
        workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
        activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 3 },
        localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
        nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
      },
      maxCachedWorkflows: 10,
      shutdownGraceTime: '5 seconds',
    });
    const sum = await worker.runUntil(client.workflow.execute('fanOut', { taskQueue, workflowId: `${taskQueue}-fan-out`, args: [12] }));
    return { sum, peakWithinLimit: activities.peak() <= 3, ranConcurrently: activities.peak() > 1 };
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
