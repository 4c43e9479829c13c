#!/usr/bin/env node
'use strict';
// Splits the client's start + result() latency into its parts, for our client and the official one
// in turn against one dev server and one official worker: a bare RPC (GetSystemInfo), start alone,
// and start + result() of the one-activity workflow. Both clients run in this process, one after
// the other, several rounds, so a loaded machine's drift hits both alike.
//   node bench/micro/client-latency.js [runs=100] [rounds=3] [ours|official]
// (name one SDK to measure only it, e.g. under `node --cpu-prof`).
const { performance } = require('node:perf_hooks');
const { startRole } = require('../procs');

const runs = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 3);
const impls = process.argv[4] ? [process.argv[4]] : ['official', 'ours'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function clients(address) {
  const official = require('@temporalio/client');
  const ours = require('../../dist');
  const oc = await official.Connection.connect({ address });
  const nc = await ours.Connection.connect({ address });
  return {
    official: { client: new official.Client({ connection: oc }), rpc: () => oc.workflowService.getSystemInfo({}), close: () => oc.close() },
    ours: { client: new ours.Client({ connection: nc }), rpc: () => nc.workflowService.call('GetSystemInfo', {}), close: () => nc.close() },
  };
}

async function main() {
  const roles = [];
  try {
    const server = startRole('devserver');
    roles.push(server);
    const { address } = await server.ready;
    const worker = startRole('worker', { impl: 'official', address, taskQueue: 'cl', workflows: true, activities: true });
    roles.push(worker);
    await worker.ready;
    const sdks = await clients(address);
    const results = { official: [], ours: [] };
    for (let round = 0; round < rounds; round++) {
      for (const impl of impls) {
        const { client, rpc } = sdks[impl];
        const tag = `${impl}-${round}-${Date.now().toString(36)}`;
        const opts = (i, kind) => ({ taskQueue: 'cl', workflowId: `${kind}-${tag}-${i}` });
        const rpcMs = await time(runs, () => rpc());
        const startMs = await time(runs, (i) => client.workflow.start('empty', opts(i, 's')));
        const executeMs = await time(runs, (i) => client.workflow.execute('oneActivity', opts(i, 'e')));
        results[impl].push({ rpcMs, startMs, executeMs });
      }
    }
    for (const impl of impls) {
      const r = results[impl];
      const f = (k) => median(r.map((x) => x[k])).toFixed(2);
      console.log(`${impl.padEnd(8)} rpc ${f('rpcMs')} ms  start ${f('startMs')} ms  start+result ${f('executeMs')} ms`);
    }
    await Promise.all(Object.values(sdks).map((s) => s.close()));
  } finally {
    for (const role of roles.reverse()) await role.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
