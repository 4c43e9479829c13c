/**
 * Start options the server records and reports back: priority and the UI's summary and details
 * (user metadata), read from describe() and from the started event, on both servers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClientTestEnvironment, type ClientTestEnvironment } from './environment';
import { greet } from './workflows';

let env: ClientTestEnvironment;

beforeAll(async () => {
  env = await startClientTestEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

it('priority is recorded on the started event and reported by describe()', async () => {
  const workflowId = env.workflowId('priority');
  const handle = await env.client.workflow.start(greet, { taskQueue: env.taskQueue, workflowId, args: ['P'], priority: { priorityKey: 2, fairnessKey: 'tenant-a' } });
  await handle.result();
  const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
  expect(started?.priority).toMatchObject({ priorityKey: 2, fairnessKey: 'tenant-a' });
  const { raw } = await handle.describe();
  expect(raw.workflowExecutionInfo?.priority).toMatchObject({ priorityKey: 2, fairnessKey: 'tenant-a' });
});

it('staticSummary and staticDetails come back from describe() as user metadata', async () => {
  const workflowId = env.workflowId('metadata');
  const handle = await env.client.workflow.start(greet, {
    taskQueue: env.taskQueue,
    workflowId,
    args: ['M'],
    staticSummary: 'Greeting M',
    staticDetails: 'a longer\ndescription',
  });
  await handle.result();
  const metadata = (await handle.describe()).raw.executionConfig?.userMetadata;
  expect(await env.client.dataConverter.decodeOne(metadata?.summary ?? undefined)).toBe('Greeting M');
  expect(await env.client.dataConverter.decodeOne(metadata?.details ?? undefined)).toBe('a longer\ndescription');
});
