// The dev server of the fuzz suites, in its own process: started from dist/ with the options in
// argv[2]; reports its address, and its memory after a full GC when asked, over IPC.
'use strict';
const path = require('node:path');
const { startDevServer } = require(path.join(__dirname, '..', '..', 'dist', 'devserver'));

const options = JSON.parse(process.argv[2] || '{}');
startDevServer({ port: 0, ...options }).then(
  (server) => {
    process.send({ address: server.address });
    process.on('message', async (m) => {
      if (m === 'memory') {
        global.gc();
        const { rss, heapUsed } = process.memoryUsage();
        process.send({ memory: { rss, heapUsed, runs: server.engine.executions.size } });
      } else if (m === 'stop') {
        await server.stop();
        process.disconnect();
      }
    });
  },
  (err) => {
    process.send({ error: String(err && err.stack ? err.stack : err) });
    process.exit(1);
  },
);
