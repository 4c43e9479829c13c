/**
 * One chaos worker process: our Worker with the chaos workflows (a prebuilt bundle) and activities,
 * against CHAOS_ADDRESS on CHAOS_TASK_QUEUE. Prints `worker ready` when it is about to poll; runs
 * until it is killed (the test SIGKILLs it) or SIGTERM.
 *
 * Run with `vite-node test/hardening/chaos/worker-process.ts` (TypeScript sources, no build).
 */
import { Connection } from '../../../lib/client';
import { createRuntime } from '../../../lib/core';
import { ConsoleLogger, Worker } from '../../../lib/worker';
import * as activities from './activities';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new TypeError(`${name} must be set`);
  return value;
}

async function main(): Promise<void> {
  const runtime = await createRuntime();
  // The server may be down (being restarted by the test) when this process starts: keep trying.
  let connection: Connection | undefined;
  for (let tries = 0; connection === undefined; tries++) {
    try {
      connection = await Connection.connect({ address: env('CHAOS_ADDRESS'), runtime });
    } catch (err) {
      if (tries >= 120) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const worker = await Worker.create({
    connection,
    taskQueue: env('CHAOS_TASK_QUEUE'),
    workflowBundle: { codePath: env('CHAOS_WORKFLOW_BUNDLE') },
    activities,
    logger: new ConsoleLogger('WARN'),
    identity: `chaos-worker-${process.pid}`,
    // A task on the sticky queue of a killed worker moves to the normal queue after this long.
    stickyQueueScheduleToStartTimeout: '1s',
    maxConcurrentActivityTaskExecutions: 50,
    maxConcurrentWorkflowTaskExecutions: 20,
  });
  const running = worker.run();
  console.log('worker ready');
  await running;
  await connection.close();
  await runtime.close();
}

main().catch((error: unknown) => {
  console.error('chaos worker process failed:', error);
  process.exitCode = 1;
});
