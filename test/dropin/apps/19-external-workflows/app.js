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
      const receiver = await client.workflow.start('receiver', { taskQueue, workflowId: `${taskQueue}-receiver` });
      const sender = await client.workflow.execute('sender', { taskQueue, workflowId: `${taskQueue}-sender`, args: [receiver.workflowId] });
      return { sender, receiver: await receiver.result() };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
