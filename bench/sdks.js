'use strict';
// The two SDKs behind one small face, so every benchmark runs the very same steps on each.
const path = require('node:path');

const WORKFLOWS_PATH = path.join(__dirname, 'workflows.ts');
const activities = { async noop() {} };

/** The worker options both SDKs understand alike. */
function commonWorkerOptions(connection, options) {
  return {
    connection,
    taskQueue: options.taskQueue,
    workflowsPath: options.workflows ? WORKFLOWS_PATH : undefined,
    activities: options.activities ? activities : undefined,
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
      const connection = await client.Connection.connect({ address });
      return { client: new client.Client({ connection }), close: () => connection.close() };
    },
    async createWorker(address, options) {
      const connection = await worker.NativeConnection.connect({ address });
      const w = await worker.Worker.create(commonWorkerOptions(connection, options));
      return { worker: w, close: () => connection.close() };
    },
  };
}

function ours() {
  const sdk = require('../dist');
  return {
    async connectClient(address) {
      const connection = await sdk.Connection.connect({ address });
      return { client: new sdk.Client({ connection }), close: () => connection.close() };
    },
    async createWorker(address, options) {
      const connection = await sdk.Connection.connect({ address });
      const w = await sdk.Worker.create({ ...commonWorkerOptions(connection, options), handleSignals: false });
      return { worker: w, close: () => connection.close() };
    },
  };
}

/** @param {'ours' | 'official'} impl */
function loadSdk(impl) {
  if (impl === 'official') return official();
  if (impl === 'ours') return ours();
  throw new TypeError(`impl must be "ours" or "official", got ${JSON.stringify(impl)}`);
}

module.exports = { loadSdk };
