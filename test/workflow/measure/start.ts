/**
 * Worker start on the workflow side: bundle (from the disk cache when warm) + realm + first
 * activation completed. Run twice to see the cold and the warm (cached bundle) start:
 *   node node_modules/.bin/vite-node test/workflow/measure/start.ts <cacheDir>
 */
import { join } from 'node:path';
import { bundleWorkflowCode, bundleCacheLookup } from '../../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder } from '../helpers/activations';

async function main(): Promise<void> {
  const options = { workflowsPath: join(__dirname, '..', 'fixtures', 'workflows.ts'), cacheDir: process.argv[2] };
  const t0 = performance.now();
  const bundle = await bundleWorkflowCode(options);
  const t1 = performance.now();
  const runner = new WorkflowRunner({ bundle, taskQueue: 'measure' });
  await runner.activate(new ActivationBuilder('first').start('greeting', ['x']));
  const t2 = performance.now();
  console.log(JSON.stringify({ cache: bundleCacheLookup(options), bundleMs: Math.round(t1 - t0), realmAndFirstActivationMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0) }));
}

void main();
