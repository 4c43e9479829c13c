#!/usr/bin/env node
'use strict';
// `npm run bench [suite...]`: every side-by-side benchmark against one dev server, ours and the
// official SDK in turn, each party in its own process. Writes bench/results/latest.json and prints
// the same figures as a markdown table.
const { mkdirSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRole, rssOf, cpuMsOf } = require('./procs');

const MB = 1024 * 1024;
const SUITE_TIMEOUT_MS = 6 * 60_000;

/** Runs a client role to completion and returns what it measured. */
async function clientRun(args) {
  const role = startRole('client', args);
  await role.ready;
  const { result } = await role.next('result');
  await role.stop();
  return result;
}

/** Runs `fn` with a worker child; always stops it. */
async function withWorker(args, fn) {
  const role = startRole('worker', args);
  try {
    const ready = await role.ready;
    return await fn(role, ready);
  } finally {
    await role.stop();
  }
}

function figure(name, unit, oursValue, officialValue, goal, lowerIsBetter, extra = {}) {
  const ours = oursValue ?? null;
  const official = officialValue ?? null;
  const ratio = ours != null && official != null && official !== 0 ? ours / official : null;
  const met = goal == null ? null : extra.goalApplies === 'ours' ? (ours == null ? false : lowerIsBetter ? ours <= goal : ours >= goal) : ratio == null ? false : lowerIsBetter ? ratio <= goal : ratio >= goal;
  return { name, unit, ours, official, ratio, goal, lowerIsBetter, goalApplies: 'ratio', ...extra, met };
}

/** Measures `measure(impl)` for both SDKs; an SDK that fails yields null and the error is kept. */
async function sideBySide(measure) {
  const out = {};
  for (const impl of ['official', 'ours']) {
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

const suites = {
  /** The official SDK against our server: what the server itself can carry. */
  async devserver({ address, serverPid }) {
    const starts = await clientRun({ impl: 'official', address, mode: 'starts', taskQueue: 'ds-starts', count: 1000, concurrency: 100 });
    return withWorker({ impl: 'official', address, taskQueue: 'ds', workflows: true, activities: true, maxConcurrentActivityTaskExecutions: 200 }, async () => {
      await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'ds', count: 50, concurrency: 50 });
      const cpu0 = cpuMsOf(serverPid);
      const tp = await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'ds', count: 1000, concurrency: 100 });
      const cpuPercent = ((cpuMsOf(serverPid) - cpu0) / (tp.seconds * 1000)) * 100;
      const abs = { goalApplies: 'ours' };
      return [
        figure('devserver_workflow_starts_per_sec', 'starts/s', starts.perSecond, null, null, false, abs),
        figure('devserver_one_activity_workflows_per_sec', 'workflows/s', tp.perSecond, null, 300, false, abs),
        figure('devserver_cpu_during_throughput', '% of one core', cpuPercent, null, null, true, abs),
        figure('devserver_rss', 'MB', rssOf(serverPid) / MB, null, null, true, abs),
      ];
    });
  },

  /** Client latency and start throughput, same official worker behind both clients. */
  async client({ address }) {
    return withWorker({ impl: 'official', address, taskQueue: 'cl', workflows: true, activities: true }, async () => {
      await clientRun({ impl: 'official', address, mode: 'latency', taskQueue: 'cl', count: 20 });
      const latency = await sideBySide((impl) => clientRun({ impl, address, mode: 'latency', taskQueue: 'cl', count: 200 }));
      const starts = await sideBySide((impl) => clientRun({ impl, address, mode: 'starts', taskQueue: `cl-starts-${impl}`, count: 1000, concurrency: 100 }));
      return [
        figure('client_start_result_latency_p50', 'ms', latency.ours?.p50, latency.official?.p50, 0.8, true, errors(latency)),
        figure('client_start_result_latency_p99', 'ms', latency.ours?.p99, latency.official?.p99, 0.8, true, errors(latency)),
        figure('client_starts_per_sec', 'starts/s', starts.ours?.perSecond, starts.official?.perSecond, 1.25, false, errors(starts)),
      ];
    });
  },

  /** Activity throughput of one worker with 200 slots, workflows served by the official worker. */
  async activities({ address }) {
    const fanout = 50;
    const workflows = 100;
    return withWorker({ impl: 'official', address, taskQueue: 'act', workflows: true, activities: false }, async () => {
      const measured = await sideBySide((impl) =>
        withWorker({ impl, address, taskQueue: 'act', workflows: false, activities: true, maxConcurrentActivityTaskExecutions: 200 }, async (role) => {
          await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'act', workflowType: 'manyActivities', workflowArgs: [fanout], count: 10, concurrency: 10 });
          const tp = await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: 'act', workflowType: 'manyActivities', workflowArgs: [fanout], count: workflows, concurrency: 20 });
          return { perSecond: tp.perSecond * fanout, rss: rssOf(role.child.pid) };
        }),
      );
      return [
        figure('activities_per_sec', 'activities/s', measured.ours?.perSecond, measured.official?.perSecond, 1.5, false, errors(measured)),
        figure('activity_worker_rss', 'MB', mb(measured.ours?.rss), mb(measured.official?.rss), 1.0, true, errors(measured)),
      ];
    });
  },

  /** Workflow worker: start-up, throughput, and memory with many cached workflows. */
  async workflows({ address }) {
    const measured = await sideBySide((impl) =>
      withWorker({ impl, address, taskQueue: `wf-${impl}`, workflows: true, activities: true, measureStart: true, maxCachedWorkflows: 2000 }, async (role, ready) => {
        const tp = await clientRun({ impl: 'official', address, mode: 'throughput', taskQueue: `wf-${impl}`, count: 1000, concurrency: 100 });
        await clientRun({ impl: 'official', address, mode: 'sleepers', taskQueue: `wf-${impl}`, count: 1000, concurrency: 100 });
        role.send({ gc: true });
        await role.next('gcDone');
        return { startMs: ready.startMs, perSecond: tp.perSecond, rss: rssOf(role.child.pid) };
      }),
    );
    return [
      figure('workflow_worker_start_to_first_workflow', 'ms', measured.ours?.startMs, measured.official?.startMs, 0.2, true, errors(measured)),
      figure('one_activity_workflows_per_sec', 'workflows/s', measured.ours?.perSecond, measured.official?.perSecond, 1.25, false, errors(measured)),
      figure('rss_with_1000_cached_sleeping_workflows', 'MB', mb(measured.ours?.rss), mb(measured.official?.rss), 0.5, true, errors(measured)),
    ];
  },
};

function mb(bytes) {
  return bytes == null ? null : bytes / MB;
}

function errors(measured) {
  const out = {};
  if (measured.oursError) out.oursError = measured.oursError;
  if (measured.officialError) out.officialError = measured.officialError;
  return out;
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

const fmt = (n) => (n == null ? '—' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

function markdown(report) {
  const lines = [
    `Node ${report.node}, ${report.cpus} CPUs, ${report.date}`,
    '',
    '| figure | unit | ours | official | ratio | goal | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const f of report.figures) {
    const goal = f.goal == null ? '—' : `${f.lowerIsBetter ? '≤' : '≥'} ${f.goal}${f.goalApplies === 'ratio' ? 'x' : ` ${f.unit}`}`;
    const met = f.met == null ? '—' : f.met ? 'yes' : 'no';
    lines.push(`| ${f.name} | ${f.unit} | ${fmt(f.ours)} | ${fmt(f.official)} | ${f.ratio == null ? '—' : `${f.ratio.toFixed(2)}x`} | ${goal} | ${met} |`);
  }
  const failures = report.figures.filter((f) => f.oursError || f.officialError || f.error);
  for (const f of failures) lines.push('', `- ${f.name}: ${[f.error, f.oursError && `ours: ${f.oursError}`, f.officialError && `official: ${f.officialError}`].filter(Boolean).join('; ')}`);
  return lines.join('\n');
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in suites));
  if (unknown.length) throw new TypeError(`unknown benchmark suite(s) ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(suites);
  const server = startRole('devserver');
  const { address } = await server.ready;
  const started = Date.now();
  const figures = [];
  try {
    for (const name of names) {
      process.stderr.write(`bench ${name}...\n`);
      try {
        figures.push(...(await withTimeout(suites[name]({ address, serverPid: server.child.pid }), SUITE_TIMEOUT_MS, `suite ${name}`)));
      } catch (err) {
        figures.push({ name, unit: '', ours: null, official: null, ratio: null, goal: null, lowerIsBetter: false, met: false, error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await server.stop();
  }
  const report = { node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, figures };
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, wanted.length ? `latest-${names.join('-')}.json` : 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${markdown(report)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
