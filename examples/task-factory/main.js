#!/usr/bin/env node
'use strict';
// The task factory (`npm run task-factory`): definitions that fire on a cron schedule or on an
// event, fan out tasks as child workflows, and log every run. See README.md.
//
//   npm run task-factory                       serve the admin API (prints its URL)
//   npm run task-factory -- --demo             run the demo and exit
//   options: --port N (HTTP, default 8080; 0 = any), --db FILE (app database), --app NAME (id prefix)
//   TEMPORAL_ADDRESS=host:port                 use that Temporal server instead of the embedded one
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const { DevServer } = require('temporal-native/testing');
const { startService } = require('./service');
const { runDemo } = require('./demo');

function options() {
  const { values } = parseArgs({
    options: {
      demo: { type: 'boolean', default: false },
      port: { type: 'string' },
      db: { type: 'string' },
      app: { type: 'string' },
    },
  });
  const port = values.port === undefined ? (values.demo ? 0 : 8080) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, not '${values.port}'`);
  if (values.app !== undefined && !/^[a-z0-9][a-z0-9-]{0,30}$/.test(values.app)) throw new Error(`--app must be lower-case letters, digits and -, not '${values.app}'`);
  return { demo: values.demo, port, db: values.db, app: values.app };
}

/** The Temporal server: TEMPORAL_ADDRESS, or an embedded one (persisted next to the app database when serving). */
async function temporalServer(temporalDb) {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) return { address: external, label: `${external} (TEMPORAL_ADDRESS)`, stop: async () => undefined };
  const server = await DevServer.start({ port: 0, dbPath: temporalDb });
  return { address: server.address, label: `${server.address} (embedded${temporalDb ? `, ${temporalDb}` : ', in memory'})`, stop: () => server.stop() };
}

async function demo(opts) {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'task-factory-demo-'));
  // On a shared server, a fresh prefix keeps this demo's schedules and workflow ids apart from earlier runs'.
  const app = opts.app ?? (process.env.TEMPORAL_ADDRESS ? `tf-demo-${crypto.randomBytes(3).toString('hex')}` : 'tf-demo');
  const server = await temporalServer(undefined);
  console.log(`temporal server: ${server.label}`);
  let service;
  try {
    service = await startService({ address: server.address, dbPath: opts.db ?? path.join(dir, 'app.sqlite'), app, httpPort: opts.port, workerLogLevel: 'ERROR' });
    console.log(`admin API: ${service.url}`);
    const result = await Promise.race([runDemo({ url: service.url }), service.failed]);
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (result.runs.some((r) => r.status !== 'completed')) process.exitCode = 1;
  } finally {
    await service?.stop();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function serve(opts) {
  const dbPath = path.resolve(opts.db ?? 'task-factory.sqlite');
  const server = await temporalServer(`${dbPath}.temporal`);
  console.log(`temporal server: ${server.label}`);
  let service;
  try {
    service = await startService({ address: server.address, dbPath, app: opts.app ?? 'tf', httpPort: opts.port });
    console.log(`admin API: ${service.url} (app database ${dbPath})`);
    const signalled = new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await Promise.race([signalled, service.failed]);
    console.log('task-factory: stopping');
  } finally {
    await service?.stop();
    await server.stop();
  }
}

const opts = (() => {
  try {
    return options();
  } catch (err) {
    console.error(`task-factory: ${err.message}`);
    process.exit(2);
  }
})();

(opts.demo ? demo(opts) : serve(opts)).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
