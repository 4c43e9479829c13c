#!/usr/bin/env node
'use strict';
// The JS cost per activity task of our worker, without a server or a core: an ActivityTaskLoop
// (from dist/) drives a stand-in CoreWorker that hands out N pre-encoded no-op activity starts as
// fast as they are polled and acknowledges every completion at once. Prints microseconds of CPU
// and of wall time per task; differences here are what a change saves on the worker's JS thread.
//   node bench/micro/activity-loop.js [tasks=50000] [rounds=5]
const { coresdk } = require('@temporalio/proto');
const { ActivityTaskLoop } = require('../../dist/worker/activity/activity-task-loop');
const { resolveDataConverter } = require('../../dist/converter');

const tasks = Number(process.argv[2] ?? 50_000);
const rounds = Number(process.argv[3] ?? 5);

function encodedStarts(n) {
  const out = [];
  const now = { seconds: Math.floor(Date.now() / 1000), nanos: 0 };
  for (let i = 0; i < n; i++) {
    out.push(
      coresdk.activity_task.ActivityTask.encode({
        taskToken: Buffer.from(`token-${i}-${'x'.repeat(40)}`),
        start: {
          workflowNamespace: 'default',
          workflowType: 'manyActivities',
          workflowExecution: { workflowId: `wf-${i >> 6}`, runId: '8f1c2d3e-0000-4000-8000-000000000000' },
          activityId: String(i & 63),
          activityType: 'noop',
          scheduledTime: now,
          currentAttemptScheduledTime: now,
          startedTime: now,
          attempt: 1,
          startToCloseTimeout: { seconds: 30 },
          retryPolicy: { initialInterval: { seconds: 1 }, backoffCoefficient: 2, maximumInterval: { seconds: 100 } },
        },
      }).finish(),
    );
  }
  return out;
}

/** A CoreWorker that serves `starts` in order, then reports shutdown; completions resolve at once. */
function standInWorker(starts) {
  let next = 0;
  let completed = 0;
  return {
    get completed() {
      return completed;
    },
    pollActivityTask: () => Promise.resolve(next < starts.length ? starts[next++] : null),
    completeActivityTask: () => {
      completed++;
      return Promise.resolve();
    },
    recordActivityHeartbeat() {},
  };
}

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

async function round(starts) {
  const coreWorker = standInWorker(starts);
  const loop = new ActivityTaskLoop({
    coreWorker,
    activities: new Map([['noop', async () => undefined]]),
    dataConverter: resolveDataConverter(),
    interceptors: {},
    logger: silent,
    namespace: 'default',
    taskQueue: 'bench',
    maxConcurrentActivityTaskExecutions: 200,
    onFatalError: (err) => {
      throw err;
    },
  });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await loop.run();
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (coreWorker.completed !== starts.length) throw new Error(`completed ${coreWorker.completed} of ${starts.length}`);
  return { cpuUs: (cpu.user + cpu.system) / starts.length, wallUs: wallUs / starts.length };
}

async function main() {
  const starts = encodedStarts(tasks);
  await round(starts.slice(0, 5000)); // warm-up: JIT and protobufjs code generation
  const results = [];
  for (let i = 0; i < rounds; i++) results.push(await round(starts));
  const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
  console.log(JSON.stringify({ tasks, rounds, cpuUsPerTask: median('cpuUs').toFixed(2), wallUsPerTask: median('wallUs').toFixed(2) }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
