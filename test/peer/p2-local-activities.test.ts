/**
 * Spec §7 phase 2 scenario 4 with the official SDK against our dev server: a local activity that
 * runs longer than the workflow task timeout completes, because the worker keeps its workflow task
 * alive with `force_create_new_workflow_task` heartbeats and the server honours them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, eventsOfType, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { longLocalActivity } from './p2-support/workflows';

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

describe('phase 2 · local activities', () => {
  it('completes a local activity that runs longer than the workflow task timeout', async () => {
    const handle = await env.client.workflow.start(longLocalActivity, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('long-local'),
      args: [4_000],
      // Heartbeats come at 80% of this; 2 s leaves the worker 400 ms of slack on a busy 2-core machine.
      workflowTaskTimeout: '2s',
    });
    expect(await handle.result()).toBe('slept 4000ms locally');
    const history = await handle.fetchHistory();
    const types = eventTypes(history);
    expect(types).not.toContain('WorkflowTaskTimedOut');
    expect(types).not.toContain('WorkflowTaskFailed');
    // The worker heartbeats its task (at 80% of the 2 s timeout) while the activity runs.
    expect(eventsOfType(history, 'WorkflowTaskCompleted').length).toBeGreaterThanOrEqual(3);
    const marker = onlyEvent(history, 'MarkerRecorded').markerRecordedEventAttributes;
    expect(marker?.markerName).toBe('core_local_activity');
    expect(types.at(-1)).toBe('WorkflowExecutionCompleted');
  });
});
