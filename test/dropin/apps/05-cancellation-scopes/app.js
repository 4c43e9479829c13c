'use strict';
const { Client, Connection, WorkflowFailedError } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), activities });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('scoped', { taskQueue, workflowId: `${taskQueue}-scoped` });
      // Cancel once the workflow is waiting on its one-day timer (the third timer it starts).
      for (;;) {
        const { events } = await handle.fetchHistory();
        if (events.filter((e) => e.timerStartedEventAttributes).length >= 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await handle.cancel();
      const result = await handle.result();
      const description = await handle.describe();
      return { result, status: description.status.name };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
