/**
 * Crashes under load, with nothing lost. Workflows (a retried activity, a timer and a signal, then
 * continue-as-new, a child workflow with its own activity and timer, and another retried activity)
 * run against the dev server with `--db`, in its own process, while the test SIGKILLs and restarts
 * the server (same port, same database) and the worker processes. The starter keeps going through
 * the restarts: it retries start and signal calls that fail with UNAVAILABLE, and its starts are
 * idempotent by workflow id (conflict policy USE_EXISTING, reuse policy REJECT_DUPLICATE).
 *
 * Afterwards: every workflow completed with its one correct result; every history's event ids run
 * 1..n without gap or duplicate; every workflow id was started once (one fresh run, one
 * continue-as-new run, one child); every activity's side effect happened at least once, within one
 * run, and each scheduled activity closed exactly once in its history; the database passes SQLite's
 * integrity check after every kill and at the end.
 *
 * npm test runs a short configuration; `npm run test:long` runs 2,000 workflows through 5 server
 * and 10 worker kills and writes the figures to bench/results/reliability.json.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { Client, Connection, ServiceError, WorkflowExecutionAlreadyStartedError } from '../../lib/client';
import { bundleWorkflowCode } from '../../lib/worker';
import { recordReliability, reliabilityScale } from '../support/reliability';
import { EffectsLog } from './chaos/effects-log';
import { ACTIVITY_KEYS, childWorkflowId, expectedResult, signalValue, type ChaosInput, type ChaosResult } from './chaos/plan';
import { freePort, startServerProcess, startWorkerProcess, type Child } from './chaos/processes';

const WORKFLOWS = reliabilityScale(200, 2000);
const SERVER_KILLS = reliabilityScale(2, 5);
const WORKER_KILLS = reliabilityScale(3, 10);
const WORKER_PROCESSES = 2;
/** Starts (each followed by its signal) in flight at once. */
const START_CONCURRENCY = 10;
/**
 * Workflows open at once: the starter holds back while this many are unfinished, so starts and
 * signals go on through most of the run and meet the server kills.
 */
const MAX_OPEN = Math.max(20, Math.floor(WORKFLOWS / 5));
/** How long the run may go without a single activity completing before it counts as stuck. */
const STUCK_MS = 90_000;
const TASK_QUEUE = 'chaos';

const GRPC_UNKNOWN = 2;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

let dir: string;
let cliPath: string;
let bundlePath: string;
let dbPath: string;
let effectsPath: string;
let port: number;
let server: Child;
const workers: Child[] = [];
let connection: Connection;
let client: Client;
let effects: EffectsLog;

const workflowId = (index: number): string => `chaos-${index}`;

beforeAll(async () => {
  // Inside the repository so the CLI bundle resolves the package's node_modules.
  const cache = path.join(__dirname, '..', '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(path.join(cache, 'chaos-'));
  cliPath = path.join(dir, 'cli.js');
  bundlePath = path.join(dir, 'workflows.js');
  dbPath = path.join(dir, 'dev.sqlite');
  effectsPath = path.join(dir, 'effects.sqlite');
  // The CLI bundled from source, as test/devserver/cli.test.ts does, so the server under test is
  // the current lib/ whether or not dist/ has been rebuilt.
  await build({ entryPoints: [path.join(__dirname, '..', '..', 'lib', 'cli.ts')], bundle: true, platform: 'node', packages: 'external', outfile: cliPath, logLevel: 'silent' });
  // Bundled once here instead of in every worker process that starts.
  const bundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'chaos', 'workflows.ts'), cacheDir: false });
  writeFileSync(bundlePath, bundle.code);
  effects = new EffectsLog(effectsPath);
  port = await freePort();
  server = await startServerProcess(cliPath, port, dbPath);
  connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  client = new Client({ connection });
  for (let i = 0; i < WORKER_PROCESSES; i++) workers.push(await startWorkerProcess(workerEnv()));
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await connection?.close();
  await server?.kill();
  effects?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function workerEnv(): Parameters<typeof startWorkerProcess>[0] {
  return { address: `127.0.0.1:${port}`, taskQueue: TASK_QUEUE, workflowBundle: bundlePath, effectsDb: effectsPath };
}

/** A failure that a server being restarted causes, and that a retry of the same call can cure. */
function transient(err: unknown): boolean {
  return err instanceof ServiceError && [GRPC_UNAVAILABLE, GRPC_DEADLINE_EXCEEDED, GRPC_UNKNOWN].includes(err.code);
}

const retried = { start: 0, signal: 0, result: 0 };
/** Start and signal calls in flight right now, and the sum of those in flight at each server kill. */
let callsInFlight = 0;
let callsCaughtByServerKills = 0;

/** Calls `fn` until it succeeds or fails with something other than a transient failure. */
async function retrying<T>(what: keyof typeof retried, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    callsInFlight++;
    try {
      return await fn();
    } catch (err) {
      if (!transient(err) || Date.now() > deadline) throw err;
      retried[what]++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      callsInFlight--;
    }
  }
}

/** Starts workflow `index` (safe to repeat: the id conflict policy returns the running workflow), then signals it. */
async function startAndSignal(index: number): Promise<void> {
  const id = workflowId(index);
  const input: ChaosInput = { index };
  await retrying('start', async () => {
    effects.record({ kind: 'start-call', workflowId: id, runId: '', key: '', attempt: 0 });
    try {
      await client.workflow.start('chaosWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: id,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // An earlier attempt that did start the workflow, which has already finished, must not start it again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowTaskTimeout: '3s',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  });
  await retrying('signal', async () => {
    effects.record({ kind: 'signal-call', workflowId: id, runId: '', key: '', attempt: 0 });
    await client.workflow.getHandle(id).signal('go', signalValue(index));
  });
}

async function startAll(): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: START_CONCURRENCY }, async () => {
      while (next < WORKFLOWS) {
        // A workflow is finished once its last activity (c) has succeeded.
        while (next - effects.countDone('c') >= MAX_OPEN) await new Promise((resolve) => setTimeout(resolve, 100));
        if (next < WORKFLOWS) await startAndSignal(next++);
      }
    }),
  );
}

/**
 * The kills, in the order they happen: each fires once this share of all activities has succeeded.
 * Server kills come in pairs where they can: the second kill of a pair hits the server just after it
 * came back, while it is recovering its state and re-arming timers (a crash during recovery).
 */
function killPlan(): Array<{ at: number; target: 'server' | 'worker'; times: number }> {
  const serverEvents = Math.ceil(SERVER_KILLS / 2);
  const plan = [
    ...Array.from({ length: serverEvents }, (_, i) => ({ at: (i + 1) / (serverEvents + 1), target: 'server' as const, times: Math.min(2, SERVER_KILLS - 2 * i) })),
    ...Array.from({ length: WORKER_KILLS }, (_, i) => ({ at: (i + 0.5) / (WORKER_KILLS + 1), target: 'worker' as const, times: 1 })),
  ];
  return plan.sort((x, y) => x.at - y.at);
}

/** Runs `PRAGMA integrity_check` on the dev server's database (while no server has it open). */
function integrityCheck(): string {
  const db = new Database(dbPath);
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

const kills = { server: 0, worker: 0 };
const integrity: string[] = [];
/** Worker or server processes that died without the test killing them. */
const crashes: string[] = [];

/** Notes any child process that died by itself (a worker that gave up on a restarted server, for instance). */
function checkForCrashes(): void {
  for (const child of [server, ...workers]) {
    const crash = child.unexpectedExit();
    if (crash !== undefined && !crashes.includes(crash)) crashes.push(crash);
  }
}

let startsFinished = false;

/** SIGKILLs the server and starts it again; `justRestarted`: the server came up a moment ago. */
async function killServer(justRestarted: boolean): Promise<void> {
  checkForCrashes();
  // Just long enough for the workers to reconnect and take the tasks recovery re-queued: the kill
  // then lands on that work.
  if (justRestarted) await new Promise((resolve) => setTimeout(resolve, 300));
  // While the starter is still at work, kill the server under one of its calls: the starter is
  // often held back by MAX_OPEN, and a kill between its calls would not test its retries.
  for (let waited = 0; !startsFinished && callsInFlight === 0 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  callsCaughtByServerKills += callsInFlight;
  await server.kill();
  kills.server++;
  integrity.push(integrityCheck());
  // Down for a moment, so that clients and workers see it gone.
  await new Promise((resolve) => setTimeout(resolve, 500));
  server = await startServerProcess(cliPath, port, dbPath);
}

async function killWorker(): Promise<void> {
  checkForCrashes();
  const slot = kills.worker % WORKER_PROCESSES;
  await (workers[slot] as Child).kill();
  kills.worker++;
  workers[slot] = await startWorkerProcess(workerEnv());
}

/** Waits until `count` activities have succeeded; fails if none succeeds for STUCK_MS. */
async function progressTo(count: number, starting: Promise<void>): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  let startFailure: unknown;
  starting.catch((err: unknown) => (startFailure = err));
  for (;;) {
    if (startFailure !== undefined) throw startFailure;
    const done = effects.count('done');
    if (done >= count) return;
    if (done !== last) {
      last = done;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STUCK_MS) {
      throw new Error(`stuck: ${done} of ${count} activities done, none for ${STUCK_MS} ms (kills so far: ${JSON.stringify(kills)})\nserver:\n${server.output().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface RunHistory {
  workflowId: string;
  runId: string;
  events: temporal.api.history.v1.IHistoryEvent[];
}

async function allRuns(): Promise<RunHistory[]> {
  const runs: Array<{ workflowId: string; runId: string }> = [];
  for await (const info of client.workflow.list({ pageSize: 1000 })) runs.push({ workflowId: info.workflowId, runId: info.runId });
  const histories: RunHistory[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < runs.length) {
        const run = runs[next++] as { workflowId: string; runId: string };
        const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        histories.push({ ...run, events: history.events ?? [] });
      }
    }),
  );
  return histories;
}

/** Problems in one history: event ids other than 1..n, and scheduled activities not closed exactly once by a completion. */
function historyDefects(run: RunHistory): { gaps: number; duplicates: number; activityCloses: string[] } {
  const ids = run.events.map((e) => Number(e.eventId));
  const seen = new Set<number>();
  let duplicates = 0;
  for (const id of ids) {
    if (seen.has(id)) duplicates++;
    seen.add(id);
  }
  let gaps = 0;
  for (let expected = 1; expected <= Math.max(0, ...ids); expected++) if (!seen.has(expected)) gaps++;
  if (ids.some((id, i) => id !== i + 1) && gaps === 0 && duplicates === 0) gaps++; // out of order
  const closes = new Map<number, string[]>();
  for (const e of run.events) if (e.activityTaskScheduledEventAttributes) closes.set(Number(e.eventId), []);
  for (const e of run.events) {
    const close =
      (e.activityTaskCompletedEventAttributes && 'completed') ||
      (e.activityTaskFailedEventAttributes && 'failed') ||
      (e.activityTaskTimedOutEventAttributes && 'timed out') ||
      (e.activityTaskCanceledEventAttributes && 'canceled');
    if (!close) continue;
    const attrs = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    closes.get(Number(attrs?.scheduledEventId))?.push(close);
  }
  const activityCloses = [...closes.entries()].filter(([, c]) => c.length !== 1 || c[0] !== 'completed').map(([id, c]) => `${run.workflowId}/${run.runId} activity ${id}: ${c.join(',') || 'never closed'}`);
  return { gaps, duplicates, activityCloses };
}

it(`${WORKFLOWS} workflows through ${SERVER_KILLS} server kills and ${WORKER_KILLS} worker kills: nothing lost, nothing duplicated`, async () => {
  const started = Date.now();
  const starting = startAll().then(() => {
    startsFinished = true;
  });
  const totalActivities = WORKFLOWS * ACTIVITY_KEYS.length;
  for (const kill of killPlan()) {
    await progressTo(Math.ceil(kill.at * totalActivities), starting);
    if (kill.target === 'server') for (let i = 0; i < kill.times; i++) await killServer(i > 0);
    else await killWorker();
  }
  await starting;
  await progressTo(totalActivities, starting);
  // Every worker and the server lived through every restart of the other side.
  checkForCrashes();
  expect(crashes).toEqual([]);

  // Every workflow completed, with its one correct result.
  const results = await Promise.all(
    Array.from({ length: WORKFLOWS }, (_, i) => retrying('result', () => client.workflow.getHandle(workflowId(i)).result() as Promise<ChaosResult>)),
  );
  const durationMs = Date.now() - started;
  const wrong = results.flatMap((r, i) => (JSON.stringify(r) === JSON.stringify(expectedResult(i, workflowId(i))) ? [] : [workflowId(i)]));
  expect(wrong).toEqual([]);

  // Histories: ids 1..n, each workflow id started once, each activity closed once by a completion.
  const runs = await allRuns();
  const defects = runs.map(historyDefects);
  const gaps = defects.reduce((n, d) => n + d.gaps, 0);
  const duplicateEvents = defects.reduce((n, d) => n + d.duplicates, 0);
  const activityCloses = defects.flatMap((d) => d.activityCloses);
  expect({ gaps, duplicateEvents }).toEqual({ gaps: 0, duplicateEvents: 0 });
  expect(activityCloses).toEqual([]);
  const freshStarts = new Map<string, number>();
  const runsPerId = new Map<string, number>();
  for (const run of runs) {
    runsPerId.set(run.workflowId, (runsPerId.get(run.workflowId) ?? 0) + 1);
    const start = run.events[0]?.workflowExecutionStartedEventAttributes;
    if (start && !start.continuedExecutionRunId) freshStarts.set(run.workflowId, (freshStarts.get(run.workflowId) ?? 0) + 1);
  }
  const expectedRuns = new Map<string, number>();
  for (let i = 0; i < WORKFLOWS; i++) {
    expectedRuns.set(workflowId(i), 2); // the first run and its continue-as-new
    expectedRuns.set(childWorkflowId(workflowId(i)), 1);
  }
  const startedTwice = [...freshStarts].filter(([, n]) => n !== 1).map(([id]) => id);
  const wrongRunCount = [...expectedRuns].filter(([id, n]) => runsPerId.get(id) !== n).map(([id]) => `${id}: ${runsPerId.get(id) ?? 0} runs`);
  expect(startedTwice).toEqual([]);
  expect(wrongRunCount).toEqual([]);
  expect(runs.length).toBe(WORKFLOWS * 3);

  // Side effects: every activity succeeded at least once, and only ever within one run.
  const done = new Set(effects.rows('done').map((r) => `${r.workflowId}/${r.key}`));
  const runsByActivity = new Map<string, Set<string>>();
  for (const r of effects.rows('attempt')) {
    const key = `${r.workflowId}/${r.key}`;
    let set = runsByActivity.get(key);
    if (!set) runsByActivity.set(key, (set = new Set()));
    set.add(r.runId);
  }
  const activityIds = Array.from({ length: WORKFLOWS }, (_, i) => [`${workflowId(i)}/a`, `${childWorkflowId(workflowId(i))}/b`, `${workflowId(i)}/c`]).flat();
  const missingEffects = activityIds.filter((id) => !done.has(id));
  const effectsInTwoRuns = [...runsByActivity].filter(([, set]) => set.size !== 1).map(([id]) => id);
  expect(missingEffects).toEqual([]);
  expect(effectsInTwoRuns).toEqual([]);

  // The database: sound after every kill, and at the end after a clean stop.
  expect(await server.stop()).toBe(0);
  integrity.push(integrityCheck());
  expect(integrity).toEqual(Array.from({ length: SERVER_KILLS + 1 }, () => 'ok'));
  expect(kills).toEqual({ server: SERVER_KILLS, worker: WORKER_KILLS });

  const lost = wrong.length + gaps + missingEffects.length;
  const duplicated = duplicateEvents + startedTwice.length + activityCloses.length + effectsInTwoRuns.length + Math.max(0, runs.length - WORKFLOWS * 3);
  expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  recordReliability('chaos', {
    workflows: WORKFLOWS,
    runs: runs.length,
    historyEvents: runs.reduce((n, r) => n + r.events.length, 0),
    serverKills: kills.server,
    workerKills: kills.worker,
    restarts: kills.server + kills.worker,
    durationSeconds: Math.round(durationMs / 100) / 10,
    startCalls: effects.count('start-call'),
    callsCaughtByServerKills,
    startRetries: retried.start,
    signalRetries: retried.signal,
    activityAttempts: effects.count('attempt'),
    activitySuccesses: effects.count('done'),
    // At least once: an activity whose worker died after its side effect, or whose completion died
    // with the server, ran again; its workflow still saw one result.
    activitiesRunTwice: effects.count('done') - totalActivities,
    integrityChecks: integrity.length,
    lost,
    duplicated,
  });
}, reliabilityScale(600_000, 3_600_000));
