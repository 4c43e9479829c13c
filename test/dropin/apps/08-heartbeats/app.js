'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), activities });
    return await worker.runUntil(client.workflow.execute('batch', { taskQueue, workflowId: `${taskQueue}-batch`, args: [5] }));
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
