'use strict';
// The two SDKs behind one small face, so every benchmark runs the very same steps on each.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const WORKFLOWS_PATH = path.join(__dirname, 'workflows.ts');
const POOL_ACTIVITIES_PATH = path.join(__dirname, 'pool-activities.js');
const activities = { async noop() {} };

/** `options.activities`: `true` for the no-op, `'pool-suite'` for the pool suite's (run in-process). */
function activitiesOf(option) {
  if (option === 'pool-suite') return { ...require(POOL_ACTIVITIES_PATH) };
  return option ? activities : undefined;
}

/**
 * gRPC request compression of each party, recorded in the results. Every party sends gzip:
 * - our client and worker: the core's default (`grpcCompression: 'gzip'` in lib/core; our
 *   `Connection.connect` does not expose the setting, so nothing here changes it);
 * - the official worker: `NativeConnection`'s default (`grpcCompression: { codec: 'gzip' }`);
 * - the official client: grpc-js sends uncompressed requests unless told otherwise, so it gets the
 *   channel argument `grpc.default_compression_algorithm: 2` (gzip) to match.
 */
const COMPRESSION = {
  ours: { client: 'gzip', worker: 'gzip', how: "core default (lib/core grpcCompression 'gzip'; not exposed by lib/client Connection.connect), on native and on neon alike" },
  official: {
    client: 'gzip',
    worker: 'gzip',
    how: "worker: NativeConnection default { codec: 'gzip' }; client: grpc-js channel arg grpc.default_compression_algorithm = 2 (gzip), set by the bench (grpc-js defaults to none)",
  },
};
const GRPC_JS_GZIP = 2;

/** The worker options both SDKs understand alike. */
function commonWorkerOptions(connection, options) {
  return {
    connection,
    taskQueue: options.taskQueue,
    workflowsPath: options.workflows ? WORKFLOWS_PATH : undefined,
    activities: activitiesOf(options.activities),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    maxCachedWorkflows: options.maxCachedWorkflows,
  };
}

function official() {
  const client = require('@temporalio/client');
  const worker = require('@temporalio/worker');
  worker.Runtime.install({ logger: new worker.DefaultLogger('WARN'), shutdownSignals: [] });
  return {
    async connectClient(address) {
      const connection = await client.Connection.connect({ address, channelArgs: { 'grpc.default_compression_algorithm': GRPC_JS_GZIP } });
      return { client: new client.Client({ connection }), connection, close: () => connection.close() };
    },
    async createWorker(address, options) {
      const connection = await worker.NativeConnection.connect({ address });
      const w = await worker.Worker.create(commonWorkerOptions(connection, options));
      return { worker: w, close: () => connection.close() };
    },
  };
}

/** Our SDK on `backend` (`native` unless told otherwise): an unavailable backend is an error, never a fallback. */
function ours(backend) {
  const sdk = require('../dist');
  return {
    async connectClient(address) {
      const connection = await sdk.Connection.connect({ address, backend });
      return { client: new sdk.Client({ connection }), connection, close: () => connection.close() };
    },
    async createWorker(address, options) {
      const connection = await sdk.Connection.connect({ address, backend });
      // WARN, as the official worker's runtime logger below: no per-start and per-stop INFO lines.
      // `activityPool` (ours only): the pool suite's activities in a pool, with the given settings.
      const pool = options.activityPool ? { activityPool: { modulePath: POOL_ACTIVITIES_PATH, ...options.activityPool } } : {};
      const w = await sdk.Worker.create({ ...commonWorkerOptions(connection, options), ...pool, handleSignals: false, logger: new sdk.ConsoleLogger('WARN') });
      return { worker: w, close: () => connection.close() };
    },
  };
}

/**
 * @param {'ours' | 'official'} impl
 * @param {'native' | 'neon'} [backend] our SDK's core backend (default `native`)
 */
function loadSdk(impl, backend = 'native') {
  if (impl === 'official') return official();
  if (impl === 'ours') {
    if (backend !== 'native' && backend !== 'neon') throw new TypeError(`backend must be "native" or "neon", got ${JSON.stringify(backend)}`);
    return ours(backend);
  }
  throw new TypeError(`impl must be "ours" or "official", got ${JSON.stringify(impl)}`);
}

/**
 * Which core this process has mapped, from /proc/self/maps: `native` (our addon and the C bridge
 * library, with its path) or `neon` (the official addon inside @temporalio/core-bridge).
 */
function loadedCore() {
  const files = new Set(
    readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[5])
      .filter((file) => file && /temporal_native\.node|temporalio_sdk_core_c_bridge|core-bridge/.test(file)),
  );
  const library = [...files].find((f) => /temporalio_sdk_core_c_bridge/.test(f));
  const addon = [...files].find((f) => /temporal_native\.node$/.test(f));
  const neon = [...files].find((f) => /core-bridge/.test(f) && f.endsWith('.node'));
  return { backend: library ? (neon ? 'native+neon' : 'native') : neon ? 'neon' : 'none', library, addon, neon };
}

/**
 * Throws unless this process runs the core `impl`/`backend` asks for: our SDK on `native` must
 * have mapped the C bridge library and nothing of core-bridge, on `neon` the reverse.
 */
function assertCore(impl, backend = 'native') {
  const loaded = loadedCore();
  const want = impl === 'official' ? 'neon' : backend;
  if (loaded.backend !== want) {
    throw new Error(`bench: ${impl} should run on ${want} but this process mapped ${JSON.stringify(loaded)}`);
  }
  return loaded;
}

module.exports = { loadSdk, loadedCore, assertCore, COMPRESSION };
