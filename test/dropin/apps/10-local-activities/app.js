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
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('clean', { taskQueue, workflowId: `${taskQueue}-clean`, args: [['  Alpha', 'BETA  ', ' Gamma ']] });
      const result = await handle.result();
      // Local activities leave markers, not activity events, in history.
      const { events } = await handle.fetchHistory();
      return { result, markers: events.filter((e) => e.markerRecordedEventAttributes).length, activityEvents: events.filter((e) => e.activityTaskScheduledEventAttributes).length };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
