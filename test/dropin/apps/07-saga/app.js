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
      try {
        await client.workflow.execute('bookTrip', { taskQueue, workflowId: `${taskQueue}-trip`, args: ['lisbon'] });
        return { failed: false };
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        const failure = err.cause;
        return {
          failed: true,
          type: failure.type,
          message: failure.message,
          log: failure.details[0],
          cause: { name: failure.cause.name, type: failure.cause.cause.type, message: failure.cause.cause.message, nonRetryable: failure.cause.cause.nonRetryable },
        };
      }
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
