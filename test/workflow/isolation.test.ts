import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';
import type { Observations } from './fixtures/isolation';

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'isolation.ts'), cacheDir: false });
});

const pristine: Observations = {
  moduleExecutions: 1,
  globalSeen: undefined,
  arrayPrototypeSeen: false,
  urlPrototypeSeen: false,
  consoleSeen: false,
  symbolGlobalSeen: false,
};

async function run(runner: WorkflowRunner, runId: string, type: string, args: unknown[] = []): Promise<Observations> {
  const [complete] = commandsOf(await runner.activate(new ActivationBuilder(runId).start(type, args)));
  return fromPayload(complete?.completeWorkflowExecution?.result) as Observations;
}

describe('workflow isolation', () => {
  it('gives a second execution of the same workflow type fresh module state, globals and prototypes', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test' });
    expect(await run(runner, 'iso-1', 'leaveTraces', ['first'])).toEqual(pristine);
    expect(await run(runner, 'iso-2', 'leaveTraces', ['second'])).toEqual(pristine);
  });

  it('keeps traces of one workflow type away from another type in the same bundle', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test' });
    await run(runner, 'iso-3', 'leaveTraces', ['third']);
    expect(await run(runner, 'iso-4', 'observeOnly')).toEqual({ ...pristine, moduleExecutions: 0 });
  });

  it('keeps traces away from executions that are cached at the same time', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test' });
    await run(runner, 'iso-5', 'leaveTraces', ['fifth']);
    await run(runner, 'iso-6', 'leaveTraces', ['sixth']);
    expect(runner.isCached('iso-5') && runner.isCached('iso-6')).toBe(true);
    expect(await run(runner, 'iso-7', 'observeOnly')).toEqual({ ...pristine, moduleExecutions: 0 });
  });

  it('leaves the host realm untouched by prototype and global mutations inside workflows', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test' });
    await run(runner, 'iso-8', 'leaveTraces', ['eighth']);
    expect((globalThis as { leakedGlobal?: unknown }).leakedGlobal).toBeUndefined();
    expect('leakedMethod' in Array.prototype).toBe(false);
    expect('leaked' in URL.prototype).toBe(false);
    expect('leaked' in console).toBe(false);
  });
});
