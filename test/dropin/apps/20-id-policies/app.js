'use strict';
const { Client, Connection, WorkflowExecutionAlreadyStartedError } = require('@temporalio/client');
const { WorkflowIdReusePolicy, WorkflowIdConflictPolicy } = require('@temporalio/common');
const { NativeConnection, Worker } = require('@temporalio/worker');

async function outcome(fn) {
  try {
    return await fn();
  } catch (err) {
    return err instanceof WorkflowExecutionAlreadyStartedError ? 'WorkflowExecutionAlreadyStartedError' : `${err.name}: ${err.message}`;
  }
}

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows') });
    return await worker.runUntil(async () => {
      const id = `${taskQueue}-order`;
      const first = await client.workflow.execute('echo', { taskQueue, workflowId: id, args: ['first', false] });
      const rejected = await outcome(() => client.workflow.start('echo', { taskQueue, workflowId: id, args: ['again', false], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }));
      const reused = await outcome(() => client.workflow.execute('echo', { taskQueue, workflowId: id, args: ['second', false], workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE }));
      const running = await client.workflow.start('echo', { taskQueue, workflowId: `${id}-running`, args: ['running', true] });
      const conflictFail = await outcome(() => client.workflow.start('echo', { taskQueue, workflowId: `${id}-running`, args: ['x', true] }));
      const useExisting = await client.workflow.start('echo', { taskQueue, workflowId: `${id}-running`, args: ['y', true], workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
      const terminateExisting = await client.workflow.start('echo', { taskQueue, workflowId: `${id}-running`, args: ['z', false], workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING });
      const previous = await client.workflow.getHandle(`${id}-running`, running.firstExecutionRunId).describe();
      return {
        first,
        rejected,
        reused,
        conflictFail,
        useExistingSameRun: useExisting.firstExecutionRunId === running.firstExecutionRunId,
        terminatedPrevious: previous.status.name,
        replacement: await terminateExisting.result(),
      };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
