import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode } from '../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';

describe('npm libraries in the shared realm', () => {
  it('run ms, rxjs, uuid and an Error subclass that assigns this.name, with no leak reported', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'libraries'), cacheDir: false });
    const warnings: string[] = [];
    const evictions: string[] = [];
    const logger = { log() {}, trace() {}, debug() {}, info() {}, warn: (message: string) => void warnings.push(message), error() {} };
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', logger, onEvict: (runId, reason) => void evictions.push(`${runId}:${reason}`) });
    const [complete] = commandsOf(await runner.activate(new ActivationBuilder('libs').start('usesLibraries')));
    expect(fromPayload(complete?.completeWorkflowExecution?.result)).toEqual([
      172_800_000,
      40,
      expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      'InsufficientFunds',
    ]);
    expect(warnings).toEqual([]);
    expect(evictions).toEqual([]);
  });
});
