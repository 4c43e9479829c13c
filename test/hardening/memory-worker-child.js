// A worker in its own process for the unresponsive-server memory test: connects to argv[2], runs
// workflows and an activity on task queue argv[3], reports its memory after a full GC when asked
// over IPC, and on 'stop' shuts down and reports how run() settled.
'use strict';
const path = require('node:path');
const { Connection, Worker } = require(path.join(__dirname, '..', '..', 'dist'));

async function main() {
  const [address, taskQueue] = process.argv.slice(2);
  const connection = await Connection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: path.join(__dirname, 'memory-workflows.ts'),
    activities: { echo: async (n) => n },
  });
  const running = worker.run().then(
    () => ({ settled: 'resolved' }),
    (err) => ({ settled: 'rejected', error: `${err && err.constructor ? err.constructor.name : ''}: ${err && err.message}` }),
  );
  process.send({ ready: true });
  process.on('message', async (m) => {
    if (m === 'memory') {
      global.gc();
      const { rss, heapUsed } = process.memoryUsage();
      process.send({ memory: { rss, heapUsed } });
    } else if (m === 'stop') {
      worker.shutdown();
      const outcome = await running;
      await connection.close();
      process.send({ stopped: outcome });
      process.disconnect();
    }
  });
}

main().catch((err) => {
  process.send({ error: String(err && err.stack ? err.stack : err) });
  process.exit(1);
});
