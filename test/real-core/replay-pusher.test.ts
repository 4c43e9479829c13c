/**
 * Histories pushed back to back reach the replay worker in push order, and the history stream can
 * be closed while pushes are still queued. The released C bridge spawns a task per push that
 * borrows the pusher across a bounded send (a use after free when the stream closes first, and no
 * order between pushes); our build relays pushes in order without the borrow
 * (third_party/core-patches/0002). Run under AddressSanitizer by scripts/native-memcheck.sh.
 */
import { coresdk } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../lib/core';
import type { CoreRuntime } from '../../lib/core';
import { firstWorkflowTaskHistory } from '../contract/histories';
import { realCoreLibrary } from './real-core';

describe('replay pushes on the real core', () => {
  let runtime: CoreRuntime;

  beforeAll(async () => {
    runtime = await createRuntime({ backend: 'native', coreLibraryPath: realCoreLibrary() });
  });

  afterAll(async () => {
    await runtime.close();
  });

  it('delivers histories pushed back to back in push order, then ends the stream', async () => {
    const replayer = runtime.createReplayer({ taskQueue: 'replay-order' });
    const ids = Array.from({ length: 6 }, (_, i) => `wf-${i}`);
    for (const [i, id] of ids.entries()) {
      await replayer.pushHistory(id, firstWorkflowTaskHistory({ workflowType: 'wf', taskQueue: 'replay-order', runId: `run-${i}`, startMs: 1_700_000_000_000 }));
    }
    // Closed while later pushes may still be queued: nothing may be lost or touched after free.
    replayer.closeHistoryStream();

    const seen: string[] = [];
    for (;;) {
      const bytes = await replayer.worker.pollWorkflowActivation();
      if (bytes === null) break;
      const activation = coresdk.workflow_activation.WorkflowActivation.decode(bytes);
      const init = activation.jobs.find((job) => job.initializeWorkflow)?.initializeWorkflow;
      if (init?.workflowId) seen.push(init.workflowId);
      const evicting = activation.jobs.some((job) => job.removeFromCache);
      const completion = coresdk.workflow_completion.WorkflowActivationCompletion.encode({
        runId: activation.runId,
        successful: evicting ? {} : { commands: [] },
      }).finish();
      await replayer.worker.completeWorkflowActivation(completion);
      if (seen.length === ids.length && !evicting) replayer.worker.initiateShutdown();
    }
    await new Promise((resolve) => setImmediate(resolve));
    await replayer.worker.finalizeShutdown();
    expect(seen).toEqual(ids);
  });
});
