'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');

async function until(fn) {
  for (;;) {
    const value = await fn();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows') });
    return await worker.runUntil(async () => {
      const kinds = ['ok', 'ok', 'ok', 'fail', 'wait'];
      const handles = [];
      for (const [i, kind] of kinds.entries()) handles.push(await client.workflow.start('job', { taskQueue, workflowId: `${taskQueue}-job-${i}`, args: [kind] }));
      await Promise.allSettled(handles.slice(0, 4).map((h) => h.result()));
      const query = `TaskQueue = '${taskQueue}'`;
      // Visibility is eventually consistent: wait until every run is listed with its final status.
      const listed = await until(async () => {
        const rows = [];
        for await (const info of client.workflow.list({ query })) rows.push({ id: info.workflowId.slice(taskQueue.length + 1), type: info.type, status: info.status.name });
        return rows.length === 5 && rows.filter((r) => r.status !== 'RUNNING').length === 4 ? rows : undefined;
      });
      listed.sort((a, b) => a.id.localeCompare(b.id));
      const count = await client.workflow.count(query);
      const completed = await client.workflow.count(`${query} AND ExecutionStatus = 'Completed'`);
      const grouped = await client.workflow.count(`${query} GROUP BY ExecutionStatus`);
      await handles[4].terminate('done listing');
      return {
        listed,
        count: count.count,
        completed: completed.count,
        groups: grouped.groups.map((g) => ({ values: g.groupValues, count: g.count })).sort((a, b) => b.count - a.count || JSON.stringify(a.values).localeCompare(JSON.stringify(b.values))),
      };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
