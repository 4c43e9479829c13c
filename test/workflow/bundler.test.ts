import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DisallowedModuleError,
  WorkflowBundleError,
  bundleCacheLookup,
  bundleWorkflowCode,
} from '../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';

const fixtures = join(__dirname, 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'tn-bundler-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('bundleWorkflowCode', () => {
  it('refuses a Node built-in and names the file that imports it', async () => {
    const error = await rejection(bundleWorkflowCode({ workflowsPath: join(fixtures, 'disallowed', 'index.ts'), cacheDir: false }));
    expect(error).toBeInstanceOf(DisallowedModuleError);
    expect((error as DisallowedModuleError).imports).toEqual([{ module: 'fs', importer: join(fixtures, 'disallowed', 'reads-files.ts') }]);
    expect((error as Error).message).toContain(`'fs' imported by ${join(fixtures, 'disallowed', 'reads-files.ts')}`);
  });

  it('refuses host-only Temporal packages such as @temporalio/activity', async () => {
    const error = await rejection(bundleWorkflowCode({ workflowsPath: join(fixtures, 'disallowed', 'host-package.ts'), cacheDir: false }));
    expect((error as DisallowedModuleError).imports).toEqual([
      { module: '@temporalio/activity', importer: join(fixtures, 'disallowed', 'host-package.ts') },
    ]);
  });

  it('turns modules listed in ignoreModules into empty modules instead of failing', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: join(fixtures, 'disallowed', 'index.ts'), ignoreModules: ['fs'], cacheDir: false });
    expect(bundle.code).toContain('usesFs');
  });

  it('names the option at fault when workflowsPath does not exist', async () => {
    const error = await rejection(bundleWorkflowCode({ workflowsPath: join(fixtures, 'missing.ts'), cacheDir: false }));
    expect(error).toBeInstanceOf(WorkflowBundleError);
    expect((error as WorkflowBundleError).field).toBe('workflowsPath');
  });

  it('bundles a JavaScript folder that uses assert, url, util and temporal-native/workflow', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: join(fixtures, 'allowed'), cacheDir: false });
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test' });
    const wf = new ActivationBuilder('run-allowed');
    const [timer] = commandsOf(await runner.activate(wf.start('usesDeterministicBuiltins', ['http://example.com:8080/x'])));
    expect(timer?.startTimer).toBeTruthy();
    const [done] = commandsOf(await runner.activate(wf.fireTimer(timer!.startTimer!.seq!)));
    expect(fromPayload(done?.completeWorkflowExecution?.result)).toEqual(['8080', 6]);
  });

  it('serves a second bundle of unchanged inputs from the cache with the same hash', async () => {
    const options = { workflowsPath: join(fixtures, 'workflows.ts'), cacheDir: join(scratch, 'cache-a') };
    const first = await bundleWorkflowCode(options);
    expect(bundleCacheLookup(options)).toBe('memory');
    const second = await bundleWorkflowCode(options);
    expect(second).toBe(first);
  });

  it('keeps bundles on disk, keyed by content, for the next worker process', async () => {
    const cacheDir = join(scratch, 'cache-b');
    await bundleWorkflowCode({ workflowsPath: join(fixtures, 'workflows.ts'), cacheDir });
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('rebuilds when any imported file changes', async () => {
    const project = join(scratch, 'project');
    cpSync(join(fixtures, 'allowed'), project, { recursive: true });
    writeFileSync(join(project, 'answer.js'), 'export const answer = 1;\n');
    writeFileSync(join(project, 'index.js'), "import { answer } from './answer';\nexport async function answerWorkflow() { return answer; }\n");
    const options = { workflowsPath: project, cacheDir: join(scratch, 'cache-c') };
    const before = await bundleWorkflowCode(options);
    writeFileSync(join(project, 'answer.js'), 'export const answer = 2;\n');
    expect(bundleCacheLookup(options)).toBeUndefined();
    const after = await bundleWorkflowCode(options);
    expect(after.hash).not.toBe(before.hash);
    expect(after.code).toContain('answer = 2');
  });
});
