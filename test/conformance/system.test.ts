/**
 * Conformance, system: what GetSystemInfo, DescribeNamespace and GetClusterInfo advertise, each
 * capability checked against how the server behaves, and worker shutdown (polls that complete on
 * shutdown, sticky queues of a stopped worker, tasks handed out while a worker stops).
 */
import * as grpc from '@grpc/grpc-js';
import Long from 'long';
import { temporal } from '@temporalio/proto';
import { conformanceFile, type World } from './support/harness';
import { attempt } from './support/raw';
import { outcome } from './support/errors';

interface ReflectedMethod {
  name: string;
  resolve(): void;
  resolvedRequestType: { encode(message: object): { finish(): Uint8Array } } | null;
}
// The reflection root of @temporalio/proto lists every method of both services.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protoRoot = require('@temporalio/proto/protos/root') as { lookupService(name: string): { name: string; methodsArray: ReflectedMethod[] } };

const f = conformanceFile('system', { worker: false });

const json = (data: unknown) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(data)) });

async function systemCapabilities(w: World): Promise<Record<string, boolean>> {
  const info = await w.raw.workflow.getSystemInfo({});
  return Object.fromEntries(Object.entries(info.capabilities ?? {}).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>;
}

async function namespaceCapabilities(w: World): Promise<Record<string, boolean>> {
  const d = await w.raw.workflow.describeNamespace({ namespace: w.namespace });
  return Object.fromEntries(Object.entries(d.namespaceInfo?.capabilities ?? {}).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>;
}

/** Runs a workflow's first task by hand on `queue` and returns the poll response. */
async function pollOnce(w: World, queue: string, extra: Partial<temporal.api.workflowservice.v1.IPollWorkflowTaskQueueRequest> = {}) {
  return w.raw.withDeadline(20_000, () =>
    w.raw.workflow.pollWorkflowTaskQueue({ namespace: w.namespace, taskQueue: { name: queue, kind: 1 }, identity: 'raw-worker', ...extra }),
  );
}

function startRaw(w: World, workflowId: string, queue: string, extra: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {}) {
  return w.raw.workflow.startWorkflowExecution({
    namespace: w.namespace,
    workflowId,
    workflowType: { name: 'returnsArgs' },
    taskQueue: { name: queue },
    requestId: `${workflowId}-${Math.random()}`,
    ...extra,
  });
}

// ---- what is advertised --------------------------------------------------------------------------

f.scenario('capabilities: GetSystemInfo', async (w) => {
  const info = await w.raw.workflow.getSystemInfo({});
  const caps = await systemCapabilities(w);
  const { supportsSchedules, buildIdBasedVersioning, eagerWorkflowStart, nexus, ...rest } = caps;
  return {
    serverVersion: info.serverVersion ? 'set' : 'unset',
    core: rest,
    optional: { supportsSchedules: !!supportsSchedules, buildIdBasedVersioning: !!buildIdBasedVersioning, eagerWorkflowStart: !!eagerWorkflowStart, nexus: !!nexus },
  };
});

f.scenario('capabilities: DescribeNamespace', async (w) => {
  const { eagerWorkflowStart, ...rest } = await namespaceCapabilities(w);
  const d = await w.raw.workflow.describeNamespace({ namespace: w.namespace });
  return { core: rest, eagerWorkflowStart: !!eagerWorkflowStart, supportsSchedules: !!d.namespaceInfo?.supportsSchedules };
});

f.scenario('cluster info', async (w) => {
  const c = await w.raw.workflow.getClusterInfo({});
  return { clusterName: c.clusterName, serverVersion: c.serverVersion ? 'set' : 'unset', historyShardCount: c.historyShardCount };
});

f.scenario('RPCs: which methods answer UNIMPLEMENTED', async (w) => {
  const unimplemented: string[] = [];
  const client = new grpc.Client(w.server.address, grpc.credentials.createInsecure());
  try {
    for (const name of ['temporal.api.workflowservice.v1.WorkflowService', 'temporal.api.operatorservice.v1.OperatorService']) {
      const service = protoRoot.lookupService(name);
      for (const method of service.methodsArray) {
        method.resolve();
        // An empty request (no namespace) is refused at once by every method a server implements.
        const empty = Buffer.from(method.resolvedRequestType!.encode({}).finish());
        const code = await new Promise<number>((resolve) =>
          client.makeUnaryRequest(
            `/${name}/${method.name}`,
            (b: Buffer) => b,
            (b: Buffer) => b,
            empty,
            new grpc.Metadata(),
            { deadline: Date.now() + 5_000 },
            (err) => resolve(err ? err.code : grpc.status.OK),
          ),
        );
        if (code === grpc.status.UNIMPLEMENTED) unimplemented.push(`${service.name}.${method.name}`);
      }
    }
  } finally {
    client.close();
  }
  return { unimplemented: unimplemented.sort() };
}, 60_000);

// ---- each capability checked against behaviour ---------------------------------------------------

f.scenario('capability signalAndQueryHeader: a signal header reaches history', async (w) => {
  const id = w.id('wf');
  await startRaw(w, id, 'unpolled-header');
  await w.raw.workflow.signalWorkflowExecution({
    namespace: w.namespace,
    workflowExecution: { workflowId: id },
    signalName: 'note',
    input: { payloads: [json('x')] },
    header: { fields: { traced: json('yes') } },
  });
  const history = await w.history(id);
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  const advertised = (await systemCapabilities(w)).signalAndQueryHeader === true;
  const signaled = history.find((e) => e.event.endsWith('WorkflowExecutionSignaled'));
  return { advertised, behaves: !!signaled?.header, consistent: advertised === !!signaled?.header };
});

f.scenario('capability eagerWorkflowStart: a start that asks for the first task', async (w) => {
  const id = w.id('wf');
  const advertised = (await namespaceCapabilities(w)).eagerWorkflowStart === true;
  const r = await startRaw(w, id, `${w.id('q')}`, { requestEagerExecution: true, identity: 'eager-worker' });
  const eager = !!r.eagerWorkflowTask?.taskToken?.length;
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { started: r.started, consistent: advertised === eager, eagerTaskReturned: eager };
});

f.scenario('capability supportsSchedules: CreateSchedule', async (w) => {
  const advertised = (await systemCapabilities(w)).supportsSchedules === true;
  const r = await attempt(
    w.raw.workflow.createSchedule({
      namespace: w.namespace,
      scheduleId: w.id('schedule'),
      requestId: w.id('schedule'),
      schedule: {
        spec: { interval: [{ interval: { seconds: Long.fromNumber(3600) } }] },
        action: { startWorkflow: { workflowId: w.id('scheduled'), workflowType: { name: 'returnsArgs' }, taskQueue: { name: 'unpolled' } } },
        state: { paused: true },
      },
    }),
  );
  if (r.ok) await attempt(w.raw.workflow.deleteSchedule({ namespace: w.namespace, scheduleId: w.id('schedule') }));
  return { consistent: advertised === r.ok, createSchedule: r.ok ? 'ok' : r.error.code };
});

f.scenario('capability sdkMetadata: workflow task completions keep the SDK metadata', async (w) => {
  const queue = w.id('q');
  const id = w.id('wf');
  await startRaw(w, id, queue);
  const task = await pollOnce(w, queue);
  await w.raw.workflow.respondWorkflowTaskCompleted({
    namespace: w.namespace,
    taskToken: task.taskToken,
    sdkMetadata: { langUsedFlags: [1, 2], sdkName: 'conformance', sdkVersion: '1.0.0' },
    commands: [{ commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
  });
  const events = await w.rawHistory(id);
  const completed = events.find((e) => e.workflowTaskCompletedEventAttributes)?.workflowTaskCompletedEventAttributes;
  const advertised = (await systemCapabilities(w)).sdkMetadata === true;
  const kept = completed?.sdkMetadata?.langUsedFlags?.join(',') === '1,2' && completed.sdkMetadata.sdkName === 'conformance';
  return { consistent: advertised === kept, metadata: { flags: completed?.sdkMetadata?.langUsedFlags, name: completed?.sdkMetadata?.sdkName } };
});

f.scenario('capability encodedFailureAttributes: encoded attributes survive in a failure', async (w) => {
  const queue = w.id('q');
  const id = w.id('wf');
  await startRaw(w, id, queue);
  const task = await pollOnce(w, queue);
  await w.raw.workflow.respondWorkflowTaskCompleted({
    namespace: w.namespace,
    taskToken: task.taskToken,
    commands: [
      {
        commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
        failWorkflowExecutionCommandAttributes: {
          failure: { message: 'Encoded failure', encodedAttributes: json({ message: 'secret', stack_trace: '' }), applicationFailureInfo: { type: 'E', nonRetryable: true } },
        },
      },
    ],
  });
  const events = await w.rawHistory(id);
  const failure = events.at(-1)?.workflowExecutionFailedEventAttributes?.failure;
  const kept = Buffer.from(failure?.encodedAttributes?.data ?? []).toString() === JSON.stringify({ message: 'secret', stack_trace: '' });
  const advertised = (await systemCapabilities(w)).encodedFailureAttributes === true;
  return { consistent: advertised === kept, message: failure?.message };
});

f.scenario('capability countGroupByExecutionStatus and upsertMemo: advertised and honoured', async (w) => {
  const caps = await systemCapabilities(w);
  const grouped = await attempt(w.raw.workflow.countWorkflowExecutions({ namespace: w.namespace, query: 'GROUP BY ExecutionStatus' }));
  const queue = w.id('q');
  const id = w.id('wf');
  await startRaw(w, id, queue);
  const task = await pollOnce(w, queue);
  const modified = await attempt(
    w.raw.workflow.respondWorkflowTaskCompleted({
      namespace: w.namespace,
      taskToken: task.taskToken,
      commands: [
        {
          commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES,
          modifyWorkflowPropertiesCommandAttributes: { upsertedMemo: { fields: { k: json('v') } } },
        },
        { commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} },
      ],
    }),
  );
  const d = await w.raw.workflow.describeWorkflowExecution({ namespace: w.namespace, execution: { workflowId: id } });
  const memo = Buffer.from(d.workflowExecutionInfo?.memo?.fields?.k?.data ?? []).toString();
  return {
    countGroupByExecutionStatus: caps.countGroupByExecutionStatus === grouped.ok,
    upsertMemo: caps.upsertMemo === (modified.ok && memo === '"v"'),
  };
});

// ---- worker shutdown -----------------------------------------------------------------------------

f.scenario('capability workerPollCompleteOnShutdown: ShutdownWorker and an outstanding poll', async (w) => {
  const advertised = (await namespaceCapabilities(w)).workerPollCompleteOnShutdown === true;
  const queue = w.id('q');
  const started = Date.now();
  const polled = w.raw.withDeadline(6_000, () =>
    w.raw.workflow.pollWorkflowTaskQueue({ namespace: w.namespace, taskQueue: { name: queue, kind: 1 }, identity: 'stopping', workerInstanceKey: 'instance-1' }),
  );
  const answered = polled.then(
    () => Date.now() - started,
    () => Date.now() - started,
  );
  await new Promise((r) => setTimeout(r, 500));
  await w.raw.workflow.shutdownWorker({
    namespace: w.namespace,
    identity: 'stopping',
    workerInstanceKey: 'instance-1',
    taskQueue: queue,
    taskQueueTypes: [temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
    reason: 'conformance',
  });
  const ms = await answered;
  const completedByShutdown = ms < 3_000;
  return { advertised, completedByShutdown, consistent: advertised === completedByShutdown };
}, 20_000);

f.scenario('worker shutdown: prompt, and the next worker gets the next task at once', async (w) => {
  const queue = w.id('q');
  const first = await w.createWorker({ taskQueue: queue });
  const running = first.run();
  const a = await w.client.workflow.start('oneActivity', { taskQueue: queue, workflowId: w.id('a'), args: ['a'] });
  await a.result();
  const t0 = Date.now();
  first.shutdown();
  await running;
  const shutdownMs = Date.now() - t0;
  const b = await w.client.workflow.start('oneActivity', { taskQueue: queue, workflowId: w.id('b'), args: ['b'] });
  const second = await w.createWorker({ taskQueue: queue });
  const result = await second.runUntil(b.result());
  return { shutdown: shutdownMs < 3_000 ? 'under 3 s' : 'slow', result, history: await w.history(b.workflowId) };
}, 40_000);

f.scenario('worker shutdown: a sticky workflow continues on the next worker', async (w) => {
  const queue = w.id('q');
  const first = await w.createWorker({ taskQueue: queue });
  const running = first.run();
  const h = await w.client.workflow.start('waitsForFinish', { taskQueue: queue, workflowId: w.id('wf') });
  await w.idle(h.workflowId);
  first.shutdown();
  await running;
  await h.signal('finish', 'after restart');
  const second = await w.createWorker({ taskQueue: queue });
  const t0 = Date.now();
  const result = await second.runUntil(outcome(h.result()));
  return { result, resumed: Date.now() - t0 < 5_000 ? 'under 5 s' : 'after a timeout', history: await w.history(h.workflowId) };
}, 40_000);

f.scenario('worker shutdown: a task that arrives after ShutdownWorker, with a poll still open', async (w) => {
  const queue = w.id('q');
  const started = Date.now();
  const stopping = w.raw
    .withDeadline(8_000, () =>
      w.raw.workflow.pollWorkflowTaskQueue({ namespace: w.namespace, taskQueue: { name: queue, kind: 1 }, identity: 'stopping', workerInstanceKey: 'instance-2' }),
    )
    .then((r) => ({ task: !!r.taskToken?.length, ms: Date.now() - started }));
  await new Promise((r) => setTimeout(r, 300));
  await w.raw.workflow.shutdownWorker({
    namespace: w.namespace,
    identity: 'stopping',
    workerInstanceKey: 'instance-2',
    taskQueue: queue,
    taskQueueTypes: [temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
  });
  const id = w.id('wf');
  await startRaw(w, id, queue);
  const answer = await stopping;
  let next = answer.task ? 'taken by the stopping poll' : 'still queued';
  if (!answer.task) {
    const other = await pollOnce(w, queue);
    next = other.taskToken?.length ? 'handed to the next poll' : 'lost';
  }
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { stoppingPoll: answer.task ? 'got the task' : 'answered empty', next };
}, 30_000);

f.scenario('sticky queue: a task nobody picks up times out to the normal queue', async (w) => {
  const queue = w.id('q');
  const sticky = `${queue}-sticky`;
  const id = w.id('wf');
  await startRaw(w, id, queue);
  const first = await pollOnce(w, queue);
  await w.raw.workflow.respondWorkflowTaskCompleted({
    namespace: w.namespace,
    taskToken: first.taskToken,
    identity: 'raw-worker',
    stickyAttributes: { workerTaskQueue: { name: sticky, kind: 2, normalName: queue }, scheduleToStartTimeout: { seconds: Long.fromNumber(1) } },
    commands: [],
  });
  // One empty sticky poll, so the sticky queue has been polled recently (a live sticky worker).
  await w.raw.withDeadline(2_500, () => w.raw.workflow.pollWorkflowTaskQueue({ namespace: w.namespace, taskQueue: { name: sticky, kind: 2, normalName: queue } }));
  await w.raw.workflow.signalWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id }, signalName: 'wake' });
  const next = await pollOnce(w, queue);
  const out = {
    next: {
      attempt: next.attempt,
      historyFrom: Number(next.history?.events?.[0]?.eventId ?? 0),
      startedEventId: Number(next.startedEventId),
    },
    history: await w.history(id),
  };
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return out;
}, 30_000);

