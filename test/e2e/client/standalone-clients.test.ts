/**
 * `WorkflowClient`, `ScheduleClient` and `AsyncCompletionClient` can be made on their own from a
 * connection, with the official SDK's options shape, and behave as the ones a `Client` holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsyncCompletionClient, InvalidOptionError, ScheduleClient, WorkflowClient } from '../../../lib';
import { taskTokenFor } from './activities';
import { startClientTestEnvironment, type ClientTestEnvironment } from './environment';
import { awaitAsyncActivity, greet } from './workflows';

let env: ClientTestEnvironment;

beforeAll(async () => {
  env = await startClientTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

describe('clients made on their own', () => {
  it('a WorkflowClient runs a workflow', async () => {
    const workflows = new WorkflowClient({ connection: env.connection, namespace: env.namespace });
    const result = await workflows.execute(greet, { taskQueue: env.taskQueue, workflowId: env.workflowId('standalone-wf'), args: ['Ada'] });
    expect(result).toBe(await env.client.workflow.execute(greet, { taskQueue: env.taskQueue, workflowId: env.workflowId('client-wf'), args: ['Ada'] }));
  });

  it('an AsyncCompletionClient completes an activity by its task token', async () => {
    const key = env.workflowId('standalone-async');
    const token = taskTokenFor(key);
    const handle = await env.client.workflow.start(awaitAsyncActivity, { taskQueue: env.taskQueue, workflowId: key, args: [key] });
    await new AsyncCompletionClient({ connection: env.connection, namespace: env.namespace }).complete(await token, 'done outside');
    expect(await handle.result()).toBe('done outside');
  });

  it('a ScheduleClient creates, describes and deletes a schedule', async () => {
    const schedules = new ScheduleClient({ connection: env.connection, namespace: env.namespace });
    const scheduleId = env.workflowId('standalone-schedule');
    const handle = await schedules.create({
      scheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: { type: 'startWorkflow', workflowType: 'greet', taskQueue: env.taskQueue, args: ['schedule'] },
      state: { paused: true, note: 'made by a standalone ScheduleClient' },
    });
    try {
      const description = await env.client.schedule.getHandle(scheduleId).describe();
      expect(description.state.note).toBe('made by a standalone ScheduleClient');
    } finally {
      await handle.delete();
    }
  });

  it('refuses options without a connection, naming the field', () => {
    expect(() => new WorkflowClient({} as never)).toThrow(InvalidOptionError);
    expect(() => new ScheduleClient({} as never)).toThrow(/connection/);
  });
});
