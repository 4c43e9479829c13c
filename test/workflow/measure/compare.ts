/**
 * Side-by-side numbers for the report, our workflow host vs the official worker's reuse-mode VM,
 * on the same fixture and the same synthetic activations (no server: this isolates the workflow
 * host from the network and the core). Not a test.
 *
 *   node --expose-gc node_modules/.bin/vite-node test/workflow/measure/compare.ts
 *
 * - bundle: cold `bundleWorkflowCode` (no cache) and warm (cache hit), vs the official webpack one.
 * - start: bundle + sandbox ready + first workflow activation completed.
 * - throughput: one-activity workflows driven start → resolve activity → evict, 100 at a time.
 */
import { join } from 'node:path';
import Long from 'long';
import { bundleWorkflowCode as officialBundle } from '@temporalio/worker';
import { parseWorkflowCode } from '@temporalio/worker/lib/worker';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { TypedSearchAttributes } from '@temporalio/common';
import { createUnsafeRandomSource } from '@temporalio/workflow/lib/random-helpers';
import type { WorkflowInfo } from '@temporalio/workflow';
import { bundleWorkflowCode } from '../../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder } from '../helpers/activations';

const workflowsPath = join(__dirname, '..', 'fixtures', 'workflows.ts');
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const WORKFLOWS = 2000;
const CONCURRENCY = 100;

function info(runId: string): WorkflowInfo {
  return {
    workflowId: `wf-${runId}`, runId, workflowType: 'greeting', searchAttributes: {}, typedSearchAttributes: new TypedSearchAttributes(),
    taskQueue: 'measure', namespace: 'default', firstExecutionRunId: runId, originalExecutionRunId: runId, startTime: new Date(),
    runStartTime: new Date(), taskTimeoutMs: 10_000, attempt: 1, historyLength: 3, historySize: 0, continueAsNewSuggested: false,
    targetWorkerDeploymentVersionChanged: false, currentBuildId: '',
    unsafe: { now: () => Date.now(), random: createUnsafeRandomSource(Math.random), isReplaying: false, isReplayingHistoryEvents: false },
    priority: {},
  } as unknown as WorkflowInfo;
}

interface Host {
  start(runId: string, wf: ActivationBuilder): Promise<unknown>;
  resolve(runId: string, wf: ActivationBuilder): Promise<unknown>;
  evict(runId: string, wf: ActivationBuilder): Promise<unknown>;
}

async function ours(): Promise<{ host: Host; startMs: number }> {
  const t0 = performance.now();
  const bundle = await bundleWorkflowCode({ workflowsPath, cacheDir: false });
  const runner = new WorkflowRunner({ bundle, taskQueue: 'measure', maxCachedWorkflows: 10_000 });
  await runner.activate(new ActivationBuilder('first').start('greeting', ['x']));
  const startMs = performance.now() - t0;
  return {
    startMs,
    host: {
      start: (_id, wf) => runner.activate(wf.start('greeting', ['x'])),
      resolve: (_id, wf) => runner.activate(wf.resolveActivity(1, 'done')),
      evict: (_id, wf) => runner.activate(wf.evict()),
    },
  };
}

async function official(): Promise<{ host: Host; startMs: number }> {
  const t0 = performance.now();
  const bundle = await officialBundle({ workflowsPath, logger: silent as never });
  const creator = await ReusableVMWorkflowCreator.create(parseWorkflowCode(bundle.code) as never, 5000, new Set(['greet']), undefined);
  const workflows = new Map<string, Awaited<ReturnType<typeof creator.createWorkflow>>>();
  const create = async (runId: string, wf: ActivationBuilder) => {
    const w = await creator.createWorkflow({ info: info(runId), randomnessSeed: Long.fromNumber(1).toBytes(), now: wf.now, showStackTraceSources: false });
    workflows.set(runId, w);
    return w.activate(wf.start('greeting', ['x']));
  };
  await create('first', new ActivationBuilder('first'));
  const startMs = performance.now() - t0;
  return {
    startMs,
    host: {
      start: create,
      resolve: (runId, wf) => workflows.get(runId)!.activate(wf.resolveActivity(1, 'done')),
      evict: async (runId) => {
        await workflows.get(runId)!.dispose();
        workflows.delete(runId);
      },
    },
  };
}

async function throughput(host: Host): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < WORKFLOWS) {
      const runId = `tp-${next++}`;
      const wf = new ActivationBuilder(runId);
      await host.start(runId, wf);
      await host.resolve(runId, wf);
      await host.evict(runId, wf);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return WORKFLOWS / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'ours';
  const t0 = performance.now();
  if (which === 'ours') await bundleWorkflowCode({ workflowsPath, cacheDir: false });
  else await officialBundle({ workflowsPath, logger: silent as never });
  const coldBundleMs = performance.now() - t0;
  const { host, startMs } = which === 'ours' ? await ours() : await official();
  const perSecond = await throughput(host);
  console.log(JSON.stringify({ host: which, coldBundleMs: Math.round(coldBundleMs), startMs: Math.round(startMs), workflowsPerSecond: Math.round(perSecond) }));
}

void main();
