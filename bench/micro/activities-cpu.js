#!/usr/bin/env node
'use strict';
// Where the CPU goes in the `activities` benchmark: runs the same workload as `run.js activities`
// for one SDK's activity worker and prints throughput plus the CPU milliseconds each process
// (server, official workflow worker, measured activity worker, client) spent per activity.
//   node bench/micro/activities-cpu.js [ours|official] [workflows=100] [--prof | --prof=server]
// With --prof the activity worker (with --prof=server the dev server) writes a V8 CPU profile to
// /tmp/bench-prof.
const { chmodSync, writeFileSync } = require('node:fs');
const { startRole, cpuMsOf } = require('../procs');

const impl = process.argv[2] ?? 'ours';
const workflows = Number(process.argv[3] ?? 100);
const prof = process.argv.includes('--prof');
const profServer = process.argv.includes('--prof=server');
const fanout = 50;

async function main() {
  const roles = [];
  try {
    await measure(roles);
  } finally {
    // Stop whatever was started, newest first, even when the measurement failed.
    for (const role of roles.reverse()) await role.stop();
  }
}

/** Starts a role; with `profiled`, through a wrapper, since --cpu-prof is refused in NODE_OPTIONS. */
function startMaybeProfiled(profiled, role, args) {
  if (!profiled) return startRole(role, args);
  const node = process.execPath;
  const wrapper = '/tmp/bench-prof-node.sh';
  writeFileSync(wrapper, `#!/bin/sh\nexec ${node} --cpu-prof --cpu-prof-dir=/tmp/bench-prof "$@"\n`);
  chmodSync(wrapper, 0o755);
  process.execPath = wrapper;
  try {
    return startRole(role, args);
  } finally {
    process.execPath = node;
  }
}

async function measure(roles) {
  const server = startMaybeProfiled(profServer, 'devserver');
  roles.push(server);
  const { address } = await server.ready;
  const wf = startRole('worker', { impl: 'official', address, taskQueue: 'act', workflows: true, activities: false });
  roles.push(wf);
  await wf.ready;
  const act = startMaybeProfiled(prof, 'worker', { impl, address, taskQueue: 'act', workflows: false, activities: true, maxConcurrentActivityTaskExecutions: 200 });
  roles.push(act);
  await act.ready;
  const run = async (count, concurrency) => {
    const client = startRole('client', { impl: 'official', address, mode: 'throughput', taskQueue: 'act', workflowType: 'manyActivities', workflowArgs: [fanout], count, concurrency });
    await client.ready;
    const { result } = await client.next('result');
    await client.stop();
    return result;
  };
  await run(10, 10);
  const pids = { server: server.child.pid, workflowWorker: wf.child.pid, activityWorker: act.child.pid };
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMsOf(pid)]));
  const tp = await run(workflows, 20);
  const activities = workflows * fanout;
  const perActivity = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, ((cpuMsOf(pid) - before[k]) / activities).toFixed(3)]));
  console.log(JSON.stringify({ impl, activitiesPerSec: Math.round(tp.perSecond * fanout), seconds: tp.seconds.toFixed(2), cpuMsPerActivity: perActivity }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
