'use strict';
const { Client, Connection } = require('@temporalio/client');
const { DeterminismViolationError } = require('@temporalio/workflow');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), activities });
    const handles = await worker.runUntil(async () => {
      const started = [];
      for (const n of [1, 2, 3]) {
        const handle = await client.workflow.start('doubler', { taskQueue, workflowId: `${taskQueue}-doubler-${n}`, args: [n] });
        await handle.result();
        started.push(handle);
      }
      return started;
    });
    // One history replayed on its own, against the same code and against changed code.
    const history = await handles[0].fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: require.resolve('./workflows') }, history, handles[0].workflowId);
    let changed;
    try {
      await Worker.runReplayHistory({ workflowsPath: require.resolve('./workflows-changed') }, history, handles[0].workflowId);
      changed = 'replayed';
    } catch (err) {
      changed = err instanceof DeterminismViolationError ? 'DeterminismViolationError' : `${err.name}: ${err.message}`;
    }
    // All of them, streamed from a visibility query.
    const results = [];
    const histories = client.workflow.list({ query: `TaskQueue = '${taskQueue}'` }).intoHistories();
    for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('./workflows') }, histories)) {
      results.push({ workflowId: result.workflowId.slice(taskQueue.length + 1), ok: result.error === undefined });
    }
    results.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
    return { sameCode: 'replayed', changed, all: results };
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
