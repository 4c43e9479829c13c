#!/usr/bin/env node
'use strict';
// CPU-bound activities in a supervised pool (`activityPool`), next to an in-process activity, on the
// embedded dev server. Run: `node examples/cpu-pool/main.js [thread|process]`.
const os = require('node:os');
const { Connection, Client, Worker } = require('temporal-native');
const { DevServer } = require('temporal-native/testing');

const isolation = process.argv[2] === 'process' ? 'process' : 'thread';
const TASK_QUEUE = 'cpu-pool';

async function main() {
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await DevServer.start({ port: 0 });
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? server.address });
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const worker = await Worker.create({
    connection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('./workflows.ts'),
    // In-process: cheap, I/O-bound activities stay on the main thread.
    activities: { async ping() { return `pong from pid ${process.pid}`; } },
    // Pooled: every function exported by hash-activities.js runs in a pool worker.
    activityPool: {
      modulePath: require.resolve('./hash-activities'),
      isolation,
      numWorkers: Math.max(1, cores - 1), // leave a core for the main loop (polling, heartbeats)
      maxQueueSize: cores * 2,
      maxJobs: 500, // recycle a worker now and then
      supervisor: { execTtlMs: 30_000, maxWorkerMemoryMb: isolation === 'thread' ? 256 : 512 },
      dynamic: { maxWorkers: cores, idleTimeoutMs: 5_000 },
    },
  });
  const client = new Client({ connection });
  const started = Date.now();
  let maxLagMs = 0;
  let last = Date.now();
  const lag = setInterval(() => {
    const now = Date.now();
    maxLagMs = Math.max(maxLagMs, now - last - 10);
    last = now;
  }, 10);
  const result = await worker.runUntil(async () => {
    const out = await client.workflow.execute('crunchBatch', { taskQueue: TASK_QUEUE, workflowId: `crunch-${Date.now()}`, args: [16, 200] });
    console.table(worker.activityPool.state().map(({ id, pid, threadId, state, jobsDone, memoryBytes, ageMs }) => ({
      id, pid, threadId, state, jobsDone, memoryMb: Math.round(memoryBytes / 1048576), ageMs,
    })));
    return out;
  });
  clearInterval(lag);
  console.log(`${result.digests.length} crunches (${isolation}) in ${Date.now() - started} ms; ${result.ping}; main loop max lag ${maxLagMs} ms`);
  await connection.close();
  await server?.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
