'use strict';
const { Client, Connection, WorkflowFailedError } = require('@temporalio/client');
const { ApplicationFailure } = require('@temporalio/common');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), activities });
    return await worker.runUntil(async () => {
      const ok = await client.workflow.execute('resilient', { taskQueue, workflowId: `${taskQueue}-ok`, args: ['ok'] });
      let failed;
      try {
        await client.workflow.execute('resilient', { taskQueue, workflowId: `${taskQueue}-fail`, args: ['fail'] });
      } catch (err) {
        failed = {
          isWorkflowFailedError: err instanceof WorkflowFailedError,
          causeIsApplicationFailure: err.cause instanceof ApplicationFailure,
          type: err.cause.type,
          message: err.cause.message,
          nonRetryable: err.cause.nonRetryable,
          details: err.cause.details,
        };
      }
      return { ok, failed };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
