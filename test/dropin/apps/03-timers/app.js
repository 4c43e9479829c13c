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
      const handle = await client.workflow.start('reminders', { taskQueue, workflowId: `${taskQueue}-reminders` });
      // Wait until the condition has timed out (visible as a second timer fired in history), then signal.
      for (;;) {
        const { events } = await handle.fetchHistory();
        if (events.filter((e) => e.timerFiredEventAttributes).length >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await handle.signal('wake');
      return await handle.result();
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
