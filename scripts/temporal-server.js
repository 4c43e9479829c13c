#!/usr/bin/env node
/**
 * Gets and runs the real Temporal server: the Temporal CLI's `server start-dev` (frontend, history,
 * matching and worker services in one process, SQLite in memory).
 *
 *   node scripts/temporal-server.js ensure     builds the pinned CLI if needed, prints its path
 *   node scripts/temporal-server.js version    prints the CLI's and the server's version
 *   node scripts/temporal-server.js start [--port N] [--namespace NS]... [--search-attribute K=Type]...
 *                                              runs the server in the foreground until Ctrl-C
 *
 * The CLI is installed with `go install github.com/temporalio/cli/cmd/temporal@<version>` into
 * `${TEMPORAL_NATIVE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/temporal-native}/cli/<version>/bin/temporal`,
 * outside the clone, so one build serves every checkout and every later run. `go install` refuses
 * modules whose go.mod has `replace` directives; v1.5.1 (server 1.29.1) has none.
 *
 * `ensure` prints the binary path on stdout and one line on stderr: `cached (N ms)` or `built in N s`.
 * Any failure is one line on stderr (Go missing, or the build failed with the log's path) and exit 1.
 * Concurrent `ensure`s (parallel test files) share one build through a lock directory.
 *
 * Environment: TEMPORAL_CLI_VERSION (default below), TEMPORAL_NATIVE_CACHE, XDG_CACHE_HOME, GO (the
 * go binary; else `go` on PATH, else /usr/local/go/bin/go).
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DEFAULT_CLI_VERSION = 'v1.5.1';
const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/**
 * Dynamic config the test suites rely on. Most of these are the server's defaults in 1.29; they are
 * set explicitly so a newer pinned server that changes a default cannot silently change the tests.
 */
const DYNAMIC_CONFIG = {
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'frontend.enableExecuteMultiOperation': true,
  'frontend.workerVersioningDataAPIs': true,
  'frontend.workerVersioningWorkflowAPIs': true,
  'frontend.workerVersioningRuleAPIs': true,
  'system.enableEagerWorkflowStart': true,
  // Search attributes visible right after registration (the CLI's own default too).
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  // Tests start many workflows and poll visibility; the default per-namespace limits throttle them.
  'frontend.namespaceRPS.visibility': 10000,
  'frontend.namespaceBurstRatio.visibility': 10,
};

function cliVersion() {
  return process.env.TEMPORAL_CLI_VERSION || DEFAULT_CLI_VERSION;
}

function cacheRoot() {
  if (process.env.TEMPORAL_NATIVE_CACHE) return process.env.TEMPORAL_NATIVE_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'temporal-native');
}

function versionDir(version = cliVersion()) {
  return path.join(cacheRoot(), 'cli', version);
}

function binaryPath(version = cliVersion()) {
  return path.join(versionDir(version), 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
}

function logPath(version = cliVersion()) {
  return path.join(versionDir(version), 'go.log');
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findGo() {
  // An explicit GO is the only candidate, so GO=/nonexistent shows the message users without Go get.
  if (process.env.GO) return isExecutable(process.env.GO) ? process.env.GO : undefined;
  const candidates = [];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'go'));
  candidates.push('/usr/local/go/bin/go');
  return candidates.find(isExecutable);
}

class EnsureError extends Error {}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Takes the build lock (a directory holding the builder's pid). Returns false when another live
 * process holds it; a lock left by a dead process is broken.
 */
function tryLock(lockDir) {
  try {
    fs.mkdirSync(lockDir);
    fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  let pid = NaN;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Being created right now; its owner writes the pid next.
    const age = Date.now() - safeMtime(lockDir);
    if (age < 10_000) return false;
  }
  if (Number.isFinite(pid) && processAlive(pid)) return false;
  fs.rmSync(lockDir, { recursive: true, force: true });
  return false; // retried by the caller
}

function safeMtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return Date.now();
  }
}

/**
 * Makes sure the pinned CLI is built; resolves to `{ path, built, ms }`. Throws an EnsureError with a
 * one-line message when Go is missing or the build fails.
 */
async function ensure({ version = cliVersion(), log = () => {} } = {}) {
  const started = Date.now();
  const bin = binaryPath(version);
  if (isExecutable(bin)) return { path: bin, built: false, ms: Date.now() - started };
  const go = findGo();
  if (!go) {
    throw new EnsureError(`temporal-server: Go not found (GO, PATH, /usr/local/go/bin/go); install Go to build the Temporal CLI ${version}, or put a temporal binary at ${bin}`);
  }
  const dir = versionDir(version);
  fs.mkdirSync(dir, { recursive: true });
  const lockDir = path.join(dir, 'build.lock');
  let waited = false;
  while (!tryLock(lockDir)) {
    if (!waited) log(`temporal-server: waiting for another build of the Temporal CLI ${version} (${lockDir})`);
    waited = true;
    await sleep(1000);
    if (isExecutable(bin)) return { path: bin, built: false, ms: Date.now() - started };
  }
  try {
    if (isExecutable(bin)) return { path: bin, built: false, ms: Date.now() - started };
    log(`temporal-server: building the Temporal CLI ${version} with ${go} (a few minutes; log ${logPath(version)})`);
    const tmpBin = path.join(dir, `bin.tmp-${process.pid}`);
    fs.rmSync(tmpBin, { recursive: true, force: true });
    const status = await runGoInstall(go, version, tmpBin, logPath(version));
    const built = path.join(tmpBin, path.basename(bin));
    if (status !== 0 || !isExecutable(built)) {
      fs.rmSync(tmpBin, { recursive: true, force: true });
      throw new EnsureError(`temporal-server: go install ${CLI_MODULE}@${version} failed (exit ${status}); see ${logPath(version)}`);
    }
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.renameSync(built, bin);
    fs.rmSync(tmpBin, { recursive: true, force: true });
    const ms = Date.now() - started;
    fs.writeFileSync(path.join(dir, 'build-time.json'), `${JSON.stringify({ version, seconds: ms / 1000, at: new Date().toISOString(), go })}\n`);
    return { path: bin, built: true, ms };
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function runGoInstall(go, version, gobin, log) {
  return new Promise((resolve) => {
    const out = fs.openSync(log, 'w');
    fs.writeSync(out, `$ GOBIN=${gobin} ${go} install ${CLI_MODULE}@${version}\n`);
    const child = spawn(go, ['install', `${CLI_MODULE}@${version}`], {
      env: { ...process.env, GOBIN: gobin },
      stdio: ['ignore', out, out],
    });
    child.on('error', (error) => {
      fs.writeSync(out, `${error.message}\n`);
      fs.closeSync(out);
      resolve(-1);
    });
    child.on('close', (status) => {
      fs.writeSync(out, `rc ${status}\n`);
      fs.closeSync(out);
      resolve(status ?? -1);
    });
  });
}

/**
 * Arguments of `temporal server start-dev` for a headless, in-memory server on 127.0.0.1:`port`
 * with the given extra namespaces and search attributes (`{ name: 'Keyword' | ... }`).
 */
function startDevArgs({ port, httpPort, namespaces = [], searchAttributes = {}, dynamicConfig = {}, logLevel = 'warn', dbFilename } = {}) {
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', logLevel, '--log-format', 'text'];
  if (httpPort) args.push('--http-port', String(httpPort));
  if (dbFilename) args.push('--db-filename', dbFilename);
  for (const namespace of namespaces) if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries({ ...DYNAMIC_CONFIG, ...dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = require('node:net').createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function parseStartFlags(argv) {
  const options = { namespaces: [], searchAttributes: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port') options.port = Number(value), i++;
    else if (flag === '--namespace') options.namespaces.push(value), i++;
    else if (flag === '--search-attribute') {
      const [name, type] = String(value).split('=');
      options.searchAttributes[name] = type;
      i++;
    } else throw new EnsureError(`temporal-server: unknown flag ${flag} (start takes --port, --namespace, --search-attribute)`);
  }
  return options;
}

async function main(argv) {
  const command = argv[0] || 'ensure';
  const log = (line) => process.stderr.write(`${line}\n`);
  if (command === 'ensure') {
    const result = await ensure({ log });
    process.stdout.write(`${result.path}\n`);
    log(result.built ? `temporal-server: built ${cliVersion()} in ${(result.ms / 1000).toFixed(1)} s (cold)` : `temporal-server: ${cliVersion()} cached (${result.ms} ms)`);
    return 0;
  }
  if (command === 'version') {
    const bin = binaryPath();
    if (!isExecutable(bin)) {
      process.stdout.write(`Temporal CLI ${cliVersion()} (pinned, not built yet: run \`node scripts/temporal-server.js ensure\`)\n`);
      return 0;
    }
    const run = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    process.stdout.write(`${(run.stdout || '').trim()} [pinned ${cliVersion()}]\n`);
    return run.status ?? 1;
  }
  if (command === 'start') {
    const options = parseStartFlags(argv.slice(1));
    const { path: bin } = await ensure({ log });
    const port = options.port || (await freePort());
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-server-'));
    const started = Date.now();
    const child = spawn(bin, startDevArgs({ ...options, port }), { cwd, stdio: 'inherit' });
    log(`temporal-server: starting the real Temporal server on 127.0.0.1:${port} (pid ${child.pid}); Ctrl-C stops it`);
    waitForPort(port, 60_000).then(
      () => log(`temporal-server: listening on 127.0.0.1:${port} after ${Date.now() - started} ms`),
      (error) => log(`temporal-server: ${error.message}`),
    );
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
    return new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        fs.rmSync(cwd, { recursive: true, force: true });
        resolve(code ?? (signal === 'SIGTERM' ? 0 : 1));
      });
    });
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write('usage: node scripts/temporal-server.js ensure | version | start [--port N] [--namespace NS]... [--search-attribute NAME=Type]...\n');
    return 0;
  }
  throw new EnsureError(`temporal-server: unknown command ${command} (ensure, version, start)`);
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
async function waitForPort(port, timeoutMs) {
  const net = require('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

module.exports = { DEFAULT_CLI_VERSION, DYNAMIC_CONFIG, cliVersion, cacheRoot, binaryPath, logPath, findGo, isExecutable, ensure, startDevArgs, freePort, EnsureError };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${error instanceof EnsureError ? error.message : `temporal-server: ${error.stack || error}`}\n`);
      process.exit(1);
    },
  );
}
