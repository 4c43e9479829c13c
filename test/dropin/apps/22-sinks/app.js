'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');

exports.run = async function run({ address, namespace, taskQueue }) {
  const records = [];
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const sinks = {
      audit: {
        record: {
          fn(info, event, order) {
            records.push({ event, order, workflowType: info.workflowType, replaying: info.unsafe.isReplaying });
          },
          callDuringReplay: false,
        },
      },
    };
    // No workflow cache: every task replays from the start, so the sink must not see replayed calls twice.
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), sinks, maxCachedWorkflows: 0 });
    const result = await worker.runUntil(client.workflow.execute('audited', { taskQueue, workflowId: `${taskQueue}-audited`, args: ['order-7'] }));
    return { result, records };
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
