'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows') });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('counter', { taskQueue, workflowId: `${taskQueue}-counter`, args: [0, 5, 0, 1] });
      const result = await handle.result();
      // The handle started on the first run follows the chain to the last one.
      const first = await client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
      return { result, firstRunStatus: first.status.name };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
