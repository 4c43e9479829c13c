/**
 * Conformance, client interactions: signals, signal-with-start, queries, updates (and update-with-start),
 * cancellation, termination, describe, asynchronous activity completion and history reads, compared on
 * both servers through the official client.
 */
import { WithStartWorkflowOperation, WorkflowUpdateStage } from '@temporalio/client';
import { conformanceFile, poll } from './support/harness';
import { attempt } from './support/raw';
import { outcome } from './support/errors';
import { decodePayloads, durationMs } from './support/normalise';
import type { World } from './support/harness';

const f = conformanceFile('interactions');

/** The describe() fields a user reads, with times reduced to "set" and their order checked. */
async function describeRun(w: World, workflowId: string, runId?: string): Promise<Record<string, unknown>> {
  const d = await w.client.workflow.getHandle(workflowId, runId).describe();
  const info = d.raw.workflowExecutionInfo;
  const config = d.raw.executionConfig;
  const ms = (t: { seconds?: unknown; nanos?: unknown } | null | undefined) => (t ? Number(t.seconds ?? 0) * 1000 + Number(t.nanos ?? 0) / 1e6 : undefined);
  const start = ms(info?.startTime);
  const close = ms(info?.closeTime);
  const exec = ms(info?.executionTime);
  return {
    type: d.type,
    status: d.status.name,
    taskQueue: d.taskQueue,
    historyLength: d.historyLength,
    memo: d.memo,
    searchAttributes: Object.keys(d.searchAttributes).sort(),
    parent: d.parentExecution?.workflowId,
    root: d.raw.workflowExecutionInfo?.rootExecution?.workflowId,
    firstRunId: info?.firstRunId === d.runId ? 'this run' : info?.firstRunId ? 'another run' : 'unset',
    startTime: start !== undefined,
    closeTime: close === undefined ? 'unset' : close >= (start ?? 0) ? 'after start' : 'before start',
    executionTime: exec === undefined ? 'unset' : exec === start ? 'start time' : exec > (start ?? 0) ? 'after start' : 'before start',
    executionDuration: info?.executionDuration ? 'set' : 'unset',
    config: {
      taskQueue: config?.taskQueue?.name,
      executionTimeoutMs: durationMs(config?.workflowExecutionTimeout),
      runTimeoutMs: durationMs(config?.workflowRunTimeout),
      taskTimeoutMs: durationMs(config?.defaultWorkflowTaskTimeout),
    },
    pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
      activityId: a.activityId,
      type: a.activityType?.name,
      state: a.state,
      attempt: a.attempt,
      maximumAttempts: a.maximumAttempts,
      lastFailure: a.lastFailure?.message,
      heartbeatDetails: decodePayloads(a.heartbeatDetails),
    })),
    pendingChildren: (d.raw.pendingChildren ?? []).map((c) => ({ workflowId: c.workflowId, type: c.workflowTypeName, parentClosePolicy: c.parentClosePolicy })),
    pendingWorkflowTask: d.raw.pendingWorkflowTask ? { state: d.raw.pendingWorkflowTask.state, attempt: d.raw.pendingWorkflowTask.attempt } : undefined,
    cancelRequested: d.raw.workflowExtendedInfo?.cancelRequested ?? false,
  };
}

// ---- signals -------------------------------------------------------------------------------------

f.scenario('signal: order of signals sent during the start delay', async (w) => {
  const h = await w.start('waitsForFinish', 'wf', [], { startDelay: '1s' });
  for (const n of ['one', 'two', 'three']) await h.signal('note', n);
  await h.signal('finish', 'done');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('signal: to an idle workflow, one at a time', async (w) => {
  const h = await w.start('waitsForFinish', 'wf');
  await w.idle(h.workflowId);
  await h.signal('note', 'a');
  await w.waitForHistory(h.workflowId, (t) => t.filter((x) => x === 'WorkflowTaskCompleted').length === 2, 'the signal to be handled');
  await h.signal('finish');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('signal: to a closed workflow', async (w) => {
  const h = await w.start('returnsArgs', 'wf', [1]);
  await h.result();
  return { error: await outcome(h.signal('note', 'late')) };
});

f.scenario('signal-with-start: starts a new workflow', async (w) => {
  const h = await w.client.workflow.signalWithStart('waitsForFinish', {
    taskQueue: w.taskQueue,
    workflowId: w.id('wf'),
    signal: 'finish',
    signalArgs: ['at start'],
  });
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('signal-with-start: signals a running workflow', async (w) => {
  const first = await w.start('waitsForFinish', 'wf');
  await w.idle(first.workflowId);
  const h = await w.client.workflow.signalWithStart('waitsForFinish', {
    taskQueue: w.taskQueue,
    workflowId: w.id('wf'),
    signal: 'finish',
    signalArgs: ['existing'],
  });
  return { sameRun: h.signaledRunId === first.firstExecutionRunId, result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

// ---- queries -------------------------------------------------------------------------------------

f.scenario('query: a running workflow, after a signal', async (w) => {
  const h = await w.start('waitsForFinish', 'wf');
  await w.idle(h.workflowId);
  await h.signal('note', 'seen');
  const state = await outcome(h.query('state'));
  await h.signal('finish');
  await h.result();
  return { state, history: await w.history(h.workflowId) };
});

f.scenario('query: unknown query type', async (w) => {
  const h = await w.start('waitsForFinish', 'wf');
  await w.idle(h.workflowId);
  const result = await outcome(h.query('nope'));
  await h.signal('finish');
  await h.result();
  return { result };
});

f.scenario('query: a closed workflow', async (w) => {
  const h = await w.start('waitsForFinish', 'wf');
  await w.idle(h.workflowId);
  await h.signal('note', 'kept');
  await h.signal('finish');
  await h.result();
  return { state: await outcome(h.query('state')) };
});

f.scenario('query: reject condition NOT_OPEN on a closed workflow', async (w) => {
  const h = await w.start('waitsForFinish', 'wf');
  await w.idle(h.workflowId);
  await h.signal('finish');
  await h.result();
  const raw = await attempt(
    w.raw.workflow.queryWorkflow({ namespace: w.namespace, execution: { workflowId: h.workflowId }, query: { queryType: 'state' }, queryRejectCondition: 1 }),
  );
  return { rejected: raw.ok ? raw.value.queryRejected?.status : raw.error, hasResult: raw.ok && !!raw.value.queryResult };
});

f.scenario('query: a failed workflow with reject condition NOT_COMPLETED_CLEANLY', async (w) => {
  const h = await w.start('failsWith', 'wf', ['boom', 'Boom', true]);
  await outcome(h.result());
  const raw = await attempt(
    w.raw.workflow.queryWorkflow({ namespace: w.namespace, execution: { workflowId: h.workflowId }, query: { queryType: 'state' }, queryRejectCondition: 2 }),
  );
  return { rejected: raw.ok ? raw.value.queryRejected?.status : raw.error };
});

// ---- updates -------------------------------------------------------------------------------------

f.scenario('update: accepted and completed', async (w) => {
  const h = await w.start('interactive', 'wf');
  await w.idle(h.workflowId);
  const result = await outcome(h.executeUpdate('add', { args: [5], updateId: 'u1' }));
  await h.signal('finish');
  return { result, workflow: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('update: rejected by the validator', async (w) => {
  const h = await w.start('interactive', 'wf');
  await w.idle(h.workflowId);
  const result = await outcome(h.executeUpdate('add', { args: [-1], updateId: 'u1' }));
  await h.signal('finish');
  return { result, workflow: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('update: rejected, then accepted, then a signal', async (w) => {
  const h = await w.start('interactive', 'wf');
  await w.idle(h.workflowId);
  const rejected = await outcome(h.executeUpdate('add', { args: [-5], updateId: 'u1' }));
  const accepted = await outcome(h.executeUpdate('add', { args: [5], updateId: 'u2' }));
  await h.signal('note', 'after');
  await w.waitForHistory(h.workflowId, (t) => t.filter((x) => x === 'WorkflowTaskCompleted').length >= 3, 'the signal to be handled');
  await w.idle(h.workflowId);
  const state = await outcome(h.query('state'));
  await h.signal('finish');
  return { rejected, accepted, state, workflow: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('update: the handler fails after accepting', async (w) => {
  const h = await w.start('interactive', 'wf');
  await w.idle(h.workflowId);
  const result = await outcome(h.executeUpdate('failAfterAccepting', { updateId: 'u1' }));
  await h.signal('finish');
  return { result, workflow: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('update: start, wait for ACCEPTED, then the result', async (w) => {
  const h = await w.start('interactive', 'wf');
  await w.idle(h.workflowId);
  const u = await h.startUpdate('echoViaActivity', { args: ['via activity'], updateId: 'u1', waitForStage: WorkflowUpdateStage.ACCEPTED });
  const result = await outcome(u.result());
  await h.signal('finish');
  return { result, workflow: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('update: the same update id twice returns the first outcome', async (w) => {
  const h = await w.start('interactive', 'wf');
  await w.idle(h.workflowId);
  const first = await outcome(h.executeUpdate('add', { args: [2], updateId: 'same' }));
  const second = await outcome(h.executeUpdate('add', { args: [3], updateId: 'same' }));
  await h.signal('finish');
  return { first, second, workflow: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('update: on a closed workflow', async (w) => {
  const h = await w.start('returnsArgs', 'wf', []);
  await h.result();
  return { result: await outcome(h.executeUpdate('add', { args: [1], updateId: 'late' })) };
});

f.scenario('update-with-start: starts the workflow and runs the update', async (w) => {
  const op = new WithStartWorkflowOperation('interactive', {
    taskQueue: w.taskQueue,
    workflowId: w.id('wf'),
    workflowIdConflictPolicy: 'FAIL',
  });
  const result = await outcome(w.client.workflow.executeUpdateWithStart('add', { args: [7], updateId: 'u1', startWorkflowOperation: op }));
  const h = await op.workflowHandle();
  await h.signal('finish');
  return { result, workflow: await outcome(h.result()), history: await w.history(h.workflowId) };
});

// ---- cancel, terminate ---------------------------------------------------------------------------

f.scenario('cancel: an unhandled cancellation fails the result with CancelledFailure', async (w) => {
  const h = await w.start('waitsForFinish', 'wf');
  await w.idle(h.workflowId);
  await h.cancel();
  return { result: await outcome(h.result()), history: await w.history(h.workflowId), describe: await describeRun(w, h.workflowId) };
});

f.scenario('cancel: a closed workflow', async (w) => {
  const h = await w.start('returnsArgs', 'wf', []);
  await h.result();
  return { result: await outcome(h.cancel()) };
});

f.scenario('terminate: with reason and details', async (w) => {
  const h = await w.start('waitsForFinish', 'wf');
  await w.idle(h.workflowId);
  await w.client.workflowService.terminateWorkflowExecution({
    namespace: w.namespace,
    workflowExecution: { workflowId: h.workflowId },
    reason: 'stop now',
    details: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"why"') }] },
  });
  return { result: await outcome(h.result()), history: await w.history(h.workflowId), describe: await describeRun(w, h.workflowId) };
});

f.scenario('terminate: a closed workflow', async (w) => {
  const h = await w.start('returnsArgs', 'wf', []);
  await h.result();
  return { result: await outcome(h.terminate('again')) };
});

// ---- describe ------------------------------------------------------------------------------------

f.scenario('describe: running with a pending activity, then completed', async (w) => {
  const h = await w.start('asyncActivity', 'wf', [w.id('act')], {
    memo: { team: 'conformance' },
    searchAttributes: { ConfKeyword: ['described'] },
    workflowExecutionTimeout: '1 hour',
  });
  await w.activities.started(w.id('act'));
  await w.idle(h.workflowId);
  const running = await describeRun(w, h.workflowId);
  const token = w.activities.tokens.get(w.id('act'));
  await w.client.activity.complete(token!, 'done');
  const result = await outcome(h.result());
  return { running, result, completed: await describeRun(w, h.workflowId) };
});

f.scenario('describe: a parent with a pending child', async (w) => {
  const h = await w.start('parentLeavesChild', 'wf', ['ABANDON']);
  await w.waitForHistory(h.workflowId, (t) => t.includes('ChildWorkflowExecutionStarted'), 'the child to start');
  await w.idle(h.workflowId);
  await w.idle(`${h.workflowId}-child`);
  const parent = await describeRun(w, h.workflowId);
  const child = await describeRun(w, `${h.workflowId}-child`);
  await h.signal('finish');
  await h.result();
  await w.client.workflow.getHandle(`${h.workflowId}-child`).terminate('cleanup');
  return { parent, child };
});

f.scenario('describe: a workflow that does not exist', async (w) => {
  return { result: await outcome(w.client.workflow.getHandle(w.id('missing')).describe()) };
});

// ---- asynchronous activity completion ------------------------------------------------------------

f.scenario('async completion: complete by task token', async (w) => {
  const h = await w.start('asyncActivity', 'wf', [w.id('act')]);
  await w.activities.started(w.id('act'));
  await w.idle(h.workflowId);
  const token = w.activities.tokens.get(w.id('act'))!;
  await w.client.activity.heartbeat(token, 'beat');
  await w.client.activity.complete(token, 'completed outside');
  const late = await outcome(w.client.activity.complete(token, 'again'));
  return { result: await outcome(h.result()), late, history: await w.history(h.workflowId) };
});

f.scenario('async completion: fail by activity id', async (w) => {
  const h = await w.start('asyncActivity', 'wf', [w.id('act')]);
  await w.activities.started(w.id('act'));
  await w.idle(h.workflowId);
  const id = { workflowId: h.workflowId, activityId: '1' };
  await w.client.activity.heartbeat(id, 'by id');
  await w.client.activity.fail(id, new Error('failed outside'));
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('async completion: report cancellation by activity id', async (w) => {
  const h = await w.start('cancellableAsyncActivity', 'wf', [w.id('act')]);
  await w.activities.started(w.id('act'));
  await w.idle(h.workflowId);
  await h.signal('finish');
  const id = { workflowId: h.workflowId, activityId: '1' };
  await poll(async () => 'error' in (await outcome(w.client.activity.heartbeat(id))), 'the heartbeat to report the cancellation');
  await w.client.activity.reportCancellation(id, 'confirmed by id');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('async completion: report cancellation after a cancel request', async (w) => {
  const h = await w.start('cancellableAsyncActivity', 'wf', [w.id('act')]);
  await w.activities.started(w.id('act'));
  await w.idle(h.workflowId);
  await h.signal('finish');
  const token = w.activities.tokens.get(w.id('act'))!;
  let heartbeat: unknown;
  await poll(async () => {
    heartbeat = await outcome(w.client.activity.heartbeat(token));
    return 'error' in (heartbeat as object);
  }, 'the heartbeat to report the cancellation');
  await w.client.activity.reportCancellation(token, 'confirmed');
  return { heartbeat, result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

// ---- history reads -------------------------------------------------------------------------------

f.scenario('history: paged reads, reverse order and the close event', async (w) => {
  const h = await w.start('oneActivity', 'wf', ['paged']);
  await h.result();
  const pages: number[] = [];
  let token: Uint8Array | undefined;
  do {
    const page = await w.raw.workflow.getWorkflowExecutionHistory({
      namespace: w.namespace,
      execution: { workflowId: h.workflowId },
      maximumPageSize: 4,
      nextPageToken: token,
    });
    pages.push(page.history?.events?.length ?? 0);
    token = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  } while (token && pages.length < 10);
  const reverse = await w.raw.workflow.getWorkflowExecutionHistoryReverse({ namespace: w.namespace, execution: { workflowId: h.workflowId } });
  const close = await w.raw.workflow.getWorkflowExecutionHistory({
    namespace: w.namespace,
    execution: { workflowId: h.workflowId },
    historyEventFilterType: 2,
  });
  return {
    events: pages.reduce((a, b) => a + b, 0),
    pageSizes: pages,
    reverse: (reverse.history?.events ?? []).map((e) => Number(e.eventId)),
    close: (close.history?.events ?? []).map((e) => Number(e.eventId)),
  };
});
