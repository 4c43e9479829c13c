/**
 * Completions on the fake core are decoded and validated like the real core's
 * (Worker::complete_activity_task, validate_activity_completion, validate_completion and the
 * workflow stream): malformed ones are refused with the core's message; a completion the core
 * cannot match to anything it handed out succeeds with the core's WARN / ERROR log line, as the
 * real (release) core does. Every expectation is what the real library answered or logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coresdk } from '@temporalio/proto';
import type { CoreConnection, CoreLogRecord, CoreRuntime, CoreWorker, WorkerOptions } from '../../lib/core/types';
import { connectionOptions, enqueueTask, fakeRuntime, messages, pending, settledStats, uniqueTaskQueue, workerOptions } from './fake-core';

const AC = coresdk.ActivityTaskCompletion;
const WC = coresdk.workflow_completion.WorkflowActivationCompletion;

describe('completions on the fake core', () => {
  let runtime: CoreRuntime;
  let connection: CoreConnection;
  const records: CoreLogRecord[] = [];
  const workers: Array<[CoreWorker, WorkerOptions['taskTypes']]> = [];

  function newWorker(overrides: Partial<WorkerOptions> = {}): { worker: CoreWorker; taskQueue: string } {
    const taskQueue = uniqueTaskQueue('completions');
    const options = workerOptions(taskQueue, overrides);
    const worker = connection.createWorker(options);
    workers.push([worker, options.taskTypes]);
    return { worker, taskQueue };
  }

  async function logged(level: string, message: string): Promise<CoreLogRecord[]> {
    await settledStats(connection);
    return records.filter((r) => r.level === level && r.message === message);
  }

  beforeAll(async () => {
    runtime = await fakeRuntime({ logger: (record) => records.push(record) });
    connection = await runtime.connect(connectionOptions);
  });

  afterAll(async () => {
    for (const [worker, types] of workers) {
      worker.initiateShutdown();
      if (types.workflows) expect(await worker.pollWorkflowActivation()).toBeNull();
      if (types.activities) expect(await worker.pollActivityTask()).toBeNull();
      await worker.finalizeShutdown();
    }
    await connection.close();
    await runtime.close();
  });

  describe('activity completions', () => {
    const malformed = 'Activity completion failure: Lang SDK sent us a malformed activity completion';

    it('refuses a completion without a result', async () => {
      const { worker } = newWorker();
      await expect(worker.completeActivityTask(AC.encode({ taskToken: Buffer.from('t') }).finish())).rejects.toThrow(
        `${malformed} (Activity completion had empty result/status field): None`,
      );
    });

    it('refuses a completion whose result has no status', async () => {
      const { worker } = newWorker();
      await expect(worker.completeActivityTask(AC.encode({ taskToken: Buffer.from('t'), result: {} }).finish())).rejects.toThrow(
        `${malformed} (Activity completion had empty result/status field): None`,
      );
    });

    it('refuses a completed activity without a result payload', async () => {
      const { worker } = newWorker();
      const completion = AC.encode({ taskToken: Buffer.from('t'), result: { completed: {} } }).finish();
      await expect(worker.completeActivityTask(completion)).rejects.toThrow(
        `${malformed} (Activity completions must contain a \`result\` payload (which may be empty)): None`,
      );
    });

    it('accepts a completion for a task token it never handed out, with the core\'s warning', async () => {
      const { worker } = newWorker();
      await worker.completeActivityTask(messages.activityCompletion('never-handed-out'));
      const warnings = await logged('WARN', `Attempted to complete activity task ${Buffer.from('never-handed-out').toString('base64')} but we were not tracking it`);
      expect(warnings).toHaveLength(1);
    });

    it('refuses a completion on a worker without activities', async () => {
      const { worker } = newWorker({ taskTypes: { workflows: true, activities: false, localActivities: false, nexus: false } });
      await expect(worker.completeActivityTask(messages.activityCompletion('t'))).rejects.toThrow(
        'Activity completion failure: Activities are not enabled on this worker',
      );
    });

    it('warns about a heartbeat for a task token it never handed out, and records nothing', async () => {
      const { worker } = newWorker();
      const before = await settledStats(connection);
      worker.recordActivityHeartbeat(messages.heartbeat('unknown-heartbeat'));
      const warnings = await logged('WARN', 'Activity heartbeat failed.');
      expect(warnings.map((r) => r.fields)).toContainEqual({
        details: 'UnknownActivity',
        task_token: Buffer.from('unknown-heartbeat').toString('base64'),
      });
      expect((await settledStats(connection)).heartbeats).toBe(before.heartbeats);
    });
  });

  describe('workflow completions', () => {
    const malformed = (runId: string) => `Workflow completion failure: Lang SDK sent us a malformed workflow completion for run (${runId})`;

    it('refuses a completion without a status', async () => {
      const { worker } = newWorker();
      await expect(worker.completeWorkflowActivation(WC.encode({ runId: 'r1' }).finish())).rejects.toThrow(
        `${malformed('r1')}: Workflow completion had empty status field`,
      );
    });

    it('refuses a completion holding a command without a variant (user metadata alone is not one)', async () => {
      const { worker } = newWorker();
      const completion = messages.workflowCompletion('r2', [{ userMetadata: { summary: { data: Buffer.from('x') } } }]);
      await expect(worker.completeWorkflowActivation(completion)).rejects.toThrow(
        `${malformed('r2')}: At least one workflow command in the completion contained an empty variant`,
      );
    });

    it('accepts a completion for a run it does not know, with the core\'s error lines', async () => {
      const { worker } = newWorker();
      await worker.completeWorkflowActivation(messages.workflowCompletion('unknown-run', [{ completeWorkflowExecution: {} }]));
      await settledStats(connection);
      const errors = records.filter((r) => r.level === 'ERROR').map((r) => r.message);
      expect(errors).toContainEqual(expect.stringMatching(/^Run missing during completion .*run_id: "unknown-run"/));
      expect(errors).toContain('Send half of activation complete response channel went missing');
    });

    it('accepts a second completion of the same activation, with the core\'s error line', async () => {
      const { worker, taskQueue } = newWorker();
      await enqueueTask(connection, taskQueue, 'workflow', messages.activation('run-twice'));
      messages.decodeActivation(await worker.pollWorkflowActivation());
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-twice'));
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-twice'));
      expect(await logged('ERROR', 'Attempted to complete activation for run run-twice without associated workflow task')).toHaveLength(1);
    });

    it('refuses a completion on a worker without workflows', async () => {
      const { worker } = newWorker({ taskTypes: { workflows: false, activities: true, localActivities: false, nexus: false } });
      await expect(worker.completeWorkflowActivation(messages.workflowCompletion('r3'))).rejects.toThrow(
        'Workflow completion failure: Workflows are not enabled on this worker',
      );
    });

    it('hands out a run\'s next activation only once its outstanding one is completed', async () => {
      const { worker, taskQueue } = newWorker();
      await enqueueTask(connection, taskQueue, 'workflow', messages.activation('run-serial'));
      await enqueueTask(connection, taskQueue, 'workflow', messages.activation('run-serial', [{ fireTimer: { seq: 1 } }]));
      expect(messages.decodeActivation(await worker.pollWorkflowActivation()).jobs[0].initializeWorkflow).toBeTruthy();
      const next = worker.pollWorkflowActivation();
      expect(await pending(next)).toBe(true);
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-serial'));
      expect(messages.decodeActivation(await next).jobs[0].fireTimer).toMatchObject({ seq: 1 });
      await worker.completeWorkflowActivation(messages.workflowCompletion('run-serial'));
    });
  });

  describe('decoding', () => {
    const cases: Array<[string, 'workflow' | 'activity', number[], string]> = [
      ['a run id of the wrong wire type', 'workflow', [0x08, 0x01], 'WorkflowActivationCompletion.run_id: invalid wire type: Varint (expected LengthDelimited)'],
      ['a run id that is not UTF-8', 'workflow', [0x0a, 0x01, 0xff], 'WorkflowActivationCompletion.run_id: invalid string value: data is not UTF-8 encoded'],
      ['a command variant of the wrong wire type', 'workflow', [0x12, 0x04, 0x0a, 0x02, 0x08, 0x01], 'WorkflowCommand.variant: Success.commands: WorkflowActivationCompletion.status: invalid wire type: Varint (expected LengthDelimited)'],
      ['a result payload of the wrong wire type', 'activity', [0x12, 0x04, 0x0a, 0x02, 0x08, 0x01], 'Success.result: ActivityExecutionResult.status: ActivityTaskCompletion.result: invalid wire type: Varint (expected LengthDelimited)'],
      ['a result whose fields overrun it', 'activity', [0x12, 0x02, 0x7a, 0x05, 1, 2, 3, 4, 5], 'ActivityTaskCompletion.result: delimited length exceeded'],
      ['a result length cut short', 'activity', [0x12, 0x04, 0x0a, 0x02, 0x0a, 0x00, 0x12], 'ActivityTaskCompletion.result: invalid varint'],
    ];

    it.each(cases)('refuses a %s synchronously, naming the field path like prost', async (_what, kind, bytes, description) => {
      const { worker } = newWorker();
      const completion = Uint8Array.from(bytes);
      const call = kind === 'workflow' ? worker.completeWorkflowActivation(completion) : worker.completeActivityTask(completion);
      const prefix = kind === 'workflow' ? 'Workflow task decode failure' : 'Activity task decode failure';
      await expect(call).rejects.toThrow(`${prefix}: failed to decode Protobuf message: ${description}`);
    });
  });
});
