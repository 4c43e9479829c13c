/**
 * Spec §7 phase 1 with the official SDK: replaying a fetched history, a worker restart mid-workflow
 * (sticky queue handed back to the normal queue), and a buggy workflow task retried until a fixed
 * worker completes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { queueKey } from '../../lib/devserver/matching';
import { bundle, eventually, eventTypes, startPeerEnv, uniqueId, type PeerEnv } from './helpers';

let env: PeerEnv;

beforeAll(async () => {
  env = await startPeerEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('phase 1: workers', () => {
  it('a fetched history replays cleanly on the official replayer', async () => {
    const worker = await env.createWorker();
    const taskQueue = worker.options.taskQueue;
    const history = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('sequentialAndParallel', {
        taskQueue,
        workflowId: uniqueId('replay'),
        args: [['x', 'y', 'z']],
      });
      await handle.result();
      return handle.fetchHistory();
    });
    await Worker.runReplayHistory({ workflowBundle: env.workflowBundle }, history);
    const completed = history.events!.filter((e) => e.workflowTaskCompletedEventAttributes);
    expect(completed.some((e) => e.workflowTaskCompletedEventAttributes?.sdkMetadata)).toBe(true);
  });

  it('a new worker finishes a workflow whose previous (sticky) worker shut down', async () => {
    const taskQueue = uniqueId('restart');
    const workflowId = uniqueId('restart-wf');
    const first = await env.createWorker({ taskQueue });
    const handle = await first.runUntil(async () => {
      const h = await env.client.workflow.start('counter', { taskQueue, workflowId });
      await h.signal('increment', 1);
      expect(await h.query('count')).toBe(1);
      return h;
    });
    // The first worker's ShutdownWorker retired its sticky queue, so the next task goes to the normal
    // queue at once instead of waiting out the sticky schedule-to-start timeout (it is still recorded as
    // scheduled on the sticky queue, as on the real server; see test/conformance).
    const sticky = env.server.engine.findRun('default', workflowId).rec.stickyQueue;
    expect(sticky).not.toBe('');
    expect(env.server.engine.retiredStickyQueues.has(queueKey('default', 'workflow', sticky))).toBe(true);
    const second = await env.createWorker({ taskQueue });
    const result = await second.runUntil(async () => {
      await handle.signal('finish');
      return handle.result();
    });
    expect(result).toBe(1);
    const types = eventTypes(await handle.fetchHistory());
    expect(types).not.toContain('WorkflowTaskTimedOut');
  });

  it('a workflow task failing with a plain Error is retried until a fixed worker completes it', async () => {
    const taskQueue = uniqueId('wft-fail');
    const buggy = await env.createWorker({ taskQueue });
    const handle = await buggy.runUntil(async () => {
      const h = await env.client.workflow.start('throwsPlainError', { taskQueue, workflowId: uniqueId('buggy'), workflowTaskTimeout: '1s' });
      await eventually(async () => eventTypes(await h.fetchHistory()).includes('WorkflowTaskFailed'), 'a failed workflow task');
      return h;
    });
    const fixed = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle('workflows-v2'),
    });
    expect(await fixed.runUntil(handle.result())).toBe('fixed');
    const types = eventTypes(await handle.fetchHistory());
    expect(types[types.length - 1]).toBe('WorkflowExecutionCompleted');
    expect(types.filter((t) => t === 'WorkflowTaskFailed').length).toBeGreaterThanOrEqual(1);
  });
});
