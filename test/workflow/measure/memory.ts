/**
 * Measures the memory one cached, sleeping workflow costs on our runner (not a test: numbers go to
 * the report and to the benchmarks). Run: `node --expose-gc node_modules/.bin/vite-node test/workflow/measure/memory.ts [count] [shared-realm|realm-per-workflow]`.
 */
import { join } from 'node:path';
import { bundleWorkflowCode } from '../../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../../lib/worker/workflow/workflow-runner';
import type { WorkflowIsolation } from '../../../lib/worker/workflow/sandbox/sandbox';
import { ActivationBuilder } from '../helpers/activations';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const count = Number(process.argv[2] ?? 1000);
  const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, '..', 'fixtures', 'workflows.ts'), cacheDir: false });
  const workflowIsolation = (process.argv[3] ?? 'shared-realm') as WorkflowIsolation;
  const runner = new WorkflowRunner({ bundle, taskQueue: 'measure', maxCachedWorkflows: count + 1, workflowIsolation });
  // Warm up: compile the bundle's functions once so the delta is per workflow only.
  await runner.activate(new ActivationBuilder('warm').start('sleeper', [60_000]));
  gc();
  const before = process.memoryUsage();
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    await runner.activate(new ActivationBuilder(`mem-${i}`).start('sleeper', [60_000]));
  }
  const elapsed = Date.now() - started;
  gc();
  const after = process.memoryUsage();
  const kb = (bytes: number) => (bytes / count / 1024).toFixed(1);
  console.log(
    JSON.stringify({
      isolation: workflowIsolation,
      workflows: runner.cachedWorkflows - 1,
      heapPerWorkflowKB: kb(after.heapUsed - before.heapUsed),
      rssPerWorkflowKB: kb(after.rss - before.rss),
      totalRssMB: (after.rss / 2 ** 20).toFixed(1),
      msPerWorkflowStart: (elapsed / count).toFixed(2),
    }),
  );
}

void main();
