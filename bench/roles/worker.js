'use strict';
// One worker of either SDK. With `measureStart`, reports the time from process start (module
// loading and bundling included) to the first completed workflow.
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { args, emit, onMessage, settleWith } = require('../role-io');
const { assertCore, loadSdk } = require('../sdks');

const LAG_RESOLUTION_MS = 10;

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
    let lag;
    onMessage(async (message) => {
      // The main thread's event-loop lag between `lag: 'start'` and `lag: 'stop'`. The histogram
      // records whole timer intervals, so the timer's own resolution is taken off every figure.
      if (message.lag === 'start') {
        lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
        lag.enable();
      }
      if (message.lag === 'stop') {
        lag.disable();
        const ms = (ns) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
        emit({ lagResult: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max), samples: lag.count, resolutionMs: LAG_RESOLUTION_MS } });
      }
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
