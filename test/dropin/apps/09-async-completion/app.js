'use strict';
const { AsyncCompletionClient, Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

async function nextPending() {
  while (activities.pending.length === 0) await new Promise((r) => setTimeout(r, 20));
  const { taskToken, request } = activities.pending.shift();
  return { taskToken: Buffer.from(taskToken, 'base64'), request };
}

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const completions = new AsyncCompletionClient({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), activities });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('approvals', { taskQueue, workflowId: `${taskQueue}-approvals` });
      const first = await nextPending();
      await completions.heartbeat(first.taskToken, 'reviewing');
      await completions.complete(first.taskToken, `approved ${first.request}`);
      const second = await nextPending();
      await completions.fail(second.taskToken, new Error(`rejected ${second.request}`));
      return await handle.result();
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
