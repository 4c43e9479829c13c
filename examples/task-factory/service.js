'use strict';
// Wires the service: app database, Temporal client, two workers (the orchestrator queue and the
// task-execution queue), schedule reconciliation, and the HTTP API.
const { Connection, Client, Worker, ConsoleLogger } = require('temporal-native');
const { openAppDb } = require('./db');
const { orchestratorActivities, taskActivities } = require('./activities');
const { ScheduleSync } = require('./schedules');
const { TaskFactory } = require('./factory');
const { startHttpApi } = require('./http-api');

/**
 * Starts the task factory against the Temporal server at `address`. `app` prefixes schedule ids,
 * workflow ids and task queues, so several instances can share one server.
 */
async function startService({ address, namespace = 'default', dbPath, app = 'tf', httpPort = 0, log = (line) => console.log(line), workerLogLevel = 'WARN' }) {
  const queues = { orchestrator: `${app}-orchestrator`, tasks: `${app}-tasks` };
  const repo = openAppDb(dbPath);
  const cleanup = [() => repo.close()];
  // Every step runs even if an earlier one fails; the first failure is rethrown at the end.
  const undo = async () => {
    let first;
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (err) {
        first ??= err;
      }
    }
    if (first) throw first;
  };
  try {
    const connection = await Connection.connect({ address });
    cleanup.push(() => connection.close());
    const client = new Client({ connection, namespace });
    const logger = new ConsoleLogger(workerLogLevel);
    const workflowsPath = require.resolve('./workflows.ts');
    const orchestrator = await Worker.create({ connection, namespace, taskQueue: queues.orchestrator, workflowsPath, activities: orchestratorActivities(repo), logger });
    const runner = await Worker.create({ connection, namespace, taskQueue: queues.tasks, workflowsPath, activities: taskActivities(repo), logger });
    const running = [orchestrator.run(), runner.run()];
    cleanup.push(async () => {
      orchestrator.shutdown();
      runner.shutdown();
      const stopped = await Promise.allSettled(running);
      const failure = stopped.find((s) => s.status === 'rejected');
      if (failure) throw failure.reason;
    });
    const sync = new ScheduleSync(client, { app, queues });
    const factory = new TaskFactory({ client, repo, sync, queues, log });
    const reconciled = await factory.reconcile();
    log(`task-factory: ${reconciled.definitions} definitions in step with their schedules${reconciled.orphansDeleted ? `, ${reconciled.orphansDeleted} orphan schedules deleted` : ''}`);
    const api = await startHttpApi(factory, { port: httpPort, log });
    cleanup.push(() => api.close());

    let stopping;
    // Rejects when a worker stops by itself (a fatal error), so the caller takes the service down
    // loudly; resolves once stop() has stopped the workers (whose errors stop() itself throws).
    const failed = new Promise((resolve, reject) => {
      for (const p of running) {
        p.then(
          () => (stopping ? resolve() : reject(new Error('a worker stopped unexpectedly'))),
          (err) => (stopping ? resolve() : reject(err)),
        );
      }
    });
    return {
      url: api.url,
      factory,
      repo,
      queues,
      failed,
      stop: () => (stopping ??= undo()),
    };
  } catch (err) {
    await undo().catch((cleanupErr) => log(`task-factory: cleaning up after a failed start also failed: ${cleanupErr.message}`));
    throw err;
  }
}

module.exports = { startService };
