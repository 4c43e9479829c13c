import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode as officialBundleWorkflowCode } from '@temporalio/worker';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import { SandboxFactory } from '../../lib/worker/workflow/sandbox/sandbox';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('a bundle made by @temporalio/worker', () => {
  it('runs its workflows, each execution in a realm of its own', async () => {
    const { code } = await officialBundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'workflows.ts'), logger: silent as never });
    const runner = new WorkflowRunner({ bundle: { code, hash: 'official-workflows-fixture' }, taskQueue: 'test', codeCacheDir: false });
    const wf = new ActivationBuilder('official-greeting');
    const [schedule] = commandsOf(await runner.activate(wf.start('greeting', ['Ada'])));
    expect(schedule?.scheduleActivity?.activityType).toBe('greet');
    const [complete] = commandsOf(await runner.activate(wf.resolveActivity(schedule!.scheduleActivity!.seq!, 'Hello, Ada')));
    expect(fromPayload(complete?.completeWorkflowExecution?.result)).toBe('Hello, Ada');
    // Its module registry is per realm, so sharing a realm would share module state.
    expect(new SandboxFactory({ code, hash: 'x' }, { callTimeoutMs: 1000, codeCacheDir: false }).create('probe').dedicated).toBe(true);
  });
});
