#!/usr/bin/env node
'use strict';
// Cost of the engine's transactions under activity fan-out, without gRPC or workers: every run
// schedules `fanout` activities, then each one is started and closed in its own transaction, the
// way dispatch and completion do it. Every transaction snapshots the touched run for rollback, so
// the snapshot's cost shows up directly here.
//   node bench/micro/engine-transact.js [workflows=100] [fanout=50] [--db]
// Uses the compiled server (`npx tsc -p tsconfig.build.json` first). With --db the commits go to a
// throwaway SQLite file, as with `--db` on the dev server.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Engine } = require('../../dist/devserver/engine/engine');
const { Execution } = require('../../dist/devserver/engine/execution');
const { SqliteStore } = require('../../dist/devserver/persistence');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const workflows = Number(args[0] ?? 100);
const fanout = Number(args[1] ?? 50);
const useDb = process.argv.includes('--db');

function runRecord(i) {
  return {
    namespace: 'default', workflowId: `wf-${i}`, runId: `run-${i}`, firstRunId: `run-${i}`,
    workflowType: 'fanOut', taskQueue: 'bench', status: 1, startTime: Date.now(), executionTime: Date.now(),
    closeTime: 0, nextEventId: 1, requestId: `req-${i}`, workflowTaskTimeoutMs: 10000, runTimeoutMs: 0,
    executionTimeoutMs: 0, runDeadline: 0, executionDeadline: 0, firstTaskAt: 0, wft: null,
    lastCompletedWftStartedId: 0, stickyQueue: '', stickyScheduleToStartMs: 0, buffered: [],
    activities: {}, timers: {}, children: {}, updates: {}, cancelRequested: false, signalRequestIds: [],
    newRunId: '', closeEventId: 0, attempt: 1, cronSchedule: '',
  };
}

function activityRecord(id) {
  const now = Date.now();
  return {
    scheduledEventId: id, activityId: String(id), activityType: 'echo', taskQueue: 'bench', state: 'queued',
    attempt: 1, scheduledTime: now, currentAttemptScheduledTime: now, startedTime: 0, startedIdentity: '',
    scheduleToStartMs: 0, startToCloseMs: 60000, scheduleToCloseMs: 0, heartbeatMs: 0,
    scheduleToStartDeadline: 0, startToCloseDeadline: 0, scheduleToCloseDeadline: 0, heartbeatDeadline: 0,
    backoffUntil: 0, lastHeartbeatTime: 0,
    retryPolicy: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 100000, maximumAttempts: 0, nonRetryableErrorTypes: [] },
    cancelRequested: false, cancelRequestedEventId: 0,
  };
}

function event(exec, eventType) {
  return { eventId: exec.rec.nextEventId, eventTime: { seconds: Math.floor(Date.now() / 1000), nanos: 0 }, eventType };
}

function main() {
  const dir = useDb ? mkdtempSync(join(tmpdir(), 'engine-transact-')) : null;
  const store = dir ? new SqliteStore(join(dir, 'bench.db')) : null;
  const hooks = { dispatchWorkflowTask: () => null, dispatchActivityTask: () => null, deadlines: () => new Map() };
  const engine = new Engine(hooks, store, () => {});
  try {
    const runs = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < workflows; i++) {
      engine.transact(() => {
        const exec = new Execution(runRecord(i), []);
        engine.register(exec);
        engine.append(exec, 1, {});
        runs.push(exec);
      });
    }
    let transactions = 0;
    // Schedule all activities of every run (one transaction per run, like a workflow task completion).
    for (const exec of runs) {
      engine.transact(() => {
        engine.touch(exec);
        for (let a = 0; a < fanout; a++) {
          const ev = engine.append(exec, 10, {});
          exec.rec.activities[String(ev.eventId)] = activityRecord(ev.eventId);
        }
      });
      transactions++;
    }
    // Start every activity, then close every activity: one transaction each.
    for (const exec of runs) {
      for (const act of Object.values(exec.rec.activities)) {
        engine.transact(() => {
          engine.touch(exec);
          act.state = 'started';
          act.startedTime = Date.now();
          act.startToCloseDeadline = act.startedTime + act.startToCloseMs;
        });
        transactions++;
      }
    }
    for (const exec of runs) {
      for (const id of Object.keys(exec.rec.activities)) {
        engine.transact(() => {
          engine.touch(exec);
          delete exec.rec.activities[id];
          engine.append(exec, 11, {});
        });
        transactions++;
      }
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ mode: useDb ? 'db' : 'memory', workflows, fanout, transactions, ms: Math.round(ms), usPerTransaction: Math.round((ms * 1000) / transactions) }));
  } finally {
    engine.stop();
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main();
