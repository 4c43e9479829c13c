'use strict';
const { Client, Connection, WithStartWorkflowOperation } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows') });
    return await worker.runUntil(async () => {
      const workflowId = `${taskQueue}-tally`;
      // The first signal-with-start starts the workflow; the second only signals it.
      const first = await client.workflow.signalWithStart('tally', { taskQueue, workflowId, args: [100], signal: 'add', signalArgs: [1] });
      const second = await client.workflow.signalWithStart('tally', { taskQueue, workflowId, args: [999], signal: 'add', signalArgs: [2] });
      // Update-with-start on the running workflow uses it (conflict policy USE_EXISTING).
      const op = new WithStartWorkflowOperation('tally', { taskQueue, workflowId, args: [0], workflowIdConflictPolicy: 'USE_EXISTING' });
      const afterUpdate = await client.workflow.executeUpdateWithStart('addAndTotal', { args: [10], startWorkflowOperation: op });
      const handle = await op.workflowHandle();
      await handle.signal('close');
      const { runId } = await handle.describe();
      return { sameRun: first.signaledRunId === runId && second.signaledRunId === runId, afterUpdate, result: await handle.result() };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
