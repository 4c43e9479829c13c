/**
 * The same measurement as `memory.ts`, on the official worker's reuse-mode VM (the reference we
 * must beat). Run: `node --expose-gc node_modules/.bin/vite-node test/workflow/measure/official-memory.ts [count]`.
 */
import { join } from 'node:path';
import Long from 'long';
import { bundleWorkflowCode } from '@temporalio/worker';
import { parseWorkflowCode } from '@temporalio/worker/lib/worker';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { VMWorkflowCreator } from '@temporalio/worker/lib/workflow/vm';
import { TypedSearchAttributes } from '@temporalio/common';
import { createUnsafeRandomSource } from '@temporalio/workflow/lib/random-helpers';
import type { WorkflowInfo } from '@temporalio/workflow';
import { ActivationBuilder } from '../helpers/activations';

const gc = (globalThis as { gc?: () => void }).gc;

function info(runId: string): WorkflowInfo {
  return {
    workflowId: `wf-${runId}`,
    runId,
    workflowType: 'sleeper',
    searchAttributes: {},
    typedSearchAttributes: new TypedSearchAttributes(),
    taskQueue: 'measure',
    namespace: 'default',
    firstExecutionRunId: runId,
    originalExecutionRunId: runId,
    startTime: new Date(),
    runStartTime: new Date(),
    taskTimeoutMs: 10_000,
    attempt: 1,
    historyLength: 3,
    historySize: 0,
    continueAsNewSuggested: false,
    targetWorkerDeploymentVersionChanged: false,
    currentBuildId: '',
    unsafe: { now: () => Date.now(), random: createUnsafeRandomSource(Math.random), isReplaying: false, isReplayingHistoryEvents: false },
    priority: {},
  } as unknown as WorkflowInfo;
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const count = Number(process.argv[2] ?? 1000);
  const mode = process.argv[3] ?? 'reuse';
  const t0 = Date.now();
  const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, '..', 'fixtures', 'workflows.ts'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  const bundleMs = Date.now() - t0;
  const parsed = parseWorkflowCode(bundle.code) as never;
  const creator =
    mode === 'reuse'
      ? await ReusableVMWorkflowCreator.create(parsed, 5000, new Set(['greet']), undefined)
      : await VMWorkflowCreator.create(parsed, 5000, new Set(['greet']), undefined);
  const keep: unknown[] = [];
  const start = async (runId: string) => {
    const wf = await creator.createWorkflow({ info: info(runId), randomnessSeed: Long.fromNumber(1).toBytes(), now: Date.now(), showStackTraceSources: false });
    await wf.activate(new ActivationBuilder(runId).start('sleeper', [60_000]));
    keep.push(wf);
  };
  await start('warm');
  gc();
  const before = process.memoryUsage();
  const started = Date.now();
  for (let i = 0; i < count; i++) await start(`mem-${i}`);
  const elapsed = Date.now() - started;
  gc();
  const after = process.memoryUsage();
  const kb = (bytes: number) => (bytes / count / 1024).toFixed(1);
  console.log(JSON.stringify({ mode, bundleMs, workflows: keep.length - 1, heapPerWorkflowKB: kb(after.heapUsed - before.heapUsed), rssPerWorkflowKB: kb(after.rss - before.rss), totalRssMB: (after.rss / 2 ** 20).toFixed(1), msPerWorkflowStart: (elapsed / count).toFixed(2) }));
}

void main();
