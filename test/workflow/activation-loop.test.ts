import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { coresdk, temporal } from '@temporalio/proto';
import { bundleWorkflowCode, type WorkflowBundle } from '../../lib/worker/workflow/bundler';
import { WorkflowActivationLoop } from '../../lib/worker/workflow/activation-loop';
import type { CoreWorker } from '../../lib/core/types';
import type { PayloadCodec } from '../../lib/converter/types';
import { ConsoleLogger } from '../../lib/worker/logger';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';

type Payload = temporal.api.common.v1.IPayload;

/**
 * A core worker that serves a fixed script of activations, records what the loop sends back, and
 * answers "shut down" once the script is exhausted and every completion has arrived. It stands in
 * for the Rust core, which needs a server; the real core is exercised by the end-to-end suite.
 */
class ScriptedCoreWorker implements Pick<CoreWorker, 'pollWorkflowActivation' | 'completeWorkflowActivation' | 'requestWorkflowEviction'> {
  readonly completions: coresdk.workflow_completion.WorkflowActivationCompletion[] = [];
  readonly evictionRequests: string[] = [];
  private readonly queue: Uint8Array[];
  private pending: (() => void) | undefined;

  constructor(activations: coresdk.workflow_activation.IWorkflowActivation[], private readonly expectedCompletions = activations.length) {
    this.queue = activations.map((a) => coresdk.workflow_activation.WorkflowActivation.encode(a).finish());
  }

  async pollWorkflowActivation(): Promise<Uint8Array | null> {
    const next = this.queue.shift();
    if (next) return next;
    while (this.completions.length < this.expectedCompletions) await new Promise<void>((r) => (this.pending = r));
    return null;
  }

  async completeWorkflowActivation(bytes: Uint8Array): Promise<void> {
    this.completions.push(coresdk.workflow_completion.WorkflowActivationCompletion.decode(bytes));
    this.pending?.();
  }

  requestWorkflowEviction(runId: string): void {
    this.evictionRequests.push(runId);
  }
}

/** Reverses payload bytes and marks them, so an un-decoded payload cannot be mistaken for JSON. */
const reversingCodec: PayloadCodec = {
  async encode(payloads: Payload[]) {
    return payloads.map((p) => ({ metadata: { ...p.metadata, reversed: new Uint8Array([1]) }, data: Uint8Array.from(p.data ?? []).reverse() }));
  },
  async decode(payloads: Payload[]) {
    return payloads.map((p) => {
      if (!p.metadata?.reversed) return p;
      const { reversed: _ignored, ...metadata } = p.metadata;
      return { metadata, data: Uint8Array.from(p.data ?? []).reverse() };
    });
  },
};

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'workflows.ts'), cacheDir: false });
});

function loop(core: ScriptedCoreWorker, extra: Partial<ConstructorParameters<typeof WorkflowActivationLoop>[0]> = {}) {
  return new WorkflowActivationLoop({
    coreWorker: core as unknown as CoreWorker,
    bundle,
    maxCachedWorkflows: 10,
    maxConcurrentWorkflowTaskExecutions: 4,
    logger: new ConsoleLogger('ERROR'),
    taskQueue: 'test',
    ...extra,
  });
}

describe('WorkflowActivationLoop', () => {
  it('polls activations, completes each one, and returns once the poller reports shutdown', async () => {
    const a = new ActivationBuilder('loop-a');
    const b = new ActivationBuilder('loop-b');
    const core = new ScriptedCoreWorker([a.start('greeting', ['a']), b.start('sleeper', [10])]);
    const l = loop(core);
    await l.run();
    const byRun = new Map(core.completions.map((c) => [c.runId, c]));
    expect(commandsOf(byRun.get('loop-a')!)[0]?.scheduleActivity?.activityType).toBe('greet');
    expect(commandsOf(byRun.get('loop-b')!)[0]?.startTimer).toBeTruthy();
    expect(l.runner.cachedWorkflows).toBe(0);
  });

  it('decodes activation payloads and encodes completion payloads with the payload codecs', async () => {
    const wf = new ActivationBuilder('loop-codec');
    const start = wf.start('greeting', ['Ada']);
    const init = start.jobs[0]!.initializeWorkflow!;
    init.arguments = await reversingCodec.encode(init.arguments ?? []);
    const core = new ScriptedCoreWorker([start]);
    await loop(core, { dataConverter: { payloadCodecs: [reversingCodec] } }).run();
    const argument = commandsOf(core.completions[0]!)[0]?.scheduleActivity?.arguments?.[0];
    expect([...(argument?.metadata?.reversed ?? [])]).toEqual([1]);
    expect(fromPayload((await reversingCodec.decode([argument!]))[0])).toBe('Ada');
  });

  it('asks the core to evict workflows the cache drops on its own', async () => {
    const runs = ['loop-lru-1', 'loop-lru-2', 'loop-lru-3'].map((id) => new ActivationBuilder(id).start('sleeper', [60_000]));
    const core = new ScriptedCoreWorker(runs);
    await loop(core, { maxCachedWorkflows: 2, maxConcurrentWorkflowTaskExecutions: 1 }).run();
    expect(core.evictionRequests).toEqual(['loop-lru-1']);
  });

  it('answers a removeFromCache activation with an empty successful completion', async () => {
    const wf = new ActivationBuilder('loop-evict');
    const core = new ScriptedCoreWorker([wf.start('sleeper', [60_000]), wf.evict()]);
    const l = loop(core, { maxConcurrentWorkflowTaskExecutions: 1 });
    await l.run();
    expect(core.completions[1]?.toJSON()).toEqual({ runId: 'loop-evict', successful: {} });
  });
});
