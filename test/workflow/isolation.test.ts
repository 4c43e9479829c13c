import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import type { WorkflowIsolation } from '../../lib/worker/workflow/sandbox/sandbox';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';
import type { Observations } from './fixtures/isolation';

let bundle: WorkflowBundle;
let loopBundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'isolation.ts'), cacheDir: false });
  loopBundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'workflows.ts'), cacheDir: false });
});

const pristine: Observations = {
  moduleExecutions: 1,
  globalSeen: undefined,
  arrayPrototypeSeen: false,
  urlPrototypeSeen: false,
  consoleSeen: false,
  symbolGlobalSeen: false,
};

async function run<T = Observations>(runner: WorkflowRunner, runId: string, type: string, args: unknown[] = []): Promise<T> {
  const [complete] = commandsOf(await runner.activate(new ActivationBuilder(runId).start(type, args)));
  return fromPayload(complete?.completeWorkflowExecution?.result) as T;
}

describe.each<WorkflowIsolation>(['shared-realm', 'realm-per-workflow'])('workflow isolation (%s)', (workflowIsolation) => {
  it('gives a second execution of the same workflow type fresh module state, globals and prototypes', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', workflowIsolation });
    expect(await run(runner, 'iso-1', 'leaveTraces', ['first'])).toEqual(pristine);
    expect(await run(runner, 'iso-2', 'leaveTraces', ['second'])).toEqual(pristine);
  });

  it('keeps traces of one workflow type away from another type in the same bundle', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', workflowIsolation });
    await run(runner, 'iso-3', 'leaveTraces', ['third']);
    expect(await run(runner, 'iso-4', 'observeOnly')).toEqual({ ...pristine, moduleExecutions: 0 });
  });

  it('keeps traces away from executions that are cached at the same time', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', workflowIsolation });
    await run(runner, 'iso-5', 'leaveTraces', ['fifth']);
    await run(runner, 'iso-6', 'leaveTraces', ['sixth']);
    expect(runner.isCached('iso-5') && runner.isCached('iso-6')).toBe(true);
    expect(await run(runner, 'iso-7', 'observeOnly')).toEqual({ ...pristine, moduleExecutions: 0 });
  });

  it('gives every execution the original values of built-in properties another one changed', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', workflowIsolation });
    type Seen = { stackTraceLimit: number; objectToString: string };
    const first = await run<Seen>(runner, 'iso-changes-1', 'changesBuiltins');
    const second = await run<Seen>(runner, 'iso-changes-2', 'changesBuiltins');
    expect(second).toEqual(first);
    expect(first.objectToString).toBe('[object Array]');
  });

  it('leaves the host realm untouched by prototype and global mutations inside workflows', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', workflowIsolation });
    await run(runner, 'iso-8', 'leaveTraces', ['eighth']);
    expect((globalThis as { leakedGlobal?: unknown }).leakedGlobal).toBeUndefined();
    expect('leakedMethod' in Array.prototype).toBe(false);
    expect('leaked' in URL.prototype).toBe(false);
    expect('leaked' in console).toBe(false);
  });
});

describe('shared realm', () => {
  it('moves a workflow that changes shared state in a later activation to a realm of its own, through a replay', async () => {
    const evictions: [string, string][] = [];
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', onEvict: (runId, reason) => evictions.push([runId, reason]) });
    const wf = new ActivationBuilder('leak-late');
    expect(commandsOf(await runner.activate(wf.start('leakOnSignal')))).toEqual([]);
    const failed = await runner.activate(wf.signal('leak', []));
    expect(failed.failed?.failure?.message).toContain('globalThis.leakedGlobal');
    expect(evictions).toEqual([['leak-late', 'isolation-change']]);
    // The core replays the run from its history; this time it gets a realm of its own.
    const replay = new ActivationBuilder('leak-late');
    await runner.activate(replay.start('leakOnSignal'));
    const [complete] = commandsOf(await runner.activate(replay.signal('leak', [])));
    expect(fromPayload(complete?.completeWorkflowExecution?.result)).toBe('from a signal');
    expect(await run(runner, 'after-leak', 'observeOnly')).toEqual({ ...pristine, moduleExecutions: 0 });
  });

  it('replaces the shared realm after a runaway call, evicting the executions that lived in it', async () => {
    const evictions: [string, string][] = [];
    const runner = new WorkflowRunner({ bundle: loopBundle, taskQueue: 'test', isolateExecutionTimeoutMs: 200, onEvict: (runId, reason) => evictions.push([runId, reason]) });
    await runner.activate(new ActivationBuilder('bystander').start('sleeper', [60_000]));
    const failed = await runner.activate(new ActivationBuilder('runaway').start('spin'));
    expect(failed.failed?.failure?.message).toMatch(/did not return within 200 ms/);
    expect(evictions).toEqual([
      ['bystander', 'realm-reset'],
      ['runaway', 'realm-reset'],
    ]);
    const [timer] = commandsOf(await runner.activate(new ActivationBuilder('newcomer').start('sleeper', [60_000])));
    expect(timer?.startTimer).toBeTruthy();
  });
});
