'use strict';
// One worker of either SDK. With `measureStart`, reports the time from process start (module
// loading and bundling included) to the first completed workflow.
const { performance } = require('node:perf_hooks');
const { args, emit, onMessage, settleWith } = require('../role-io');
const { assertCore, loadSdk } = require('../sdks');

settleWith(
  (async () => {
    const sdk = loadSdk(args.impl, args.backend);
    const { worker, close } = await sdk.createWorker(args.address, args);
    const core = assertCore(args.impl, args.backend);
    const running = worker.run();
    let startMs;
    if (args.measureStart) {
      const { client, close: closeClient } = await sdk.connectClient(args.address);
      await client.workflow.execute('empty', { taskQueue: args.taskQueue, workflowId: `start-${args.impl}-${Date.now()}` });
      startMs = performance.now();
      await closeClient();
    }
    emit({ ready: true, startMs, core });
    onMessage(async (message) => {
      if (message.gc) {
        for (let i = 0; i < 3; i++) global.gc();
        emit({ gcDone: true, rss: process.memoryUsage().rss });
      }
      if (message.stop) {
        worker.shutdown();
        await running;
        await close();
        process.exit(0);
      }
    });
  })(),
);
