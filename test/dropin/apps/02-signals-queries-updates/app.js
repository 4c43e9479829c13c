'use strict';
const { Client, Connection, WorkflowUpdateFailedError } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows') });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('cart', { taskQueue, workflowId: `${taskQueue}-cart` });
      await handle.signal('addItem', 'book');
      await handle.signal('addItem', 'lamp');
      const seen = await handle.query('items');
      const previous = await handle.executeUpdate('setDiscount', { args: [10] });
      let rejected = null;
      try {
        await handle.executeUpdate('setDiscount', { args: [90] });
      } catch (err) {
        rejected = { update: err instanceof WorkflowUpdateFailedError, cause: err.cause && err.cause.message };
      }
      await handle.signal('checkout');
      return { seen, previous, rejected, result: await handle.result() };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
