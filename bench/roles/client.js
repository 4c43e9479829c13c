'use strict';
// Drives load with either SDK's client and reports what it measured.
const { performance } = require('node:perf_hooks');
const { args, emit, settleWith } = require('../role-io');
const { assertCore, loadSdk } = require('../sdks');

const run = `${args.impl}-${process.pid}-${Date.now().toString(36)}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
async function pool(count, concurrency, task) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await task(next++);
  });
  await Promise.all(lanes);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const modes = {
  /** Sequential start + result of one-activity workflows: latency as a user sees it. */
  async latency(client) {
    const samples = [];
    for (let i = 0; i < args.count; i++) {
      const t0 = performance.now();
      await client.workflow.execute(args.workflowType ?? 'oneActivity', { taskQueue: args.taskQueue, workflowId: `lat-${run}-${i}` });
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  },
  /** Starts only: how fast the client gets workflows onto the server. */
  async starts(client) {
    const t0 = performance.now();
    await pool(args.count, args.concurrency, (i) =>
      client.workflow.start(args.workflowType ?? 'empty', { taskQueue: args.taskQueue, workflowId: `start-${run}-${i}` }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: args.count / seconds, seconds, idPrefix: `start-${run}-`, count: args.count };
  },
  /** Waits for the results of `count` workflows started as `<idPrefix><i>` (e.g. by `starts`). */
  async drain(client) {
    const t0 = performance.now();
    await pool(args.count, args.concurrency, (i) => client.workflow.getHandle(`${args.idPrefix}${i}`).result());
    return { seconds: (performance.now() - t0) / 1000 };
  },
  /** Sequential DescribeNamespace calls on one connection: the cost of one RPC through the core. */
  async rpc(client, connection) {
    const call = () => connection.workflowService.call('DescribeNamespace', { namespace: 'default' });
    for (let i = 0; i < (args.warmup ?? 100); i++) await call();
    const t0 = performance.now();
    for (let i = 0; i < args.count; i++) await call();
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: args.count / seconds, seconds };
  },
  /** Complete workflows (start + result) with bounded concurrency. */
  async throughput(client) {
    const t0 = performance.now();
    await pool(args.count, args.concurrency, (i) =>
      client.workflow.execute(args.workflowType ?? 'oneActivity', { taskQueue: args.taskQueue, workflowId: `tp-${run}-${i}`, args: args.workflowArgs ?? [] }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: args.count / seconds, seconds };
  },
  /** Starts sleeping workflows and waits until each has completed its first workflow task. */
  async sleepers(client) {
    const handles = [];
    await pool(args.count, args.concurrency, async (i) => {
      handles.push(await client.workflow.start('sleeper', { taskQueue: args.taskQueue, workflowId: `sleep-${run}-${i}`, args: [3_600_000] }));
    });
    await pool(handles.length, args.concurrency, async (i) => {
      // Started, WFT scheduled, started, completed, timer started: the workflow is parked in cache.
      while ((await handles[i].describe()).historyLength < 5) await sleep(50);
    });
    return { parked: handles.length };
  },
};

settleWith(
  (async () => {
    const sdk = loadSdk(args.impl, args.backend);
    const { client, connection, close } = await sdk.connectClient(args.address);
    const core = args.impl === 'ours' ? assertCore(args.impl, args.backend) : undefined;
    emit({ ready: true, core });
    const result = await modes[args.mode](client, connection);
    await close();
    emit({ result });
    process.exit(0);
  })(),
);
