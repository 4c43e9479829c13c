/**
 * The workflow-task protocol as a worker sees it on the wire (raw WorkflowService calls through the
 * official client's connection): eager start, buffering while a task is in flight, UnhandledCommand, sticky
 * dispatch with partial history and the fallback to the normal queue, start-to-close timeouts with
 * attempts, and stale task tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import Long from 'long';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';

const { EventType, CommandType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
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

async function start(taskQueue: string, workflowTaskTimeoutSeconds = 10): Promise<string> {
  const workflowId = `wf-${++n}`;
  await svc().startWorkflowExecution({
    namespace: 'default',
    workflowId,
    workflowType: { name: 'raw' },
    taskQueue: { name: taskQueue },
    workflowTaskTimeout: { seconds: Long.fromNumber(workflowTaskTimeoutSeconds) },
    requestId: `req-${n}`,
  });
  return workflowId;
}

async function poll(taskQueue: string, kind = 1, normalName?: string): Promise<PollResponse> {
  const res = await connection.withDeadline(Date.now() + 5_000, () =>
    svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue, kind, normalName }, identity: 'raw-worker' }),
  );
  expect(res.taskToken?.length).toBeGreaterThan(0);
  return res;
}

async function history(workflowId: string): Promise<number[]> {
  const res = await svc().getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return (res.history?.events ?? []).map((e) => Number(e.eventType));
}

function signal(workflowId: string, name = 'sig') {
  return svc().signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: name, identity: 'test' });
}

const complete = { commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} };

describe('workflow task protocol', () => {
  it('hands the first task back with an eager start, started by the starter, and never to a poller as well', async () => {
    const workflowId = `wf-eager-${++n}`;
    const waiting = connection
      .withDeadline(Date.now() + 1_500, () => svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'eager-q' }, identity: 'other-worker' }))
      .catch((err: unknown) => err);
    const res = await svc().startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'raw' },
      taskQueue: { name: 'eager-q' },
      requestId: `req-eager-${n}`,
      identity: 'eager-starter',
      requestEagerExecution: true,
    });
    const task = res.eagerWorkflowTask;
    expect(task?.taskToken?.length).toBeGreaterThan(0);
    expect(task?.history?.events?.map((e) => Number(e.eventType))).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    expect(task?.history?.events?.[2].workflowTaskStartedEventAttributes?.identity).toBe('eager-starter');
    // The poller waiting on the queue got nothing: its poll ended empty (or at its deadline).
    const polled = await waiting;
    expect(polled instanceof Error ? undefined : (polled as PollResponse).taskToken?.length ?? 0).not.toBeGreaterThan(0);
    await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task!.taskToken, commands: [complete] });
    expect((await history(workflowId)).slice(3)).toEqual([EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]);
  });

  it('starts without an eager task when the start is delayed: the first task waits for the delay', async () => {
    const res = await svc().startWorkflowExecution({
      namespace: 'default',
      workflowId: `wf-eager-delayed-${++n}`,
      workflowType: { name: 'raw' },
      taskQueue: { name: 'eager-delayed-q' },
      requestId: `req-eager-delayed-${n}`,
      requestEagerExecution: true,
      workflowStartDelay: { seconds: Long.fromNumber(60) },
    });
    expect(res.eagerWorkflowTask).toBeFalsy();
  });

  it('buffers a signal that arrives while a task is in flight and appends it after completion', async () => {
    const wf = await start('buffer-q');
    const task = await poll('buffer-q');
    await signal(wf);
    expect(await history(wf)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [] });
    expect((await history(wf)).slice(3)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    ]);
    const next = await poll('buffer-q');
    expect(Number(next.previousStartedEventId)).toBe(3);
    expect(Number(next.startedEventId)).toBe(7);
  });

  it('refuses to close a workflow with unhandled buffered events: UnhandledCommand', async () => {
    const wf = await start('unhandled-q');
    const task = await poll('unhandled-q');
    await signal(wf);
    const err = await svc()
      .respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [complete] })
      .catch((e: unknown) => e);
    expect(isGrpcServiceError(err) && err.code).toBe(status.INVALID_ARGUMENT);
    expect(isGrpcServiceError(err) && err.details).toContain('UnhandledCommand');
    const res = await svc().getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: wf } });
    const events = res.history?.events ?? [];
    expect(events.slice(3).map((e) => Number(e.eventType))).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    ]);
    expect(events[3].workflowTaskFailedEventAttributes?.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
    const retry = await poll('unhandled-q');
    await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: retry.taskToken, commands: [complete] });
    expect((await history(wf)).at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });

  it('dispatches to the sticky queue with partial history, and falls back to the normal queue when the sticky worker shuts down', async () => {
    const wf = await start('sticky-normal');
    const first = await poll('sticky-normal');
    await svc().respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: first.taskToken,
      commands: [],
      stickyAttributes: { workerTaskQueue: { name: 'sticky-1' }, scheduleToStartTimeout: { seconds: Long.fromNumber(10) } },
    });
    await signal(wf);
    const sticky = await poll('sticky-1', 2, 'sticky-normal');
    expect(Number(sticky.history?.events?.[0].eventId)).toBe(Number(sticky.previousStartedEventId) + 1);
    await svc().respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: sticky.taskToken,
      commands: [],
      stickyAttributes: { workerTaskQueue: { name: 'sticky-1' }, scheduleToStartTimeout: { seconds: Long.fromNumber(10) } },
    });
    await svc().shutdownWorker({ namespace: 'default', stickyTaskQueue: 'sticky-1', identity: 'raw-worker' });
    await signal(wf);
    const normal = await poll('sticky-normal');
    expect(Number(normal.history?.events?.[0].eventId)).toBe(1);
  });

  it('times out a started task after start-to-close and retries it with the next attempt', async () => {
    const wf = await start('timeout-q', 1);
    const first = await poll('timeout-q');
    const second = await poll('timeout-q');
    expect(second.attempt).toBe(2);
    const events = await history(wf);
    expect(events).toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    const stale = await svc()
      .respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, commands: [] })
      .catch((e: unknown) => e);
    expect(isGrpcServiceError(stale) && stale.code).toBe(status.NOT_FOUND);
    await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: second.taskToken, commands: [complete] });
    expect((await history(wf)).at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });

  it('fails the task and retries it when a command is invalid, naming the problem', async () => {
    const wf = await start('bad-command-q');
    const task = await poll('bad-command-q');
    const err = await svc()
      .respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: task.taskToken,
        commands: [{ commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK, scheduleActivityTaskCommandAttributes: { activityId: '1', activityType: { name: 'a' } } }],
      })
      .catch((e: unknown) => e);
    expect(isGrpcServiceError(err) && err.code).toBe(status.INVALID_ARGUMENT);
    expect(isGrpcServiceError(err) && err.details).toBe('BadScheduleActivityAttributes: A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand. ActivityId=1 ActivityType=a');
    const events = await history(wf);
    // The retry (attempt 2) is transient, as on the real server: not in history until it completes.
    expect(events.slice(3)).toEqual([EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]);
    const pending = (await svc().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: wf } })).pendingWorkflowTask;
    expect(pending?.attempt).toBe(2);
    expect(events).not.toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  });

  it('answers a query on an idle workflow with a legacy query task', async () => {
    const wf = await start('query-q');
    const task = await poll('query-q');
    await svc().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [] });
    const query = svc().queryWorkflow({ namespace: 'default', execution: { workflowId: wf }, query: { queryType: 'state' } });
    const queryTask = await poll('query-q');
    expect(queryTask.query?.queryType).toBe('state');
    await svc().respondQueryTaskCompleted({
      namespace: 'default',
      taskToken: queryTask.taskToken,
      completedType: temporal.api.enums.v1.QueryResultType.QUERY_RESULT_TYPE_ANSWERED,
      queryResult: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"idle"') }] },
    });
    const res = await query;
    expect(Buffer.from(res.queryResult?.payloads?.[0].data ?? []).toString()).toBe('"idle"');
  });
});
