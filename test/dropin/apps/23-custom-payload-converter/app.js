'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

exports.run = async function run({ address, namespace, taskQueue }) {
  const dataConverter = { payloadConverterPath: require.resolve('./workflow-payload-converter') };
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace, dataConverter });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), activities, dataConverter });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('bill', { taskQueue, workflowId: `${taskQueue}-bill`, args: [{ cents: 1000, currency: 'EUR' }] });
      // Wait for the activity's result to be in before querying it.
      for (;;) {
        const { events } = await handle.fetchHistory();
        if (events.some((e) => e.activityTaskCompletedEventAttributes)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const queried = await handle.query('lastTotal');
      await handle.signal('addTip', { cents: 150, currency: 'EUR' });
      const updated = await handle.executeUpdate('done');
      const result = await handle.result();
      const { events } = await handle.fetchHistory();
      const stored = events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
      return { queried, updated, result, storedEncoding: Buffer.from(stored.metadata.encoding).toString(), storedData: Buffer.from(stored.data).toString() };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
