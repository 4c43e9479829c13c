/**
 * Conformance, requests at the gRPC level: status codes, messages and error detail types of bad
 * requests, the workflow id reuse and conflict policies, task tokens, namespaces, search attribute
 * registration, visibility list and count, and a workflow task driven by hand with raw commands.
 */
import * as grpc from '@grpc/grpc-js';
import Long from 'long';
import { temporal } from '@temporalio/proto';
import { conformanceFile, poll, type World } from './support/harness';
import { attempt, type RawResult } from './support/raw';
import { normaliseHistory } from './support/normalise';
import { outcome } from './support/errors';

const f = conformanceFile('requests');
const CommandType = temporal.api.enums.v1.CommandType;

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

/** A raw call's outcome as compared: the response fields picked by `pick`, or the error. */
async function call<T>(p: Promise<T>, pick: (v: T) => unknown = () => 'ok'): Promise<unknown> {
  const r: RawResult<T> = await attempt(p);
  return r.ok ? { ok: pick(r.value) } : { error: r.error };
}

function startRequest(w: World, workflowId: string, extra: Partial<StartRequest> = {}): StartRequest {
  return {
    namespace: w.namespace,
    workflowId,
    workflowType: { name: 'returnsArgs' },
    taskQueue: { name: w.taskQueue },
    input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }] },
    requestId: `${workflowId}-${Math.random()}`,
    ...extra,
  };
}

/** Waits until the current run of `workflowId` is closed. */
async function closed(w: World, workflowId: string): Promise<void> {
  await poll(async () => {
    const d = await w.raw.workflow.describeWorkflowExecution({ namespace: w.namespace, execution: { workflowId } });
    return d.workflowExecutionInfo?.status !== temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }, `${workflowId} to close`);
}

const pickStart = (v: temporal.api.workflowservice.v1.StartWorkflowExecutionResponse) => ({ started: v.started, runId: v.runId });

// ---- namespaces ----------------------------------------------------------------------------------

f.scenario('namespace: calls naming an unknown namespace', async (w) => {
  const ns = 'no-such-namespace';
  return {
    describe: await call(w.raw.workflow.describeNamespace({ namespace: ns })),
    start: await call(w.raw.workflow.startWorkflowExecution({ ...startRequest(w, w.id('wf')), namespace: ns })),
    signal: await call(w.raw.workflow.signalWorkflowExecution({ namespace: ns, workflowExecution: { workflowId: 'x' }, signalName: 's' })),
    list: await call(w.raw.workflow.listWorkflowExecutions({ namespace: ns })),
    poll: await call(w.raw.withDeadline(5_000, () => w.raw.workflow.pollWorkflowTaskQueue({ namespace: ns, taskQueue: { name: 'q' } }))),
  };
});

f.scenario('namespace: register, describe, update and list', async (w) => {
  const name = 'conformance-registered';
  const register = await call(
    w.raw.workflow.registerNamespace({ namespace: name, description: 'first', workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(2 * 86_400) } }),
  );
  const duplicate = await call(w.raw.workflow.registerNamespace({ namespace: name, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } }));
  const describe = (d: Pick<temporal.api.workflowservice.v1.DescribeNamespaceResponse, 'namespaceInfo' | 'config' | 'isGlobalNamespace'>) => ({
    name: d.namespaceInfo?.name,
    state: d.namespaceInfo?.state,
    description: d.namespaceInfo?.description,
    retentionDays: Number(d.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400,
    historyArchival: d.config?.historyArchivalState,
    visibilityArchival: d.config?.visibilityArchivalState,
    isGlobal: d.isGlobalNamespace,
  });
  const described = await w.raw.workflow.describeNamespace({ namespace: name });
  const byId = await call(w.raw.workflow.describeNamespace({ id: described.namespaceInfo?.id }), (d) => d.namespaceInfo?.name);
  const updated = await call(w.raw.workflow.updateNamespace({ namespace: name, updateInfo: { description: 'second' } }), describe);
  const list = await w.raw.workflow.listNamespaces({});
  const names = (list.namespaces ?? []).map((n) => n.namespaceInfo?.name ?? '').filter((n) => !n.startsWith('temporal-system')).sort();
  return { register, duplicate, described: describe(described), byId, updated, names };
});

f.scenario('namespace: describe the default namespace', async (w) => {
  const d = await w.raw.workflow.describeNamespace({ namespace: w.namespace });
  return {
    name: d.namespaceInfo?.name,
    state: d.namespaceInfo?.state,
    retentionDays: Number(d.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400,
    historyArchival: d.config?.historyArchivalState,
    visibilityArchival: d.config?.visibilityArchivalState,
    activeCluster: d.replicationConfig?.activeClusterName,
  };
});

// ---- start policies ------------------------------------------------------------------------------

const Reuse = temporal.api.enums.v1.WorkflowIdReusePolicy;
const Conflict = temporal.api.enums.v1.WorkflowIdConflictPolicy;

f.scenario('start: a duplicate while the first run is open (default policies)', async (w) => {
  const id = w.id('wf');
  const first = await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
  const second = await call(w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } })), pickStart);
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { firstStarted: first.started, second };
});

f.scenario('start: the same request id twice', async (w) => {
  const id = w.id('wf');
  const req = startRequest(w, id, { taskQueue: { name: 'unpolled' }, requestId: `${id}-fixed` });
  const first = await w.raw.workflow.startWorkflowExecution(req);
  const second = await call(w.raw.workflow.startWorkflowExecution(req), (v) => ({ started: v.started, sameRun: v.runId === first.runId }));
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { second };
});

for (const [name, policy] of [
  ['FAIL', Conflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL],
  ['USE_EXISTING', Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING],
  ['TERMINATE_EXISTING', Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING],
] as const) {
  f.scenario(`start: conflict policy ${name} while the first run is open`, async (w) => {
    const id = w.id('wf');
    const first = await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
    // The real server refuses to terminate a run younger than its minimal reuse interval (1 s).
    if (policy === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) await new Promise((r) => setTimeout(r, 1_100));
    const second = await call(
      w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' }, workflowIdConflictPolicy: policy })),
      (v) => ({ started: v.started, sameRun: v.runId === first.runId }),
    );
    const firstRun = normaliseHistory(await w.rawHistory(id, first.runId ?? ''));
    await attempt(w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } }));
    return { second, firstRun: firstRun.map((e) => e.event) };
  });
}

f.scenario('start: conflict policy TERMINATE_EXISTING on a run younger than one second', async (w) => {
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
  const second = await call(
    w.raw.workflow.startWorkflowExecution(
      startRequest(w, id, { taskQueue: { name: 'unpolled' }, workflowIdConflictPolicy: Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING }),
    ),
    (v) => ({ started: v.started }),
  );
  await attempt(w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } }));
  return { second };
});

f.scenario('start: reuse policy TERMINATE_IF_RUNNING while the first run is open', async (w) => {
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
  await new Promise((r) => setTimeout(r, 1_100));
  const second = await call(
    w.raw.workflow.startWorkflowExecution(
      startRequest(w, id, { taskQueue: { name: 'unpolled' }, workflowIdReusePolicy: Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING }),
    ),
    (v) => ({ started: v.started }),
  );
  await attempt(w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } }));
  return { second };
});

for (const [previous, how] of [
  ['completed', 'complete'],
  ['terminated', 'terminate'],
] as const) {
  f.scenario(`start: each reuse policy after a ${previous} run`, async (w) => {
    const out: Record<string, unknown> = {};
    for (const [name, policy] of [
      ['ALLOW_DUPLICATE_FAILED_ONLY', Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY],
      ['REJECT_DUPLICATE', Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE],
      ['ALLOW_DUPLICATE', Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE],
    ] as const) {
      const id = w.id(name.toLowerCase());
      if (how === 'complete') {
        await w.raw.workflow.startWorkflowExecution(startRequest(w, id));
      } else {
        await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
        await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
      }
      await closed(w, id);
      out[name] = await call(
        w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' }, workflowIdReusePolicy: policy })),
        (v) => ({ started: v.started }),
      );
      await attempt(w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } }));
    }
    return out;
  });
}

f.scenario('start: reuse and conflict policies that cannot be combined', async (w) => {
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
  const combo = (reuse: number, conflict: number) =>
    call(
      w.raw.workflow.startWorkflowExecution(
        startRequest(w, id, { taskQueue: { name: 'unpolled' }, workflowIdReusePolicy: reuse, workflowIdConflictPolicy: conflict }),
      ),
      (v) => ({ started: v.started }),
    );
  const out = {
    terminateIfRunningWithFail: await combo(Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING, Conflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL),
    rejectDuplicateWithTerminateExisting: await combo(Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE, Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING),
    allowDuplicateWithUseExisting: await combo(Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING),
  };
  await attempt(w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } }));
  return out;
});

f.scenario('start: invalid requests', async (w) => {
  return {
    noType: await call(w.raw.workflow.startWorkflowExecution({ ...startRequest(w, w.id('a')), workflowType: {} })),
    noQueue: await call(w.raw.workflow.startWorkflowExecution({ ...startRequest(w, w.id('b')), taskQueue: {} })),
    noId: await call(w.raw.workflow.startWorkflowExecution({ ...startRequest(w, ''), workflowId: '' })),
    negativeTimeout: await call(
      w.raw.workflow.startWorkflowExecution({ ...startRequest(w, w.id('c')), workflowRunTimeout: { seconds: Long.fromNumber(-1) } }),
    ),
    badCron: await call(w.raw.workflow.startWorkflowExecution({ ...startRequest(w, w.id('d')), cronSchedule: 'not a cron' })),
    unknownSearchAttribute: await call(
      w.raw.workflow.startWorkflowExecution({
        ...startRequest(w, w.id('e')),
        searchAttributes: { indexedFields: { NoSuchAttribute: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') } } },
      }),
    ),
  };
});

// ---- calls on missing or closed workflows --------------------------------------------------------

f.scenario('missing: signal, describe, history, terminate and cancel an unknown workflow', async (w) => {
  const execution = { workflowId: w.id('missing') };
  return {
    signal: await call(w.raw.workflow.signalWorkflowExecution({ namespace: w.namespace, workflowExecution: execution, signalName: 's' })),
    describe: await call(w.raw.workflow.describeWorkflowExecution({ namespace: w.namespace, execution })),
    history: await call(w.raw.workflow.getWorkflowExecutionHistory({ namespace: w.namespace, execution })),
    terminate: await call(w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: execution })),
    cancel: await call(w.raw.workflow.requestCancelWorkflowExecution({ namespace: w.namespace, workflowExecution: execution })),
    query: await call(w.raw.workflow.queryWorkflow({ namespace: w.namespace, execution, query: { queryType: 'state' } })),
  };
});

f.scenario('missing: signal an unknown run of an existing workflow', async (w) => {
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
  const execution = { workflowId: id, runId: '11111111-2222-4333-8444-555555555555' };
  const out = {
    signal: await call(w.raw.workflow.signalWorkflowExecution({ namespace: w.namespace, workflowExecution: execution, signalName: 's' })),
    describe: await call(w.raw.workflow.describeWorkflowExecution({ namespace: w.namespace, execution })),
    badRunId: await call(
      w.raw.workflow.signalWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id, runId: 'not-a-uuid' }, signalName: 's' }),
    ),
  };
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return out;
});

f.scenario('closed: signal, terminate, update and query a completed workflow', async (w) => {
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id));
  await closed(w, id);
  const execution = { workflowId: id };
  return {
    signal: await call(w.raw.workflow.signalWorkflowExecution({ namespace: w.namespace, workflowExecution: execution, signalName: 's' })),
    terminate: await call(w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: execution })),
    cancel: await call(w.raw.workflow.requestCancelWorkflowExecution({ namespace: w.namespace, workflowExecution: execution })),
    update: await call(
      w.raw.workflow.updateWorkflowExecution({
        namespace: w.namespace,
        workflowExecution: execution,
        request: { meta: { updateId: 'u' }, input: { name: 'add' } },
        waitPolicy: { lifecycleStage: 2 },
      }),
    ),
    query: await call(w.raw.workflow.queryWorkflow({ namespace: w.namespace, execution, query: { queryType: 'nope' } })),
  };
});

f.scenario('terminate: a wrong first execution run id', async (w) => {
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: 'unpolled' } }));
  const wrong = await call(
    w.raw.workflow.terminateWorkflowExecution({
      namespace: w.namespace,
      workflowExecution: { workflowId: id },
      firstExecutionRunId: '11111111-2222-4333-8444-555555555555',
    }),
  );
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { wrong };
});

f.scenario('eager start: the first workflow task comes back with the start, started by the starter', async (w) => {
  const id = w.id('wf');
  const res = await w.raw.workflow.startWorkflowExecution(
    startRequest(w, id, { taskQueue: { name: w.id('eager-q') }, identity: 'eager-starter', requestEagerExecution: true }),
  );
  const task = res.eagerWorkflowTask;
  const events = task?.history?.events ?? [];
  const completed = task?.taskToken
    ? await call(
        w.raw.workflow.respondWorkflowTaskCompleted({
          namespace: w.namespace,
          taskToken: task.taskToken,
          commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
        }),
      )
    : 'no eager task';
  return {
    eager: task ? { attempt: task.attempt, startedEventId: Number(task.startedEventId), queue: task.workflowExecutionTaskQueue?.name === w.id('eager-q') } : null,
    eventTypes: events.map((e) => Number(e.eventType)),
    startedBy: events[2]?.workflowTaskStartedEventAttributes?.identity,
    completed,
    history: await w.history(id),
  };
});

f.scenario('eager start: a delayed start gives no eager task', async (w) => {
  const id = w.id('wf');
  const res = await call(
    w.raw.workflow.startWorkflowExecution(
      startRequest(w, id, { taskQueue: { name: w.id('eager-q') }, requestEagerExecution: true, workflowStartDelay: { seconds: Long.fromNumber(60) } }),
    ),
    (r) => ({ eagerTask: Boolean(r.eagerWorkflowTask) }),
  );
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } }).catch(() => undefined);
  return { res };
});

// ---- task tokens ---------------------------------------------------------------------------------

f.scenario('task token: a finished activity and a malformed token', async (w) => {
  const h = await w.start('asyncActivity', 'wf', [w.id('act')]);
  await w.activities.started(w.id('act'));
  const token = w.activities.tokens.get(w.id('act'))!;
  await w.raw.workflow.respondActivityTaskCompleted({ namespace: w.namespace, taskToken: token });
  await h.result();
  return {
    completeAgain: await call(w.raw.workflow.respondActivityTaskCompleted({ namespace: w.namespace, taskToken: token })),
    failAgain: await call(
      w.raw.workflow.respondActivityTaskFailed({ namespace: w.namespace, taskToken: token, failure: { message: 'late', applicationFailureInfo: {} } }),
    ),
    failWithoutApplicationInfo: await call(
      w.raw.workflow.respondActivityTaskFailed({ namespace: w.namespace, taskToken: token, failure: { message: 'late', serverFailureInfo: {} } }),
    ),
    heartbeat: await call(w.raw.workflow.recordActivityTaskHeartbeat({ namespace: w.namespace, taskToken: token })),
    malformed: await call(w.raw.workflow.respondActivityTaskCompleted({ namespace: w.namespace, taskToken: Buffer.from('not a token') })),
    empty: await call(w.raw.workflow.respondActivityTaskCompleted({ namespace: w.namespace, taskToken: Buffer.alloc(0) })),
  };
});

f.scenario('task token: an activity id that does not exist', async (w) => {
  const h = await w.start('asyncActivity', 'wf', [w.id('act')]);
  await w.activities.started(w.id('act'));
  const out = {
    byId: await call(
      w.raw.workflow.respondActivityTaskCompletedById({ namespace: w.namespace, workflowId: h.workflowId, activityId: 'no-such-activity' }),
    ),
    heartbeatById: await call(
      w.raw.workflow.recordActivityTaskHeartbeatById({ namespace: w.namespace, workflowId: h.workflowId, activityId: 'no-such-activity' }),
    ),
  };
  await w.raw.workflow.respondActivityTaskCompleted({ namespace: w.namespace, taskToken: w.activities.tokens.get(w.id('act'))! });
  await h.result();
  return out;
});

// ---- a workflow task driven by hand --------------------------------------------------------------

async function pollTask(w: World, queue: string): Promise<temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse> {
  const task = await w.raw.withDeadline(20_000, () =>
    w.raw.workflow.pollWorkflowTaskQueue({ namespace: w.namespace, taskQueue: { name: queue, kind: 1 }, identity: 'raw-worker' }),
  );
  if (!task.taskToken || task.taskToken.length === 0) throw new Error('no workflow task');
  return task;
}

f.scenario('raw workflow task: poll response fields and a stale token', async (w) => {
  const queue = `${w.taskQueue}-raw-1`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const task = await pollTask(w, queue);
  const complete = {
    namespace: w.namespace,
    taskToken: task.taskToken,
    identity: 'raw-worker',
    commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: { result: { payloads: [] } } }],
  };
  const first = await call(w.raw.workflow.respondWorkflowTaskCompleted(complete));
  const again = await call(w.raw.workflow.respondWorkflowTaskCompleted(complete));
  const failLate = await call(w.raw.workflow.respondWorkflowTaskFailed({ namespace: w.namespace, taskToken: task.taskToken, cause: 1 }));
  return {
    task: {
      workflowType: task.workflowType?.name,
      previousStartedEventId: Number(task.previousStartedEventId),
      startedEventId: Number(task.startedEventId),
      attempt: task.attempt,
      queue: task.workflowExecutionTaskQueue?.name,
      history: normaliseHistory(task.history?.events).map((e) => e.event),
      scheduledTime: !!task.scheduledTime,
      startedTime: !!task.startedTime,
    },
    first,
    again,
    failLate,
    history: await w.history(id),
  };
});

f.scenario('raw workflow task: a schedule-activity command without timeouts', async (w) => {
  const queue = `${w.taskQueue}-raw-2`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const task = await pollTask(w, queue);
  const response = await call(
    w.raw.workflow.respondWorkflowTaskCompleted({
      namespace: w.namespace,
      taskToken: task.taskToken,
      commands: [
        {
          commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: { activityId: 'a', activityType: { name: 't' }, taskQueue: { name: queue } },
        },
      ],
    }),
  );
  await poll(async () => (await w.rawHistory(id)).length >= 4, 'the failed task');
  const history = await w.history(id);
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { response, history: history.slice(0, 4) };
});

f.scenario('raw workflow task: a command without its attributes', async (w) => {
  const queue = `${w.taskQueue}-raw-4`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const task = await pollTask(w, queue);
  const response = await call(
    w.raw.workflow.respondWorkflowTaskCompleted({
      namespace: w.namespace,
      taskToken: task.taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_START_TIMER }],
    }),
  );
  await poll(async () => (await w.rawHistory(id)).length >= 4, 'the failed task');
  const history = await w.history(id);
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { response, history: history.slice(0, 4) };
});

f.scenario('raw workflow task: RespondWorkflowTaskFailed and the retry attempt', async (w) => {
  const queue = `${w.taskQueue}-raw-3`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const task = await pollTask(w, queue);
  await w.raw.workflow.respondWorkflowTaskFailed({
    namespace: w.namespace,
    taskToken: task.taskToken,
    cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
    failure: { message: 'worker bug' },
    identity: 'raw-worker',
  });
  const retry = await pollTask(w, queue);
  const out = {
    retry: {
      attempt: retry.attempt,
      startedEventId: Number(retry.startedEventId),
      previousStartedEventId: Number(retry.previousStartedEventId),
      history: normaliseHistory(retry.history?.events),
    },
  };
  await w.raw.workflow.respondWorkflowTaskCompleted({
    namespace: w.namespace,
    taskToken: retry.taskToken,
    commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
  });
  return { ...out, history: await w.history(id) };
});

f.scenario('raw workflow task: a retry that times out, then one that completes', async (w) => {
  const queue = `${w.taskQueue}-raw-9`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue }, workflowTaskTimeout: { seconds: Long.fromNumber(1) } }));
  const first = await pollTask(w, queue);
  await w.raw.workflow.respondWorkflowTaskFailed({ namespace: w.namespace, taskToken: first.taskToken, cause: 1, failure: { message: 'bug' } });
  const second = await pollTask(w, queue);
  const afterSecond = (await w.history(id)).map((e) => e.event);
  const third = await pollTask(w, queue);
  const describe = await w.raw.workflow.describeWorkflowExecution({ namespace: w.namespace, execution: { workflowId: id } });
  await w.raw.workflow.respondWorkflowTaskCompleted({
    namespace: w.namespace,
    taskToken: third.taskToken,
    commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
  });
  const task = (t: temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse) => ({
    attempt: t.attempt,
    startedEventId: Number(t.startedEventId),
    history: normaliseHistory(t.history?.events).map((e) => `${e.event}${e.attempt ? ` attempt ${String(e.attempt)}` : ''}`),
  });
  return {
    second: task(second),
    afterSecond,
    third: task(third),
    pending: { attempt: describe.pendingWorkflowTask?.attempt, historyLength: Number(describe.workflowExecutionInfo?.historyLength) },
    history: await w.history(id),
  };
}, 20_000);

f.scenario('raw workflow task: a signal during the task, then a completion that closes the run', async (w) => {
  const queue = `${w.taskQueue}-raw-5`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const task = await pollTask(w, queue);
  await w.raw.workflow.signalWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id }, signalName: 'late' });
  const response = await call(
    w.raw.workflow.respondWorkflowTaskCompleted({
      namespace: w.namespace,
      taskToken: task.taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    }),
  );
  const next = await pollTask(w, queue);
  const out = {
    response,
    next: { attempt: next.attempt, history: normaliseHistory(next.history?.events).map((e) => e.event) },
  };
  await w.raw.workflow.respondWorkflowTaskCompleted({
    namespace: w.namespace,
    taskToken: next.taskToken,
    commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
  });
  return { ...out, history: await w.history(id) };
});

f.scenario('raw workflow task: a signal during the task is appended after the command events', async (w) => {
  const queue = `${w.taskQueue}-raw-6`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const task = await pollTask(w, queue);
  await w.raw.workflow.signalWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id }, signalName: 'during' });
  await w.raw.workflow.respondWorkflowTaskCompleted({
    namespace: w.namespace,
    taskToken: task.taskToken,
    commands: [{ commandType: CommandType.COMMAND_TYPE_START_TIMER, startTimerCommandAttributes: { timerId: 't1', startToFireTimeout: { seconds: Long.fromNumber(60) } } }],
  });
  const next = await pollTask(w, queue);
  const out = {
    next: {
      attempt: next.attempt,
      previousStartedEventId: Number(next.previousStartedEventId),
      startedEventId: Number(next.startedEventId),
      history: normaliseHistory(next.history?.events).map((e) => e.event),
    },
    history: await w.history(id),
  };
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return out;
});

f.scenario('raw workflow task: a query task answered by hand', async (w) => {
  const queue = `${w.taskQueue}-raw-7`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const first = await pollTask(w, queue);
  await w.raw.workflow.respondWorkflowTaskCompleted({ namespace: w.namespace, taskToken: first.taskToken, commands: [] });
  const asked = w.raw.withDeadline(15_000, () =>
    attempt(w.raw.workflow.queryWorkflow({ namespace: w.namespace, execution: { workflowId: id }, query: { queryType: 'q', queryArgs: { payloads: [] } } })),
  );
  const task = await pollTask(w, queue);
  await w.raw.workflow.respondQueryTaskCompleted({
    namespace: w.namespace,
    taskToken: task.taskToken,
    completedType: temporal.api.enums.v1.QueryResultType.QUERY_RESULT_TYPE_ANSWERED,
    queryResult: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"answer"') }] },
  });
  const answer = await asked;
  const out = {
    task: {
      queryType: task.query?.queryType,
      startedEventId: Number(task.startedEventId),
      previousStartedEventId: Number(task.previousStartedEventId),
      history: normaliseHistory(task.history?.events).map((e) => e.event),
    },
    answer: answer.ok ? Buffer.from(answer.value.queryResult?.payloads?.[0]?.data ?? []).toString() : answer.error,
    history: await w.history(id),
  };
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return out;
});

f.scenario('raw workflow task: Nexus commands', async (w) => {
  const queue = `${w.taskQueue}-raw-8`;
  const id = w.id('wf');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: queue } }));
  const task = await pollTask(w, queue);
  const response = await call(
    w.raw.workflow.respondWorkflowTaskCompleted({
      namespace: w.namespace,
      taskToken: task.taskToken,
      commands: [
        {
          commandType: CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION,
          scheduleNexusOperationCommandAttributes: { endpoint: 'no-such-endpoint', service: 's', operation: 'o' },
        },
      ],
    }),
  );
  await poll(async () => (await w.rawHistory(id)).length >= 4, 'the failed task');
  const history = await w.history(id);
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: id } });
  return { response, history: history.slice(0, 4) };
});

f.scenario('raw poll: a Nexus poll on an idle queue', async (w) => {
  const started = Date.now();
  const r = await attempt(
    w.raw.withDeadline(3_000, () => w.raw.workflow.pollNexusTaskQueue({ namespace: w.namespace, taskQueue: { name: `${w.taskQueue}-nexus` }, identity: 'raw' })),
  );
  return { result: r.ok ? (r.value.taskToken?.length ? 'a task' : 'empty') : r.error.code, heldForTheDeadline: Date.now() - started > 1_500 };
});

f.scenario('raw poll: a long poll with a deadline under two seconds', async (w) => {
  const r = await attempt(
    w.raw.withDeadline(1_500, () => w.raw.workflow.pollActivityTaskQueue({ namespace: w.namespace, taskQueue: { name: `${w.taskQueue}-nothing` } })),
  );
  return { result: r.ok ? (r.value.taskToken?.length ? 'a task' : 'empty') : r.error };
});

f.scenario('raw poll: a long poll without a deadline', async (w) => {
  const r = await attempt(
    w.raw.withDeadline(Infinity, () =>
      Promise.race([
        w.raw.workflow.pollActivityTaskQueue({ namespace: w.namespace, taskQueue: { name: `${w.taskQueue}-nothing` } }),
        new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error('still waiting after 2 s'), { code: -1 })), 2_000)),
      ]),
    ),
  );
  return { result: r.ok ? 'answered' : r.error.code === '-1' ? 'still waiting after 2 s' : r.error };
});

// ---- older list calls and gRPC health ------------------------------------------------------------

f.scenario('visibility: ListOpen, ListClosed and Scan', async (w) => {
  const prefix = w.id('o');
  await w.raw.workflow.startWorkflowExecution(startRequest(w, `${prefix}-open`, { taskQueue: { name: 'unpolled' } }));
  await w.raw.workflow.startWorkflowExecution(startRequest(w, `${prefix}-closed`));
  await closed(w, `${prefix}-closed`);
  const mine = (infos: temporal.api.workflow.v1.IWorkflowExecutionInfo[] | null | undefined) =>
    (infos ?? []).map((e) => e.execution?.workflowId ?? '').filter((x) => x.startsWith(prefix)).sort();
  let open: unknown, closedOnes: unknown, scanned: unknown;
  await poll(async () => {
    open = mine((await w.raw.workflow.listOpenWorkflowExecutions({ namespace: w.namespace, maximumPageSize: 1000 })).executions);
    closedOnes = mine((await w.raw.workflow.listClosedWorkflowExecutions({ namespace: w.namespace, maximumPageSize: 1000 })).executions);
    scanned = await call(w.raw.workflow.scanWorkflowExecutions({ namespace: w.namespace, query: `WorkflowId STARTS_WITH '${prefix}'` }), (r) => mine(r.executions));
    return JSON.stringify([open, closedOnes]) === JSON.stringify([[`${prefix}-open`], [`${prefix}-closed`]]);
  }, 'visibility', 10_000).catch(() => undefined);
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: `${prefix}-open` } });
  return { open, closed: closedOnes, scanned };
});

f.scenario('gRPC health: Check', async (w) => {
  const check = (service: string) =>
    new Promise<string>((resolve) => {
      const client = new grpc.Client(w.server.address, grpc.credentials.createInsecure());
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (m: { service: string }) => Buffer.concat([Buffer.from([0x0a, Buffer.byteLength(m.service)]), Buffer.from(m.service)]),
        (b: Buffer) => (b.length >= 2 ? b[1] : 0),
        { service },
        new grpc.Metadata(),
        { deadline: Date.now() + 5_000 },
        (err, status) => {
          client.close();
          resolve(err ? `error ${grpc.status[err.code]}` : `status ${status}`);
        },
      );
    });
  return { empty: await check(''), workflowService: await check('temporal.api.workflowservice.v1.WorkflowService') };
});

// ---- search attributes (OperatorService) ---------------------------------------------------------

f.scenario('operator: add, list and remove search attributes', async (w) => {
  const op = w.raw.operator;
  const add = await call(op.addSearchAttributes({ namespace: w.namespace, searchAttributes: { ConfAdded: 2 } }));
  const again = await call(op.addSearchAttributes({ namespace: w.namespace, searchAttributes: { ConfAdded: 2 } }));
  const otherType = await call(op.addSearchAttributes({ namespace: w.namespace, searchAttributes: { ConfAdded: 3 } }));
  const system = await call(op.addSearchAttributes({ namespace: w.namespace, searchAttributes: { WorkflowId: 2 } }));
  const listed = await op.listSearchAttributes({ namespace: w.namespace });
  const remove = await call(op.removeSearchAttributes({ namespace: w.namespace, searchAttributes: ['ConfAdded'] }));
  const removeUnknown = await call(op.removeSearchAttributes({ namespace: w.namespace, searchAttributes: ['ConfNeverAdded'] }));
  const custom = Object.fromEntries(Object.entries(listed.customAttributes ?? {}).filter(([k]) => k.startsWith('Conf')).sort());
  return { add, again, otherType, system, custom, remove, removeUnknown };
});

f.scenario('operator: the search attributes a new namespace has', async (w) => {
  const listed = await w.raw.operator.listSearchAttributes({ namespace: w.namespace });
  return {
    presetCustom: Object.keys(listed.customAttributes ?? {})
      .filter((k) => !k.startsWith('Conf'))
      .sort(),
    system: Object.fromEntries(Object.entries(listed.systemAttributes ?? {}).sort(([a], [b]) => a.localeCompare(b))),
  };
});

// ---- visibility ----------------------------------------------------------------------------------

f.scenario('visibility: list and count with filters, ordering and GROUP BY', async (w) => {
  const prefix = w.id('v');
  const ids = [0, 1, 2, 3].map((i) => `${prefix}-${i}`);
  for (const [i, id] of ids.entries()) {
    const sa = { indexedFields: { ConfInt: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(String(i)) } } };
    await w.raw.workflow.startWorkflowExecution(startRequest(w, id, { taskQueue: { name: i < 2 ? w.taskQueue : 'unpolled' }, searchAttributes: sa }));
  }
  await closed(w, ids[0]);
  await closed(w, ids[1]);
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: ids[3] } });
  const queries = {
    all: `WorkflowId STARTS_WITH '${prefix}'`,
    running: `WorkflowId STARTS_WITH '${prefix}' AND ExecutionStatus = 'Running'`,
    closed: `WorkflowId STARTS_WITH '${prefix}' AND ExecutionStatus != 'Running'`,
    byAttribute: `ConfInt >= 1 AND ConfInt < 3 AND WorkflowId STARTS_WITH '${prefix}'`,
    inList: `WorkflowId IN ('${ids[0]}', '${ids[3]}')`,
    byType: `WorkflowType = 'returnsArgs' AND TaskQueue = 'unpolled' AND WorkflowId STARTS_WITH '${prefix}'`,
    closeTimeSet: `WorkflowId STARTS_WITH '${prefix}' AND CloseTime IS NOT NULL`,
  };
  const status = ['COMPLETED', 'COMPLETED', 'RUNNING', 'TERMINATED'];
  const row = (i: number) => `${ids[i]} ${status[i]}`;
  // What a settled visibility store answers; the real one is eventually consistent, so each query
  // is polled (bounded) until it says this, and whatever it says then is compared.
  const expected: Record<keyof typeof queries, string[]> = {
    all: [0, 1, 2, 3].map(row),
    running: [row(2)],
    closed: [0, 1, 3].map(row),
    byAttribute: [1, 2].map(row),
    inList: [0, 3].map(row),
    byType: [2, 3].map(row),
    closeTimeSet: [0, 1, 3].map(row),
  };
  const out: Record<string, unknown> = {};
  for (const [k, q] of Object.entries(queries)) {
    let listed: string[] = [];
    await poll(
      async () => {
        const r = await w.raw.workflow.listWorkflowExecutions({ namespace: w.namespace, query: q });
        listed = (r.executions ?? [])
          .map((e) => `${e.execution?.workflowId} ${temporal.api.enums.v1.WorkflowExecutionStatus[e.status ?? 0].replace('WORKFLOW_EXECUTION_STATUS_', '')}`)
          .sort();
        return JSON.stringify(listed) === JSON.stringify(expected[k as keyof typeof queries]);
      },
      `visibility to settle for ${k}`,
      10_000,
    ).catch(() => undefined);
    const count = await w.raw.workflow.countWorkflowExecutions({ namespace: w.namespace, query: q });
    out[k] = { listed, count: Number(count.count) };
  }
  const grouped = await w.raw.workflow.countWorkflowExecutions({ namespace: w.namespace, query: `${queries.all} GROUP BY ExecutionStatus` });
  out.groupByStatus = {
    count: Number(grouped.count),
    groups: (grouped.groups ?? [])
      .map((g) => `${(g.groupValues ?? []).map((v) => Buffer.from(v.data ?? []).toString()).join(',')}=${Number(g.count)}`)
      .sort(),
  };
  await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: ids[2] } });
  return out;
});

f.scenario('visibility: list page size and next page token', async (w) => {
  const prefix = w.id('p');
  for (let i = 0; i < 3; i++) await w.raw.workflow.startWorkflowExecution(startRequest(w, `${prefix}-${i}`, { taskQueue: { name: 'unpolled' } }));
  const query = `WorkflowId STARTS_WITH '${prefix}'`;
  await poll(async () => Number((await w.raw.workflow.countWorkflowExecutions({ namespace: w.namespace, query })).count) === 3, 'visibility', 10_000).catch(() => undefined);
  const pages: number[] = [];
  let token: Uint8Array | undefined;
  do {
    const r = await w.raw.workflow.listWorkflowExecutions({ namespace: w.namespace, query, pageSize: 2, nextPageToken: token });
    pages.push(r.executions?.length ?? 0);
    token = r.nextPageToken && r.nextPageToken.length > 0 ? r.nextPageToken : undefined;
  } while (token && pages.length < 5);
  for (let i = 0; i < 3; i++) await w.raw.workflow.terminateWorkflowExecution({ namespace: w.namespace, workflowExecution: { workflowId: `${prefix}-${i}` } });
  return { pages };
});

f.scenario('visibility: malformed and unsupported queries', async (w) => {
  const list = (query: string) => attempt(w.raw.workflow.listWorkflowExecutions({ namespace: w.namespace, query }));
  const count = (query: string) => attempt(w.raw.workflow.countWorkflowExecutions({ namespace: w.namespace, query }));
  const malformed = {
    unfinished: await list('WorkflowId = '),
    unknownAttribute: await list(`NoSuchAttribute = 'x'`),
    badStatus: await list(`ExecutionStatus = 'Sleeping'`),
    unbalanced: await list(`(WorkflowId = 'a'`),
    countBadGroup: await count(`WorkflowId = 'a' GROUP BY WorkflowType`),
  };
  const errorOf = (r: RawResult<unknown>) => (r.ok ? 'ok' : r.error);
  return {
    codes: Object.fromEntries(Object.entries(malformed).map(([k, r]) => [k, r.ok ? 'ok' : r.error.code])),
    messages: Object.fromEntries(Object.entries(malformed).map(([k, r]) => [k, r.ok ? 'ok' : r.error.message])),
    orderBy: {
      list: errorOf(await list(`WorkflowId = 'a' ORDER BY StartTime DESC`)),
      count: errorOf(await count(`WorkflowId = 'a' ORDER BY StartTime`)),
    },
    wrongValueType: errorOf(await list(`ConfInt = 'abc'`)),
  };
});

f.scenario('visibility: the typed search attributes of a listed run', async (w) => {
  const h = await w.start('upsertsSearchAttributes', 'wf', [], { searchAttributes: { ConfKeyword: ['at start'], ConfBool: [true] } });
  await w.waitForHistory(h.workflowId, (t) => t.filter((x) => x === 'UpsertWorkflowSearchAttributes').length === 2, 'both upserts');
  await w.idle(h.workflowId);
  const query = `WorkflowId = '${h.workflowId}' AND ConfKeyword = 'upserted'`;
  let listed: temporal.api.workflow.v1.IWorkflowExecutionInfo[] = [];
  await poll(async () => {
    listed = (await w.raw.workflow.listWorkflowExecutions({ namespace: w.namespace, query })).executions ?? [];
    return listed.length === 1;
  }, 'visibility', 10_000).catch(() => undefined);
  const fields = listed[0]?.searchAttributes?.indexedFields ?? {};
  const decoded = Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((k) => [k, `${Buffer.from(fields[k].metadata?.type ?? []).toString()} ${Buffer.from(fields[k].data ?? []).toString()}`]),
  );
  await h.signal('finish');
  return { decoded, result: await outcome(h.result()) };
});
