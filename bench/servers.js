'use strict';
// The two servers of the dev server comparison, each in a process of its own started the way a user
// starts it: ours with `node dist/cli.js dev-server` (`npx temporal-native dev-server`), the real one
// with the Temporal CLI's `temporal server start-dev` (the pinned CLI of scripts/temporal-server.js).
// Start-up is timed from just before the spawn to the first RPC the server accepts, probed from this
// (already warm) process with plain grpc-js, so no SDK start-up is counted.
const grpc = require('@grpc/grpc-js');
const { temporal } = require('@temporalio/proto');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { track, treeRssOf } = require('./procs');
const temporalServer = require('../scripts/temporal-server.js');

const REPO = path.join(__dirname, '..');
const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const identity = (x) => x;
/** Pragmas given to the CLI's SQLite file, matching our dev server's store. */
const SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL'];

/** Resolves true when something accepts a TCP connection on 127.0.0.1:`port`. */
function tcpOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One unary WorkflowService call on a fresh channel (a failed channel would back off for a second). */
function rawCall(address, method, requestBytes, timeoutMs = 2000) {
  const Client = grpc.makeGenericClientConstructor({}, 'WorkflowService', {});
  const client = new Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(`${SERVICE}/${method}`, identity, identity, Buffer.from(requestBytes), { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    });
  });
}

const GET_SYSTEM_INFO = temporal.api.workflowservice.v1.GetSystemInfoRequest.encode({}).finish();
const DESCRIBE_DEFAULT = temporal.api.workflowservice.v1.DescribeNamespaceRequest.encode({ namespace: 'default' }).finish();

/**
 * Polls until `method` succeeds: a TCP probe every 5 ms, then the RPC on a fresh channel. Resolves
 * to the `performance.now()` of the success.
 */
async function firstAccepted(address, port, method, request, child, deadlineMs) {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before accepting ${method}`);
    if (performance.now() > deadlineMs) throw new Error(`the server did not accept ${method} within the start-up deadline`);
    if (await tcpOpen(port)) {
      try {
        await rawCall(address, method, request);
        return performance.now();
      } catch {
        // not serving yet
      }
    }
    await sleep(5);
  }
}

/**
 * Starts a server of `kind` (`ours` or `cli`), in memory or, with `db`, persisted to a file in a
 * fresh temp folder. Resolves once it accepted GetSystemInfo (start-up) and DescribeNamespace for
 * `default` (ready for a worker).
 */
async function startServer(kind, { db = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-server-`));
  const port = await temporalServer.freePort();
  const address = `127.0.0.1:${port}`;
  const dbFile = db ? path.join(dir, kind === 'ours' ? 'ours.sqlite' : 'cli.sqlite') : undefined;
  let command;
  let args;
  if (kind === 'ours') {
    command = process.execPath;
    args = [path.join(REPO, 'dist', 'cli.js'), 'dev-server', '--ip', '127.0.0.1', '--port', String(port)];
    if (dbFile) args.push('--db', dbFile);
  } else if (kind === 'cli') {
    command = (await temporalServer.ensure()).path;
    const httpPort = await temporalServer.freePort();
    args = [...temporalServer.startDevArgs({ port, httpPort, logLevel: 'error', dbFilename: dbFile }), '--disable-config-file', '--disable-config-env'];
    // The same durability as our --db (WAL, synchronous = NORMAL: lib/devserver/persistence/
    // sqlite-store.ts). Without these the CLI's file is a rollback journal with synchronous = FULL,
    // an fsync per commit, which would compare durability settings rather than servers.
    if (dbFile) args.push(...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]));
  } else {
    throw new TypeError(`server kind must be "ours" or "cli", got ${JSON.stringify(kind)}`);
  }
  let output = '';
  const t0 = performance.now();
  const child = track(spawn(command, args, { cwd: dir, env: { ...process.env, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    const deadline = t0 + 120_000;
    const accepted = await firstAccepted(address, port, 'GetSystemInfo', GET_SYSTEM_INFO, child, deadline);
    const namespaceReady = await firstAccepted(address, port, 'DescribeNamespace', DESCRIBE_DEFAULT, child, deadline);
    return {
      kind,
      address,
      commandLine: [path.basename(command), ...args.map((a) => (a === dbFile ? '<db file>' : a))].join(' '),
      pid: child.pid,
      dbFile,
      startupMs: accepted - t0,
      namespaceReadyMs: namespaceReady - t0,
      rss: () => treeRssOf(child.pid),
      dbBytes: () => (dbFile ? sizeOfDb(dbFile) : 0),
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${kind} server: ${err.message}\n${output}`);
  }
}

/** Bytes of a SQLite database with its -wal and -shm files. */
function sizeOfDb(file) {
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      bytes += fs.statSync(file + suffix).size;
    } catch {
      // absent
    }
  }
  return bytes;
}

/** `temporal --version` of the pinned CLI (CLI and server versions), or undefined when not built. */
function cliVersion() {
  const bin = temporalServer.binaryPath();
  if (!temporalServer.isExecutable(bin)) return undefined;
  return (spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout || '').trim();
}

module.exports = { startServer, cliVersion };
