/**
 * Regression tests for the dev server behaviours aligned with the real Temporal server by the
 * differential conformance suite (test/conformance). They run against our server alone, driving
 * workflow tasks by hand over raw WorkflowService calls, so they need neither the Temporal CLI nor a
 * worker; test/conformance checks the same behaviours side by side with the real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import Long from 'long';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';

const { EventType, CommandType, WorkflowTaskFailedCause, RetryState, ParentClosePolicy, WorkflowIdReusePolicy } = temporal.api.enums.v1;
type IHistoryEvent = temporal.api.history.v1.IHistoryEvent;
type ICommand = temporal.api.command.v1.ICommand;
type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

let server: RunningDevServer;
let connection: Connection;
let n = 0;

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

const svc = () => connection.workflowService;
const ms = (millis: number) => ({ seconds: Long.fromNumber(Math.floor(millis / 1000)), nanos: (millis % 1000) * 1e6 });
const durationMs = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => (d ? Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6 : 0);
const json = (v: unknown) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(v)) });
const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

async function start(queue: string, extra: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {}): Promise<string> {
  const workflowId = `parity-${++n}`;
  await svc().startWorkflowExecution({
    namespace: 'default',
    workflowId,
    workflowType: { name: 'raw' },
    taskQueue: { name: queue },
    requestId: `req-parity-${n}`,
    ...extra,
  });
  return workflowId;
}

async function poll(queue: string, kind = 1): Promise<PollResponse> {
  const res = await connection.withDeadline(Date.now() + 5_000, () =>
    svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue, kind }, identity: 'raw-worker' }),
  );
  expect(res.taskToken?.length).toBeGreaterThan(0);
  return res;
}

async function complete(task: PollResponse, commands: ICommand[], extra: Partial<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest> = {}) {
  return svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, identity: 'raw-worker', commands, ...extra });
}

async function history(workflowId: string, runId = ''): Promise<IHistoryEvent[]> {
  const res = await svc().getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId, runId } });
  return res.history?.events ?? [];
}

const types = (events: IHistoryEvent[]) => events.map((e) => e.eventType);

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 5_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(20);
  }
}

const completeCommand: ICommand = { commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} };

function scheduleActivity(queue: string, attrs: Partial<temporal.api.command.v1.IScheduleActivityTaskCommandAttributes>): ICommand {
  return {
    commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
    scheduleActivityTaskCommandAttributes: { activityId: 'a', activityType: { name: 'act' }, taskQueue: { name: queue }, ...attrs },
  };
}

describe('activities', () => {
  it('a schedule-to-start timeout is reported with retry state NON_RETRYABLE_FAILURE', async () => {
    const wf = await start('p-s2s');
    await complete(await poll('p-s2s'), [scheduleActivity('p-s2s-unpolled', { scheduleToStartTimeout: ms(100), startToCloseTimeout: ms(5_000) })]);
    const events = await until(() => history(wf), (h) => h.some((e) => e.activityTaskTimedOutEventAttributes));
    const timedOut = events.find((e) => e.activityTaskTimedOutEventAttributes)!.activityTaskTimedOutEventAttributes!;
    expect(timedOut.retryState).toBe(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('the last failure of a heartbeat timeout does not repeat the heartbeat details; the next attempt gets them', async () => {
    const wf = await start('p-hb');
    await complete(await poll('p-hb'), [
      scheduleActivity('p-hb', { startToCloseTimeout: ms(10_000), heartbeatTimeout: ms(300), retryPolicy: { initialInterval: ms(10), maximumAttempts: 2 } }),
    ]);
    const pollActivity = () =>
      connection.withDeadline(Date.now() + 5_000, () => svc().pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'p-hb' }, identity: 'raw-worker' }));
    const first = await pollActivity();
    await svc().recordActivityTaskHeartbeat({ namespace: 'default', taskToken: first.taskToken, details: { payloads: [json('progress')] } });
    const second = await pollActivity();
    expect(second.attempt).toBe(2);
    expect(Buffer.from(second.heartbeatDetails?.payloads?.[0]?.data ?? []).toString()).toBe('"progress"');
    await svc().respondActivityTaskCompleted({ namespace: 'default', taskToken: second.taskToken });
    const events = await until(() => history(wf), (h) => h.some((e) => e.activityTaskCompletedEventAttributes));
    const started = events.find((e) => e.activityTaskStartedEventAttributes)!.activityTaskStartedEventAttributes!;
    expect(started.lastFailure?.timeoutFailureInfo).toBeTruthy();
    expect(started.lastFailure?.timeoutFailureInfo?.lastHeartbeatDetails ?? undefined).toBeUndefined();
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('a never-started activity cancelled by the completing task leaves no ActivityTaskCanceled; otherwise it follows the commands', async () => {
    const closing = await start('p-cancel');
    await complete(await poll('p-cancel'), [scheduleActivity('p-cancel-unpolled', { startToCloseTimeout: ms(5_000) })]);
    await svc().signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: closing }, signalName: 'go' });
    const cancel: ICommand = { commandType: CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK, requestCancelActivityTaskCommandAttributes: { scheduledEventId: Long.fromNumber(5) } };
    await complete(await poll('p-cancel'), [cancel, completeCommand]);
    expect(types(await history(closing)).slice(-2)).toEqual([
      EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    ]);

    const open = await start('p-cancel');
    await complete(await poll('p-cancel'), [scheduleActivity('p-cancel-unpolled', { startToCloseTimeout: ms(5_000) })]);
    await svc().signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: open }, signalName: 'go' });
    const timer: ICommand = { commandType: CommandType.COMMAND_TYPE_START_TIMER, startTimerCommandAttributes: { timerId: 't', startToFireTimeout: ms(60_000) } };
    await complete(await poll('p-cancel'), [cancel, timer]);
    const events = await history(open);
    expect(types(events).slice(-4)).toEqual([
      EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
      EventType.EVENT_TYPE_TIMER_STARTED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    ]);
    const canceled = events.find((e) => e.activityTaskCanceledEventAttributes)!.activityTaskCanceledEventAttributes!;
    expect(Buffer.from(canceled.details?.payloads?.[0]?.data ?? []).toString()).toBe('"ACTIVITY_ID_NOT_STARTED"');
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: open } });
  });
});

describe('workflow tasks, timers and runs', () => {
  it('the workflow task timeout never exceeds the run timeout', async () => {
    const wf = await start('p-wtt', { workflowRunTimeout: ms(1_000) });
    const events = await history(wf);
    expect(durationMs(events[0].workflowExecutionStartedEventAttributes?.workflowTaskTimeout)).toBe(1_000);
    expect(durationMs(events[1].workflowTaskScheduledEventAttributes?.startToCloseTimeout)).toBe(1_000);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('a run past its execution timeout ends with retry state TIMEOUT, even with a retry policy', async () => {
    const wf = await start('p-exec-timeout', { workflowExecutionTimeout: ms(300), retryPolicy: { maximumAttempts: 5 } });
    const events = await until(() => history(wf), (h) => h.some((e) => e.workflowExecutionTimedOutEventAttributes));
    const timedOut = events.find((e) => e.workflowExecutionTimedOutEventAttributes)!.workflowExecutionTimedOutEventAttributes!;
    expect(timedOut.retryState).toBe(RetryState.RETRY_STATE_TIMEOUT);
    expect(timedOut.newExecutionRunId ?? '').toBe('');
  });

  it('the started event records the workflow retry policy with its defaults', async () => {
    const wf = await start('p-retry', { retryPolicy: { initialInterval: ms(100), maximumAttempts: 2 } });
    const policy = (await history(wf))[0].workflowExecutionStartedEventAttributes?.retryPolicy;
    expect(durationMs(policy?.initialInterval)).toBe(100);
    expect(policy?.backoffCoefficient).toBe(2);
    expect(durationMs(policy?.maximumInterval)).toBe(10_000);
    expect(policy?.maximumAttempts).toBe(2);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('timers due at the same time fire in one batch, before the workflow task they wake', async () => {
    const wf = await start('p-timers');
    const timer = (id: string): ICommand => ({ commandType: CommandType.COMMAND_TYPE_START_TIMER, startTimerCommandAttributes: { timerId: id, startToFireTimeout: ms(100) } });
    await complete(await poll('p-timers'), [timer('a'), timer('b')]);
    await poll('p-timers');
    expect(types(await history(wf)).slice(4)).toEqual([
      EventType.EVENT_TYPE_TIMER_STARTED,
      EventType.EVENT_TYPE_TIMER_STARTED,
      EventType.EVENT_TYPE_TIMER_FIRED,
      EventType.EVENT_TYPE_TIMER_FIRED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('continue-as-new: the event carries the command initiator (unset); the new run says WORKFLOW', async () => {
    const wf = await start('p-can');
    await complete(await poll('p-can'), [
      {
        commandType: CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
        continueAsNewWorkflowExecutionCommandAttributes: { workflowType: { name: 'raw' }, taskQueue: { name: 'p-can' } },
      },
    ]);
    const first = await history(wf, (await svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: wf } })).workflowExecutionInfo?.firstRunId ?? '');
    expect(first.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.initiator ?? 0).toBe(0);
    const second = await history(wf);
    expect(second[0].workflowExecutionStartedEventAttributes?.initiator).toBe(temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('a completion without command attributes fails the task with the BAD_*_ATTRIBUTES cause', async () => {
    const wf = await start('p-missing');
    const err = await complete(await poll('p-missing'), [{ commandType: CommandType.COMMAND_TYPE_START_TIMER }]).catch((e: unknown) => e);
    expect(isGrpcServiceError(err) && err.details).toBe('BadStartTimerAttributes: StartTimerCommandAttributes is not set on StartTimerCommand.');
    const failed = (await history(wf)).find((e) => e.workflowTaskFailedEventAttributes)!.workflowTaskFailedEventAttributes!;
    expect(failed.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('the first run of a cron workflow records the CRON_SCHEDULE initiator', async () => {
    const wf = await start('p-cron', { cronSchedule: '@every 1h' });
    expect((await history(wf))[0].workflowExecutionStartedEventAttributes?.initiator).toBe(
      temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE,
    );
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('a Nexus operation names an endpoint that does not exist here: BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES', async () => {
    const wf = await start('p-nexus');
    const err = await complete(await poll('p-nexus'), [
      {
        commandType: CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION,
        scheduleNexusOperationCommandAttributes: { endpoint: 'nowhere', service: 's', operation: 'o' },
      },
    ]).catch((e: unknown) => e);
    expect(isGrpcServiceError(err) && err.details).toBe('BadScheduleNexusOperationAttributes: endpoint "nowhere" not found');
    const failed = (await history(wf)).find((e) => e.workflowTaskFailedEventAttributes)!.workflowTaskFailedEventAttributes!;
    expect(failed.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('BuildIds records the build id a worker sends as its binary checksum', async () => {
    const wf = await start('p-build');
    await complete(await poll('p-build'), [completeCommand], { binaryChecksum: 'build-7' });
    const d = await svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: wf } });
    const field = d.workflowExecutionInfo?.searchAttributes?.indexedFields?.BuildIds;
    expect(JSON.parse(Buffer.from(field?.data ?? []).toString())).toEqual(['unversioned', 'unversioned:build-7']);
  });
});

describe('transient and speculative workflow tasks', () => {
  it('a retry is transient: its events reach the worker but history only when it completes', async () => {
    const wf = await start('p-transient', { workflowTaskTimeout: ms(1_000) });
    const first = await poll('p-transient');
    await svc().respondWorkflowTaskFailed({ namespace: 'default', taskToken: first.taskToken, cause: 1, failure: { message: 'bug' } });
    const second = await poll('p-transient');
    expect(second.attempt).toBe(2);
    expect(Number(second.startedEventId)).toBe(6);
    expect(types(second.history?.events ?? []).slice(-2)).toEqual([EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED]);
    expect(types(await history(wf))).toHaveLength(4);
    // Attempt 2 times out: still nothing written; attempt 3 completes and its events are written.
    const third = await poll('p-transient');
    expect(third.attempt).toBe(3);
    expect(types(await history(wf))).toHaveLength(4);
    await complete(third, [completeCommand]);
    const events = await history(wf);
    expect(types(events).slice(4)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    ]);
    expect(events[4].workflowTaskScheduledEventAttributes?.attempt).toBe(3);
  });

  it('a terminate during a transient retry writes no task events', async () => {
    const wf = await start('p-transient-2');
    const first = await poll('p-transient-2');
    await svc().respondWorkflowTaskFailed({ namespace: 'default', taskToken: first.taskToken, cause: 1, failure: { message: 'bug' } });
    await poll('p-transient-2');
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
    expect(types(await history(wf)).slice(3)).toEqual([EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED]);
  });

  it('a task that only delivers an update leaves no events when the update is rejected', async () => {
    const wf = await start('p-spec');
    await complete(await poll('p-spec'), []);
    const update = svc().updateWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: wf },
      request: { meta: { updateId: 'u' }, input: { name: 'upd' } },
      waitPolicy: { lifecycleStage: 3 },
    });
    const task = await poll('p-spec');
    expect(Number(task.startedEventId)).toBe(6);
    expect(types(await history(wf))).toHaveLength(4);
    const rejection = {
      id: 'u/reject',
      protocolInstanceId: 'u',
      body: {
        type_url: 'type.googleapis.com/temporal.api.update.v1.Rejection',
        value: temporal.api.update.v1.Rejection.encode({ rejectedRequestMessageId: 'u/request', failure: { message: 'no' } }).finish(),
      },
    };
    const response = await complete(task, [], { messages: [rejection] });
    expect(Number(response.resetHistoryEventId)).toBe(3);
    expect((await update).outcome?.failure?.message).toBe('no');
    expect(types(await history(wf))).toHaveLength(4);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });
});

describe('children and external cancellation', () => {
  it('the child initiated event records the defaults; a cancel from the parent names it', async () => {
    const parent = await start('p-child');
    await complete(await poll('p-child'), [
      {
        commandType: CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
        startChildWorkflowExecutionCommandAttributes: { workflowId: `${parent}-child`, workflowType: { name: 'raw' }, taskQueue: { name: 'p-child-c' } },
      },
    ]);
    const initiated = (await history(parent)).find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)!.startChildWorkflowExecutionInitiatedEventAttributes!;
    expect(initiated.parentClosePolicy).toBe(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE);
    expect(initiated.workflowIdReusePolicy).toBe(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
    expect(durationMs(initiated.workflowTaskTimeout)).toBe(10_000);
    expect(initiated.workflowRunTimeout ?? undefined).toBeUndefined();
    const task = await poll('p-child');
    await complete(task, [
      {
        commandType: CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
        requestCancelExternalWorkflowExecutionCommandAttributes: { namespace: 'default', workflowId: `${parent}-child`, childWorkflowOnly: true },
      },
    ]);
    const child = await until(() => history(`${parent}-child`), (h) => h.some((e) => e.workflowExecutionCancelRequestedEventAttributes));
    const requested = child.find((e) => e.workflowExecutionCancelRequestedEventAttributes)!.workflowExecutionCancelRequestedEventAttributes!;
    expect(requested.externalWorkflowExecution?.workflowId).toBe(parent);
    expect(Number(requested.externalInitiatedEventId)).toBeGreaterThan(0);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: parent } });
  });
});

describe('client calls', () => {
  it('refuses reuse and conflict policies that cannot be combined', async () => {
    const e = await start('p-combo', { workflowIdReusePolicy: WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING, workflowIdConflictPolicy: 1 }).catch(
      (err: unknown) => err,
    );
    expect(isGrpcServiceError(e) && [e.code, e.details]).toEqual([
      status.INVALID_ARGUMENT,
      'Invalid WorkflowIDReusePolicy: WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING cannot be used together with a WorkflowIDConflictPolicy',
    ]);
  });

  it('cancelling a closed workflow succeeds and changes nothing', async () => {
    const wf = await start('p-closed');
    await complete(await poll('p-closed'), [completeCommand]);
    const before = (await history(wf)).length;
    await svc().requestCancelWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
    expect((await history(wf)).length).toBe(before);
  });

  it('update-with-start delivers the update in the run\'s first workflow task', async () => {
    const queue = 'p-uws';
    const waiting = poll(queue);
    await sleep(50);
    const multi = svc().executeMultiOperation({
      namespace: 'default',
      operations: [
        { startWorkflow: { namespace: 'default', workflowId: 'p-uws-wf', workflowType: { name: 'raw' }, taskQueue: { name: queue }, requestId: 'p-uws', workflowIdConflictPolicy: 1 } },
        {
          updateWorkflow: {
            namespace: 'default',
            workflowExecution: { workflowId: 'p-uws-wf' },
            request: { meta: { updateId: 'u' }, input: { name: 'upd' } },
            waitPolicy: { lifecycleStage: 2 },
          },
        },
      ],
    }).catch((e: unknown) => e);
    const task = await waiting;
    expect(task.messages?.map((m) => m.protocolInstanceId)).toEqual(['u']);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: 'p-uws-wf' } });
    expect(isGrpcServiceError(await multi) ? 'closed before completion' : 'answered').toBe('closed before completion');
  });

  it('namespaces report archival as disabled', async () => {
    const d = await svc().describeNamespace({ namespace: 'default' });
    expect(d.config?.historyArchivalState).toBe(temporal.api.enums.v1.ArchivalState.ARCHIVAL_STATE_DISABLED);
    expect(d.config?.visibilityArchivalState).toBe(temporal.api.enums.v1.ArchivalState.ARCHIVAL_STATE_DISABLED);
  });

  it('the next task of a run sticky to a shut-down worker is recorded as sticky and dispatched on the normal queue', async () => {
    const wf = await start('p-sticky');
    await complete(await poll('p-sticky'), [], {
      stickyAttributes: { workerTaskQueue: { name: 'p-sticky-worker', kind: 2, normalName: 'p-sticky' }, scheduleToStartTimeout: ms(10_000) },
    });
    await svc().shutdownWorker({ namespace: 'default', stickyTaskQueue: 'p-sticky-worker', identity: 'raw-worker' });
    await svc().signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf }, signalName: 'go' });
    const task = await poll('p-sticky');
    expect(Number(task.history?.events?.[0]?.eventId)).toBe(1);
    const scheduled = (await history(wf)).filter((e) => e.workflowTaskScheduledEventAttributes).at(-1)!.workflowTaskScheduledEventAttributes!;
    expect(scheduled.taskQueue?.name).toBe('p-sticky-worker');
    expect(scheduled.taskQueue?.kind).toBe(temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY);
    await svc().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: wf } });
  });

  it('a stale workflow task token: completion "not found", failure "already completed" on a closed run', async () => {
    const wf = await start('p-stale');
    const task = await poll('p-stale');
    await complete(task, [completeCommand]);
    const again = await complete(task, [completeCommand]).catch((e: unknown) => e);
    expect(isGrpcServiceError(again) && [again.code, again.details]).toEqual([status.NOT_FOUND, 'Workflow task not found.']);
    const fail = await svc().respondWorkflowTaskFailed({ namespace: 'default', taskToken: task.taskToken }).catch((e: unknown) => e);
    expect(isGrpcServiceError(fail) && [fail.code, fail.details]).toEqual([status.NOT_FOUND, 'workflow execution already completed']);
    expect(wf).toBeTruthy();
  });
});
