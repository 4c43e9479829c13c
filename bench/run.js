#!/usr/bin/env node
'use strict';
// `npm run bench [suite...]`: every side-by-side benchmark, each party in its own process, our SDK
// always on the `native` backend (the real C bridge library; the run stops at once when it cannot
// load). Writes bench/results/latest.json (latest-<suites>.json for a subset) and prints the same
// figures as a markdown table.
//
// Environment: BENCH_SCALE (default 1) multiplies every workflow/call count, for quick smoke runs;
// BENCH_ROUNDS (default 2) is the number of alternating rounds of the native-vs-neon and activity
// figures.
process.env.TEMPORAL_CORE_BACKEND = 'native';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRole, rssOf, cpuMsOf } = require('./procs');
const { COMPRESSION } = require('./sdks');
const { markdown } = require('./report');

const MB = 1024 * 1024;
const REPO = path.join(__dirname, '..');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS ?? 2)));
if (!(SCALE > 0)) throw new TypeError(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
const OFFICIAL_VERSION = require('@temporalio/worker/package.json').version;

/** `n` scaled by BENCH_SCALE, at least `min`. */
const scaled = (n, min = 1) => Math.max(min, Math.round(n * SCALE));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const AGAINST = {
  official: `official SDK ${OFFICIAL_VERSION}`,
  neon: 'our SDK on neon',
  cli: 'Temporal CLI dev server',
  inProcess: 'our SDK, the same activities in-process (no pool)',
  none: '—',
};

/** What our SDK's processes reported having mapped, by backend: proof of the core each figure ran on. */
const observedCores = {};
function observe(ready) {
  if (!ready?.core) return;
  const key = ready.core.backend;
  observedCores[key] ??= { processes: 0, library: new Set(), addon: new Set(), neon: new Set() };
  observedCores[key].processes++;
  for (const field of ['library', 'addon', 'neon']) if (ready.core[field]) observedCores[key][field].add(ready.core[field]);
}

/** Runs a client role to completion and returns what it measured. */
async function clientRun(args) {
  const role = startRole('client', { backend: 'native', ...args });
  observe(await role.ready);
  const { result } = await role.next('result');
  await role.stop();
  return result;
}

/** Runs `fn` with a worker child; always stops it. */
async function withWorker(args, fn, spawnOptions) {
  const role = startRole('worker', { backend: 'native', ...args }, spawnOptions);
  try {
    const ready = await role.ready;
    if (args.impl === 'ours') observe(ready);
    return await fn(role, ready);
  } finally {
    await role.stop();
  }
}

/**
 * One figure. `ours` and `theirs` are the two measured values, `against` names what `theirs` is;
 * the goal applies to the ratio ours/theirs unless `extra.goalApplies` is 'ours' (an absolute goal).
 */
function figure(name, unit, oursValue, theirsValue, against, goal, lowerIsBetter, extra = {}) {
  const ours = oursValue ?? null;
  const theirs = theirsValue ?? null;
  const ratio = ours != null && theirs != null && theirs !== 0 ? ours / theirs : null;
  const goalApplies = extra.goalApplies ?? 'ratio';
  const value = goalApplies === 'ours' ? ours : ratio;
  const met = goal == null ? null : value == null ? false : lowerIsBetter ? value <= goal : value >= goal;
  return { name, unit, ours, theirs, against, ratio, goal, lowerIsBetter, goalApplies, ...extra, met };
}

/** Measures `measure(impl)` for each of `impls` in turn; a failure yields null and keeps the error. */
async function sideBySide(measure, impls = ['official', 'ours']) {
  const out = {};
  for (const impl of impls) {
    try {
      out[impl] = await measure(impl);
    } catch (err) {
      out[impl] = null;
      out[`${impl}Error`] = err instanceof Error ? err.message : String(err);
      process.stderr.write(`  ${impl} failed: ${out[`${impl}Error`]}\n`);
    }
  }
  return out;
}

/** Errors of a sideBySide result, as figure fields (`oursError`, `theirsError`). */
function errors(measured, oursKey = 'ours', theirsKey = 'official') {
  const out = {};
  if (measured[`${oursKey}Error`]) out.oursError = measured[`${oursKey}Error`];
  if (measured[`${theirsKey}Error`]) out.theirsError = measured[`${theirsKey}Error`];
  return out;
}

function mb(bytes) {
  return bytes == null ? null : bytes / MB;
}

/** A fresh working directory with an empty node_modules: our worker's bundle and code caches start empty there. */
function emptyProjectDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${label}-`));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  return dir;
}

/** Files in a folder tree (relative paths), for recording what a cache held. */
function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

const suites = {
  /** Client latency and start throughput, same official worker behind both clients. */
  async client({ address }) {
    return withWorker({ impl: 'official', address, taskQueue: 'cl', workflows: true, activities: true }, async () => {
      await clientRun({ impl: 'official', address, mode: 'latency', taskQueue: 'cl', count: scaled(20) });
      const latency = await sideBySide((impl) => clientRun({ impl, address, mode: 'latency', taskQueue: 'cl', count: scaled(200, 10) }));
      const starts = await sideBySide((impl) =>
        clientRun({ impl, address, mode: 'starts', taskQueue: `cl-starts-${impl}`, count: scaled(1000, 50), concurrency: 100 }),
      );
      return [
        figure('client_start_result_latency_p50', 'ms', latency.ours?.p50, latency.official?.p50, AGAINST.official, 0.8, true, errors(latency)),
        figure('client_start_result_latency_p99', 'ms', latency.ours?.p99, latency.official?.p99, AGAINST.official, 0.8, true, errors(latency)),
        figure('client_starts_per_sec', 'starts/s', starts.ours?.perSecond, starts.official?.perSecond, AGAINST.official, 1.25, false, errors(starts)),
      ];
    });
  },

  /**
   * Activity throughput of one worker with 200 slots, workflows served by the official worker: the
   * official activity worker, ours on native and ours on neon, in alternating rounds.
   */
  async activities({ address }) {
    const fanout = 50;
    const workflows = scaled(100, 4);
    const samples = { official: [], native: [], neon: [] };
    const rss = { official: [], native: [], neon: [] };
    const errs = {};
    await withWorker({ impl: 'official', address, taskQueue: 'act', workflows: true, activities: false }, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        for (const party of round % 2 ? ['neon', 'native', 'official'] : ['official', 'native', 'neon']) {
          const impl = party === 'official' ? 'official' : 'ours';
          try {
            await withWorker(
              { impl, backend: party === 'official' ? undefined : party, address, taskQueue: 'act', workflows: false, activities: true, maxConcurrentActivityTaskExecutions: 200 },
              async (role) => {
                await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'act', workflowType: 'manyActivities', workflowArgs: [fanout], count: 10, concurrency: 10 });
                const tp = await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'act', workflowType: 'manyActivities', workflowArgs: [fanout], count: workflows, concurrency: 20 });
                samples[party].push(tp.perSecond * fanout);
                rss[party].push(rssOf(role.child.pid));
              },
            );
          } catch (err) {
            errs[party] = err instanceof Error ? err.message : String(err);
            process.stderr.write(`  ${party} failed: ${errs[party]}\n`);
          }
        }
      }
    });
    const detail = (a, b) => ({ samples: { [a]: samples[a], [b]: samples[b] }, rounds: ROUNDS, activitiesPerRound: workflows * fanout });
    const err = (a, b) => ({ ...(errs[a] && { oursError: errs[a] }), ...(errs[b] && { theirsError: errs[b] }) });
    return [
      figure('activities_per_sec', 'activities/s', median(samples.native), median(samples.official), AGAINST.official, 1.5, false, { ...err('native', 'official'), detail: detail('native', 'official') }),
      figure('activity_worker_rss', 'MB', mb(median(rss.native)), mb(median(rss.official)), AGAINST.official, 1.0, true, err('native', 'official')),
      figure('native_vs_neon_activities_per_sec', 'activities/s', median(samples.native), median(samples.neon), AGAINST.neon, 1.0, false, { ...err('native', 'neon'), detail: detail('native', 'neon') }),
    ];
  },

  /**
   * Workflow worker: start-up to the first completed workflow, cold (a fresh working directory, so
   * our bundle and V8 code caches are empty) then warm (a second process in the same directory:
   * both caches filled by the first); then throughput and memory with many cached workflows.
   */
  async workflows({ address }) {
    const measured = await sideBySide(async (impl) => {
      const cwd = emptyProjectDir(`wf-${impl}`);
      const spawnOptions = { cwd, env: { TMPDIR: cwd } };
      try {
        const cold = await withWorker({ impl, address, taskQueue: `wf-cold-${impl}`, workflows: true, activities: true, measureStart: true }, async (_, ready) => ready.startMs, spawnOptions);
        const cached = listFiles(path.join(cwd, 'node_modules', '.cache'));
        return await withWorker(
          { impl, address, taskQueue: `wf-${impl}`, workflows: true, activities: true, measureStart: true, maxCachedWorkflows: 2000 },
          async (role, ready) => {
            const tp = await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: `wf-${impl}`, count: scaled(1000, 50), concurrency: 100 });
            await clientRun({ impl: 'official', address, mode: 'sleepers', taskQueue: `wf-${impl}`, count: scaled(1000, 50), concurrency: 100 });
            role.send({ gc: true });
            await role.next('gcDone');
            return { coldMs: cold, warmMs: ready.startMs, cached, perSecond: tp.perSecond, rss: rssOf(role.child.pid) };
          },
          spawnOptions,
        );
      } finally {
        fs.rmSync(cwd, { recursive: true, force: true });
      }
    });
    const e = errors(measured);
    return [
      figure('workflow_worker_start_to_first_workflow_cold', 'ms', measured.ours?.coldMs, measured.official?.coldMs, AGAINST.official, 0.2, true, e),
      figure('workflow_worker_start_to_first_workflow_warm', 'ms', measured.ours?.warmMs, measured.official?.warmMs, AGAINST.official, 0.2, true, {
        ...e,
        detail: { cacheFilesAfterColdRun: { ours: measured.ours?.cached, official: measured.official?.cached } },
      }),
      figure('one_activity_workflows_per_sec', 'workflows/s', measured.ours?.perSecond, measured.official?.perSecond, AGAINST.official, 1.25, false, e),
      figure(`rss_with_${scaled(1000, 50)}_cached_sleeping_workflows`, 'MB', mb(measured.ours?.rss), mb(measured.official?.rss), AGAINST.official, 0.5, true, e),
    ];
  },

  /** Sequential DescribeNamespace calls on one connection: our SDK on native against our SDK on neon. */
  async rpc({ address }) {
    const samples = { native: [], neon: [] };
    const errs = {};
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const backend of round % 2 ? ['neon', 'native'] : ['native', 'neon']) {
        try {
          const r = await clientRun({ impl: 'ours', backend, address, mode: 'rpc', count: scaled(3000, 100), warmup: 200 });
          samples[backend].push(r.perSecond);
        } catch (err) {
          errs[backend] = err instanceof Error ? err.message : String(err);
        }
      }
    }
    return [
      figure('native_vs_neon_rpc_per_sec', 'calls/s', median(samples.native), median(samples.neon), AGAINST.neon, 1.0, false, {
        ...(errs.native && { oursError: errs.native }),
        ...(errs.neon && { theirsError: errs.neon }),
        detail: { samples, callsPerRound: scaled(3000, 100) },
      }),
    ];
  },

  /**
   * The activity pool: CPU-bound activities (about 20 ms of hashing each, calibrated here) through
   * our pool of threads against the official worker running them in-process, with the worker main
   * thread's event-loop lag meanwhile; then no-op activities through the pool against in-process.
   * Every party is one activity worker with the same slots; an official worker serves the
   * workflows; parties take turns in alternating order over BENCH_ROUNDS rounds (medians).
   */
  async pool({ address }) {
    const { calibrate } = require('./hash');
    const hash = calibrate(20);
    const fanout = 50;
    const slots = 200;
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    const activityPool = { isolation: 'thread', numWorkers: cores, maxQueueSize: slots - cores };
    const loads = {
      cpu: { type: 'cpuHash', args: [hash.rounds], warmup: scaled(2, 1), workflows: scaled(12, 2) },
      noop: { type: 'noop', args: [], warmup: scaled(10, 2), workflows: scaled(60, 4) },
    };
    const parties = {
      official: { impl: 'official', activities: 'pool-suite', load: 'cpu' },
      poolCpu: { impl: 'ours', activityPool, load: 'cpu' },
      poolNoop: { impl: 'ours', activityPool, load: 'noop' },
      inProcessNoop: { impl: 'ours', activities: 'pool-suite', load: 'noop' },
    };
    const samples = Object.fromEntries(Object.keys(parties).map((p) => [p, []]));
    const lags = Object.fromEntries(Object.keys(parties).map((p) => [p, []]));
    const cpuPercent = Object.fromEntries(Object.keys(parties).map((p) => [p, []]));
    const errs = {};
    await withWorker({ impl: 'official', address, taskQueue: 'pool', workflows: true, activities: false }, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const order = Object.keys(parties);
        for (const party of round % 2 ? order.reverse() : order) {
          const { impl, load: loadName, ...settings } = parties[party];
          const load = loads[loadName];
          const run = (count) =>
            clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'pool', workflowType: 'manyActivitiesOf', workflowArgs: [load.type, fanout, load.args], count, concurrency: 20 });
          try {
            await withWorker({ impl, address, taskQueue: 'pool', workflows: false, activities: false, ...settings, maxConcurrentActivityTaskExecutions: slots }, async (role) => {
              await run(load.warmup);
              role.send({ lag: 'start' });
              const cpu0 = cpuMsOf(role.child.pid);
              const tp = await run(load.workflows);
              cpuPercent[party].push(((cpuMsOf(role.child.pid) - cpu0) / (tp.seconds * 1000)) * 100);
              role.send({ lag: 'stop' });
              const { lagResult } = await role.next('lagResult');
              samples[party].push(tp.perSecond * fanout);
              lags[party].push(lagResult);
            });
          } catch (err) {
            errs[party] = err instanceof Error ? err.message : String(err);
            process.stderr.write(`  ${party} failed: ${errs[party]}\n`);
          }
        }
      }
    });
    const err = (a, b) => ({ ...(errs[a] && { oursError: errs[a] }), ...(errs[b] && { theirsError: errs[b] }) });
    const p99s = (party) => lags[party].map((l) => l.p99);
    const common = { rounds: ROUNDS, slots, activityPool, workerCpuPercentOfOneCore: cpuPercent };
    const cpuDetail = {
      ...common,
      samples: { ours: samples.poolCpu, theirs: samples.official },
      activitiesPerRound: loads.cpu.workflows * fanout,
      activity: { hashRounds: hash.rounds, cpuMsPerRound: hash.msPerRound, calibratedCpuMs: hash.rounds * hash.msPerRound, what: 'chained SHA-256 of a 16 KiB block (node:crypto), bench/pool-activities.js' },
    };
    const oursNoop = median(samples.poolNoop);
    const inProcessNoop = median(samples.inProcessNoop);
    return [
      figure('cpu_activities_per_sec', 'activities/s', median(samples.poolCpu), median(samples.official), `${AGAINST.official}, activities in-process`, 1.8, false, { ...err('poolCpu', 'official'), detail: cpuDetail }),
      figure('event_loop_lag_p99_during_cpu_activities', 'ms', median(p99s('poolCpu')), median(p99s('official')), `${AGAINST.official}, activities in-process`, 0.1, true, {
        ...err('poolCpu', 'official'),
        detail: { ...common, lag: { ours: lags.poolCpu, theirs: lags.official }, how: 'perf_hooks.monitorEventLoopDelay (resolution 10 ms) on the activity worker main thread during the measured CPU-bound run; figures are the histogram minus the 10 ms resolution' },
      }),
      figure('pool_overhead_per_noop_activity', 'activities/s', oursNoop, inProcessNoop, AGAINST.inProcess, 0.7, false, {
        ...err('poolNoop', 'inProcessNoop'),
        detail: {
          ...common,
          samples: { ours: samples.poolNoop, theirs: samples.inProcessNoop },
          activitiesPerRound: loads.noop.workflows * fanout,
          extraMsPerActivity: oursNoop && inProcessNoop ? 1000 / oursNoop - 1000 / inProcessNoop : null,
          lag: { ours: lags.poolNoop, theirs: lags.inProcessNoop },
        },
      }),
    ];
  },

  /** Bytes `npm install` adds to an empty project: our packed tarball against the official client + worker. */
  async footprint() {
    const { measureFootprint } = require('./footprint');
    const m = measureFootprint(OFFICIAL_VERSION);
    return [
      figure('install_footprint', 'MB', mb(m.ours.bytes), mb(m.official.bytes), `@temporalio/client + @temporalio/worker ${OFFICIAL_VERSION}`, 0.25, true, {
        detail: {
          bytes: { ours: m.ours.bytes, theirs: m.official.bytes },
          packages: { ours: m.ours.packageCount, theirs: m.official.packageCount },
          biggestPackagesBytes: { ours: m.ours.biggest, theirs: m.official.biggest },
          oursTarballBytes: m.ours.tarballBytes,
        },
      }),
    ];
  },

  /**
   * The dev server: first the official SDK against our server (what the server itself carries), then
   * our server against the real Temporal server (the CLI's start-dev), in memory and persisted, with
   * the same client and worker (ours, on native) against each.
   */
  async devserver({ address, serverPid }) {
    const figures = [];
    const abs = { goalApplies: 'ours' };
    const starts = await clientRun({ impl: 'official', address, mode: 'starts', taskQueue: 'ds-starts', count: scaled(1000, 50), concurrency: 100 });
    await withWorker({ impl: 'official', address, taskQueue: 'ds', workflows: true, activities: true, maxConcurrentActivityTaskExecutions: 200 }, async () => {
      await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'ds', count: scaled(50, 10), concurrency: 50 });
      const cpu0 = cpuMsOf(serverPid);
      const tp = await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'ds', count: scaled(1000, 50), concurrency: 100 });
      const cpuPercent = ((cpuMsOf(serverPid) - cpu0) / (tp.seconds * 1000)) * 100;
      figures.push(
        figure('devserver_official_sdk_workflow_starts_per_sec', 'starts/s', starts.perSecond, null, AGAINST.none, null, false, abs),
        figure('devserver_official_sdk_one_activity_workflows_per_sec', 'workflows/s', tp.perSecond, null, AGAINST.none, 300, false, abs),
        figure('devserver_official_sdk_cpu_during_throughput', '% of one core', cpuPercent, null, AGAINST.none, null, true, abs),
        figure('devserver_official_sdk_rss', 'MB', rssOf(serverPid) / MB, null, AGAINST.none, null, true, abs),
      );
    });
    figures.push(...(await compareWithCli()));
    return figures;
  },
};

/**
 * Our dev server against the real one, same client and worker (ours, on native), one server at a
 * time on this machine, in memory and then persisted (`--db FILE` against `--db-filename FILE`).
 */
async function compareWithCli() {
  const { startServer } = require('./servers');
  const total = scaled(10_000, 200);
  const figures = [];
  // What any Node process pays before running a line of ours: \`node -e 0\`, median of 5.
  const bareNodeStartMs = median(
    Array.from({ length: 5 }, () => {
      const t0 = process.hrtime.bigint();
      execFileSync(process.execPath, ['-e', '0']);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    }),
  );
  for (const db of [false, true]) {
    const mode = db ? 'db' : 'mem';
    const measured = await sideBySide((kind) => serverScenario(startServer, kind, db, total), ['ours', 'cli']);
    const m = (kind) => measured[kind] ?? {};
    const e = errors(measured, 'ours', 'cli');
    const against = `${AGAINST.cli}${db ? ' (--db-filename, WAL + synchronous=NORMAL)' : ' (in memory)'}`;
    figures.push(
      figure(`devserver_vs_cli_${mode}_start_to_first_rpc`, 'ms', m('ours').startupMs, m('cli').startupMs, against, 0.1, true, {
        ...e,
        detail: {
          samplesMs: { ours: m('ours').startupSamplesMs, theirs: m('cli').startupSamplesMs },
          namespaceReadyMs: { ours: m('ours').namespaceReadyMs, theirs: m('cli').namespaceReadyMs },
          bareNodeStartMs,
          commandLines: { ours: m('ours').commandLine, theirs: m('cli').commandLine },
        },
      }),
      figure(`devserver_vs_cli_${mode}_rss_idle`, 'MB', mb(m('ours').rssIdle), mb(m('cli').rssIdle), against, 0.5, true, e),
      figure(`devserver_vs_cli_${mode}_rss_after_${total}_workflows`, 'MB', mb(m('ours').rssAfter), mb(m('cli').rssAfter), against, 0.5, true, {
        ...e,
        detail: { dbBytes: db ? { ours: m('ours').dbBytes, theirs: m('cli').dbBytes } : undefined, completedWorkflows: total },
      }),
      figure(`devserver_vs_cli_${mode}_workflow_starts_per_sec`, 'starts/s', m('ours').startsPerSecond, m('cli').startsPerSecond, against, 1.0, false, e),
      figure(`devserver_vs_cli_${mode}_one_activity_workflows_per_sec`, 'workflows/s', m('ours').perSecond, m('cli').perSecond, against, 1.0, false, {
        ...e,
        detail: { serverCpuPercentOfOneCore: { ours: m('ours').cpuPercent, theirs: m('cli').cpuPercent } },
      }),
      figure(`devserver_vs_cli_${mode}_start_to_result_p50`, 'ms', m('ours').p50, m('cli').p50, against, 1.0, true, e),
    );
  }
  return figures;
}

/**
 * One server's run: start-up, idle RSS, starts (no worker polling yet), then our worker drains those
 * and serves the latency and throughput runs, and more one-activity workflows until `total` have
 * completed; then RSS again.
 */
async function serverScenario(startServer, kind, db, total) {
  process.stderr.write(`  ${kind} server${db ? ' with a db file' : ' in memory'}...\n`);
  // Start-up is the median of three launches (each on a fresh db file), the last of which runs the rest.
  const startups = [];
  const namespaceReady = [];
  for (let i = 0; i < 2; i++) {
    const probe = await startServer(kind, { db });
    startups.push(probe.startupMs);
    namespaceReady.push(probe.namespaceReadyMs);
    await probe.stop();
  }
  const server = await startServer(kind, { db });
  startups.push(server.startupMs);
  namespaceReady.push(server.namespaceReadyMs);
  try {
    await sleep(5000);
    const rssIdle = server.rss().bytes;
    const { address } = server;
    const taskQueue = 'cmp';
    const starts = await clientRun({ impl: 'ours', address, mode: 'starts', taskQueue, count: scaled(1000, 50), concurrency: 100 });
    return await withWorker({ impl: 'ours', address, taskQueue, workflows: true, activities: true, maxConcurrentActivityTaskExecutions: 200 }, async () => {
      let completed = starts.count;
      await clientRun({ impl: 'ours', address, mode: 'drain', idPrefix: starts.idPrefix, count: starts.count, concurrency: 100 });
      const warmup = scaled(20, 5);
      await clientRun({ impl: 'ours', address, mode: 'latency', taskQueue, count: warmup });
      const latencyCount = scaled(200, 10);
      const latency = await clientRun({ impl: 'ours', address, mode: 'latency', taskQueue, count: latencyCount });
      const tpCount = scaled(1000, 50);
      const cpu0 = cpuMsOf(server.pid);
      const tp = await clientRun({ impl: 'ours', address, mode: 'throughput', taskQueue, count: tpCount, concurrency: 100 });
      const cpuPercent = ((cpuMsOf(server.pid) - cpu0) / (tp.seconds * 1000)) * 100;
      completed += warmup + latencyCount + tpCount;
      // The rest of the 10,000 are workflows that complete on their first task (as the starts above).
      if (completed < total) await clientRun({ impl: 'ours', address, mode: 'throughput', taskQueue, workflowType: 'empty', count: total - completed, concurrency: 100 });
      await sleep(3000);
      const after = server.rss();
      return {
        commandLine: server.commandLine,
        startupMs: median(startups),
        startupSamplesMs: startups,
        namespaceReadyMs: median(namespaceReady),
        rssIdle,
        rssAfter: after.bytes,
        serverProcesses: after.processes,
        startsPerSecond: starts.perSecond,
        p50: latency.p50,
        perSecond: tp.perSecond,
        cpuPercent,
        dbBytes: server.dbBytes(),
      };
    });
  } finally {
    await server.stop();
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Per-suite time limits (full scale) in minutes. */
const SUITE_MINUTES = { client: 4, activities: 5, workflows: 4, rpc: 3, pool: 20, footprint: 5, devserver: 14 };

/**
 * Stops the run unless our SDK can run on `native` with the real core library: the figures are about
 * the product as shipped, never about a fallback.
 */
async function preflight() {
  const distCore = path.join(REPO, 'dist', 'core', 'index.js');
  if (!fs.existsSync(distCore)) throw new Error('dist/ is missing: run npm run compile (or npm test) before npm run bench');
  const core = require(distCore);
  const { findCoreLibrary } = require(path.join(REPO, 'dist', 'core', 'native'));
  const library = findCoreLibrary();
  if (library === undefined) {
    throw new Error(`the native backend found no libtemporalio_sdk_core_c_bridge (looked at: ${core.coreLibrarySearchDescription()}); run npm run build-core. The benchmarks run on native only.`);
  }
  const libraryBytes = fs.statSync(library).size;
  if (!fs.readFileSync(library).includes('RUST_BACKTRACE')) throw new Error(`${library} is not the Rust core (the fake core?); run npm run build-core`);
  const runtime = await core.createRuntime({ backend: 'native' });
  if (runtime.backend !== 'native') throw new Error(`createRuntime({ backend: 'native' }) started ${runtime.backend}`);
  await runtime.close();
  let buildKey;
  try {
    buildKey = fs.readFileSync(path.join(path.dirname(library), 'BUILD_KEY'), 'utf8').trim();
  } catch {
    // a library given by TEMPORAL_CORE_LIBRARY may have none
  }
  return { library, libraryBytes, buildKey };
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

async function main() {
  const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const unknownFlags = flags.filter((f) => f !== '--merge');
  if (unknownFlags.length) throw new TypeError(`unknown flag(s) ${unknownFlags.join(', ')}; known: --merge`);
  const merge = flags.includes('--merge');
  if (merge && (wanted.length === 0 || SCALE !== 1)) throw new TypeError('--merge takes named suites at BENCH_SCALE=1: it puts their figures into results/latest.json');
  const unknown = wanted.filter((name) => !(name in suites));
  if (unknown.length) throw new TypeError(`unknown benchmark suite(s) ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(suites);
  const loadAverageAtStart = os.loadavg();
  const lib = await preflight();
  const { cliVersion } = require('./servers');
  const server = startRole('devserver');
  const { address } = await server.ready;
  const started = Date.now();
  const figures = [];
  try {
    for (const name of names) {
      process.stderr.write(`bench ${name}...\n`);
      const t0 = Date.now();
      try {
        const minutes = SUITE_MINUTES[name] * Math.max(1, SCALE);
        figures.push(...(await withTimeout(suites[name]({ address, serverPid: server.child.pid }), minutes * 60_000, `suite ${name}`)));
      } catch (err) {
        figures.push({ name, unit: '', ours: null, theirs: null, ratio: null, goal: null, lowerIsBetter: false, met: false, error: err instanceof Error ? err.message : String(err) });
      }
      process.stderr.write(`bench ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    await server.stop();
  }
  const report = {
    node: process.version,
    cpus: os.cpus().length,
    date: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    scale: SCALE,
    rounds: ROUNDS,
    machine: {
      cpuModel: os.cpus()[0]?.model,
      totalMemoryGB: Math.round(os.totalmem() / 1024 ** 3),
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg(),
      note: 'A 2-core machine shared with other engineers, who may have been running tests during the run: the load average at the start and the end show how busy it was. Every party of a comparison ran on the same machine in the same run, one comparison after the other.',
    },
    git: { commit: git(['rev-parse', 'HEAD']), uncommittedFilesUnderLibAndNative: (git(['status', '--porcelain', '--', 'lib', 'native']) ?? '').split('\n').filter(Boolean).length },
    core: {
      backend: 'native',
      coreBridgeVersion: require('@temporalio/core-bridge/package.json').version,
      library: { path: path.relative(REPO, lib.library).startsWith('..') ? lib.library : path.relative(REPO, lib.library), bytes: lib.libraryBytes, buildKey: lib.buildKey },
      neonComparisons: 'native_vs_neon_* figures run our SDK on neon (the official prebuilt core in @temporalio/core-bridge) as the other party',
      observedInOurProcesses: Object.fromEntries(
        Object.entries(observedCores).map(([backend, o]) => [backend, { processes: o.processes, library: [...o.library], addon: [...o.addon], neon: [...o.neon] }]),
      ),
    },
    officialSdk: OFFICIAL_VERSION,
    temporalCli: { pinned: require('../scripts/temporal-server.js').cliVersion(), reports: cliVersion() },
    compression: COMPRESSION,
    figures,
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, wanted.length ? `latest-${names.join('-')}.json` : 'latest.json');
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  process.stdout.write(`${markdown(report)}\n`);
  if (merge) mergeIntoLatest(path.join(dir, 'latest.json'), report, names);
}

/**
 * Puts the figures of a run of some suites into latest.json: a figure of the same name is replaced,
 * the others stay as they are, and each merged figure carries `run` (when, on which commit, how busy
 * the machine was), since the file's own header describes the full run it came from.
 */
function mergeIntoLatest(file, report, suites) {
  const latest = JSON.parse(fs.readFileSync(file, 'utf8'));
  const run = { suites, date: report.date, seconds: report.seconds, git: report.git, loadAverageAtStart: report.machine.loadAverageAtStart, loadAverageAtEnd: report.machine.loadAverageAtEnd };
  const merged = report.figures.map((f) => ({ ...f, run }));
  const names = new Set(merged.map((f) => f.name));
  const kept = latest.figures.filter((f) => !names.has(f.name));
  const replaced = latest.figures.length - kept.length;
  latest.figures = [...kept, ...merged];
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(latest, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  process.stderr.write(`bench: merged ${merged.length} figure(s) of ${suites.join(', ')} into ${path.relative(REPO, file)} (${replaced} replaced, ${kept.length} kept)\n`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
