'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const v1 = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows-v1') });
    const old = await v1.runUntil(async () => {
      const handle = await client.workflow.start('pricing', { taskQueue, workflowId: `${taskQueue}-old` });
      // The first workflow task has run on v1 once the history shows it completed.
      for (;;) {
        const { events } = await handle.fetchHistory();
        if (events.some((e) => e.workflowTaskCompletedEventAttributes)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return handle;
    });
    // Deploy v2; the old run continues on it, and a new run starts on it.
    const v2 = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows-v2'), maxCachedWorkflows: 0 });
    return await v2.runUntil(async () => {
      await old.signal('proceed');
      const fresh = await client.workflow.start('pricing', { taskQueue, workflowId: `${taskQueue}-new` });
      await fresh.signal('proceed');
      const results = { old: await old.result(), new: await fresh.result() };
      const markers = async (handle) => (await handle.fetchHistory()).events.filter((e) => e.markerRecordedEventAttributes).length;
      return { ...results, oldRunMarkers: await markers(old), newRunMarkers: await markers(fresh) };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
