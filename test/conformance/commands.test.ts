/**
 * Conformance, workflow commands: each scenario makes a workflow send one kind of command (or a
 * family of them) and compares the result or failure chain and the history on both servers.
 */
import { conformanceFile, poll } from './support/harness';
import { outcome } from './support/errors';
import { tasksAside, type ComparedEvent } from './support/normalise';

const f = conformanceFile('commands');

/**
 * Event types with their counts, for histories whose interleaving depends on timing. Workflow task
 * events are left out: how many tasks it takes depends on whether completions arrive while a task is
 * in flight (they are buffered into the next one), which neither server controls.
 */
function shape(history: ComparedEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of history) {
    const type = e.event.split(' ')[1];
    if (type.startsWith('WorkflowTask')) continue;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether the workflow task count lies in the range the scenario allows, for the same reason. */
function workflowTasksWithin(history: ComparedEvent[], min: number, max: number): string {
  const n = history.filter((e) => e.event.split(' ')[1] === 'WorkflowTaskCompleted').length;
  return n >= min && n <= max ? `between ${min} and ${max}` : `${n}, outside ${min}..${max}`;
}

/**
 * Moves the first run-start backoff out of a history into its own aspect, compared with the backoff
 * the workflow asked for, so a known difference in it does not hide the rest of the history.
 */
function splitBackoff(history: ComparedEvent[], requestedMs = 0): { history: ComparedEvent[]; backoff: string } {
  const [first, ...rest] = history;
  const { firstWorkflowTaskBackoffMs, ...started } = first as ComparedEvent & { firstWorkflowTaskBackoffMs?: number };
  const ms = firstWorkflowTaskBackoffMs ?? 0;
  const backoff = ms === requestedMs ? 'as requested' : ms > requestedMs ? 'longer than requested' : 'shorter than requested';
  return { history: [started as ComparedEvent, ...rest], backoff };
}

// ---- activities ----------------------------------------------------------------------------------

f.scenario('activity: schedule, complete and return the result', async (w) => {
  const h = await w.start('oneActivity', 'wf', ['hello']);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: three in parallel from one workflow task', async (w) => {
  const h = await w.start('parallelActivities', 'wf', [3]);
  const result = await outcome(h.result());
  const history = await w.history(h.workflowId);
  // One task schedules all three; each completion may or may not get a task of its own.
  return { result, scheduled: history.slice(0, 7), shape: shape(history), workflowTasks: workflowTasksWithin(history, 2, 4) };
});

f.scenario('activity: server-side retries until success', async (w) => {
  const h = await w.start('retriedActivity', 'wf', [w.id('key'), 2, 5]);
  const result = await outcome(h.result());
  return { result, attempts: w.activities.attempts.get(w.id('key')), history: await w.history(h.workflowId) };
});

f.scenario('activity: maximum attempts reached', async (w) => {
  const h = await w.start('retriedActivity', 'wf', [w.id('key'), 9, 2]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: non-retryable error type in the retry policy', async (w) => {
  const h = await w.start('retriedActivity', 'wf', [w.id('key'), 9, 5, ['Flaky']]);
  return { result: await outcome(h.result()), attempts: w.activities.attempts.get(w.id('key')), history: await w.history(h.workflowId) };
});

f.scenario('activity: non-retryable ApplicationFailure fails the workflow', async (w) => {
  const h = await w.start('nonRetryableActivity', 'wf');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: timeouts and retry policy the server fills in (start-to-close only)', async (w) => {
  const h = await w.start('activityDefaults', 'wf', [], { workflowRunTimeout: '1 minute' });
  await h.result();
  return { history: await w.history(h.workflowId) };
});

f.scenario('activity: timeouts the server derives from schedule-to-close only', async (w) => {
  const h = await w.start('activityScheduleToCloseOnly', 'wf');
  await h.result();
  return { history: await w.history(h.workflowId) };
});

f.scenario('activity: start-to-close timeout then a successful retry', async (w) => {
  const h = await w.start('startToCloseRetry', 'wf', [w.id('key')]);
  return { result: await outcome(h.result()), attempts: w.activities.attempts.get(w.id('key')), history: await w.history(h.workflowId) };
});

f.scenario('activity: start-to-close timeout without retries', async (w) => {
  const h = await w.start('startToCloseNoRetry', 'wf', [w.id('key')]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: heartbeat timeout carries details into the next attempt', async (w) => {
  const h = await w.start('heartbeatTimeoutRetry', 'wf', [w.id('key')]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: heartbeat timeout with no retries left', async (w) => {
  const h = await w.start('heartbeatTimeoutFinal', 'wf', [w.id('key')]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: next retry delay from the failure', async (w) => {
  const h = await w.start('nextRetryDelay', 'wf', [w.id('key')]);
  return { result: await outcome(h.result()), attempts: w.activities.attempts.get(w.id('key')), history: await w.history(h.workflowId) };
});

f.scenario('activity: schedule-to-close timeout', async (w) => {
  const h = await w.start('scheduleToCloseTimeout', 'wf', [w.id('key')]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: schedule-to-start timeout on an unpolled queue', async (w) => {
  const h = await w.start('scheduleToStartTimeout', 'wf', [`${w.taskQueue}-unpolled`]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: cancel a started activity (TRY_CANCEL)', async (w) => {
  const h = await w.start('cancelStartedActivity', 'wf', [w.id('key'), false]);
  await w.activities.started(w.id('key'));
  await w.idle(h.workflowId);
  await h.signal('finish');
  const result = await outcome(h.result());
  return { result, history: (await w.history(h.workflowId)).slice(0, 12) };
});

f.scenario('activity: cancel a started activity and wait for its cancellation', async (w) => {
  const h = await w.start('cancelStartedActivity', 'wf', [w.id('key'), true]);
  await w.activities.started(w.id('key'));
  await w.idle(h.workflowId);
  await h.signal('finish');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: cancel before it ever started, in the task that completes the workflow', async (w) => {
  const h = await w.start('cancelUnstartedActivity', 'wf', [`${w.taskQueue}-unpolled`]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: cancel before it ever started, the workflow stays open', async (w) => {
  const h = await w.start('cancelUnstartedActivity', 'wf', [`${w.taskQueue}-unpolled`, 200]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('activity: cancel while it waits in retry backoff', async (w) => {
  const h = await w.start('cancelActivityInBackoff', 'wf', [w.id('key')]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

// ---- local activities and markers ----------------------------------------------------------------

f.scenario('marker: local activity result', async (w) => {
  const h = await w.start('localActivity', 'wf', ['local']);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('marker: failed local activity', async (w) => {
  const h = await w.start('failingLocalActivity', 'wf');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('marker: local activity longer than the workflow task timeout', async (w) => {
  const h = await w.start('longLocalActivity', 'wf', [2_500], { workflowTaskTimeout: '2s' });
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
}, 40_000);

f.scenario('marker: patched and deprecatePatch', async (w) => {
  const h = await w.start('patchedWorkflow', 'wf');
  const result = await outcome(h.result());
  const d = await h.describe();
  return { result, history: await w.history(h.workflowId), searchAttributes: d.raw.workflowExecutionInfo?.searchAttributes?.indexedFields ? Object.keys(d.raw.workflowExecutionInfo.searchAttributes.indexedFields).sort() : [] };
});

// ---- timers --------------------------------------------------------------------------------------

f.scenario('timer: start and fire', async (w) => {
  const h = await w.start('timers', 'wf');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('timer: cancel a started timer', async (w) => {
  const h = await w.start('cancelledTimer', 'wf');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('timer: condition with a timeout that expires', async (w) => {
  const h = await w.start('conditionTimeout', 'wf', [200]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

// ---- workflow completion commands ----------------------------------------------------------------

f.scenario('complete: result with several arguments', async (w) => {
  const h = await w.start('returnsArgs', 'wf', [1, 'two', { three: [3] }, null]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('fail: non-retryable ApplicationFailure with details', async (w) => {
  const h = await w.start('failsWith', 'wf', ['it broke', 'Broken', true]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('fail: workflow retry policy starts a second run', async (w) => {
  const h = await w.start('failsFirstAttempt', 'wf', [], { retry: { maximumAttempts: 2, initialInterval: 100 } });
  const result = await outcome(h.result());
  const last = splitBackoff(await w.history(h.workflowId), 100);
  return { result, firstRun: await w.history(h.workflowId, h.firstExecutionRunId), lastRun: last.history, retryBackoff: last.backoff };
});

f.scenario('fail: workflow retry policy exhausted', async (w) => {
  const h = await w.start('failsWith', 'wf', ['always', 'Always', false], { retry: { maximumAttempts: 2, initialInterval: 100 } });
  const result = await outcome(h.result());
  const last = splitBackoff(await w.history(h.workflowId), 100);
  return { result, lastRun: last.history, retryBackoff: last.backoff };
});

f.scenario('cancel: workflow cancellation runs cleanup and closes as canceled', async (w) => {
  const h = await w.start('cleansUpOnCancel', 'wf');
  await w.idle(h.workflowId);
  await h.cancel();
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('continue-as-new: a chain of three runs', async (w) => {
  const h = await w.start('countdown', 'wf', [2]);
  const result = await outcome(h.result());
  const first = await w.history(h.workflowId, h.firstExecutionRunId);
  const d = await w.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId).describe();
  const last = splitBackoff(await w.history(h.workflowId));
  return { result, first, last: last.history, firstStatus: d.status.name, continueBackoff: last.backoff };
});

f.scenario('run timeout: the run times out', async (w) => {
  const h = await w.start('waitsForFinish', 'wf', [], { workflowRunTimeout: '1s' });
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('run timeout: the run times out while a local activity holds the workflow task', async (w) => {
  const h = await w.start('longLocalActivity', 'wf', [3_000], { workflowRunTimeout: '1s' });
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('execution timeout: the run times out', async (w) => {
  const h = await w.start('waitsForFinish', 'wf', [], { workflowExecutionTimeout: '1s' });
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('start delay: signal-with-start of a new workflow with a start delay', async (w) => {
  const h = await w.client.workflow.signalWithStart('waitsForFinish', {
    taskQueue: w.taskQueue,
    workflowId: w.id('wf'),
    startDelay: '1 hour',
    signal: 'finish',
    signalArgs: ['now'],
  });
  await new Promise((r) => setTimeout(r, 1_500));
  const d = await h.describe();
  const history = await w.history(h.workflowId);
  await h.terminate('end of the start delay test');
  return {
    status: d.status.name,
    executionTime: d.raw.workflowExecutionInfo?.executionTime && d.raw.workflowExecutionInfo.startTime
      ? Number(d.raw.workflowExecutionInfo.executionTime.seconds) > Number(d.raw.workflowExecutionInfo.startTime.seconds) + 3000 ? 'an hour later' : 'now'
      : 'unset',
    history: history.map((e) => e.event),
  };
});

f.scenario('start delay: signal-with-start of a workflow waiting out its start delay', async (w) => {
  const first = await w.start('waitsForFinish', 'wf', [], { startDelay: '1 hour' });
  await w.client.workflow.signalWithStart('waitsForFinish', {
    taskQueue: w.taskQueue,
    workflowId: first.workflowId,
    signal: 'finish',
    signalArgs: ['now'],
  });
  await new Promise((r) => setTimeout(r, 1_500));
  const d = await first.describe();
  const history = await w.history(first.workflowId);
  if (d.status.name === 'RUNNING') await first.terminate('end of the start delay test');
  return { status: d.status.name, history: history.map((e) => e.event) };
});

f.scenario('start delay: the first workflow task waits', async (w) => {
  const h = await w.start('returnsArgs', 'wf', ['delayed'], { startDelay: '1s' });
  const result = await outcome(h.result());
  return { result, history: await w.history(h.workflowId) };
});

f.scenario('cron: the next run is scheduled with the previous result', async (w) => {
  const h = await w.start('returnsArgs', 'wf', ['cron'], { cronSchedule: '@every 2s' });
  let current = h.firstExecutionRunId;
  await poll(async () => {
    const d = await w.raw.workflow.describeWorkflowExecution({ namespace: w.namespace, execution: { workflowId: h.workflowId } });
    current = d.workflowExecutionInfo?.execution?.runId ?? current;
    return current !== h.firstExecutionRunId;
  }, 'the second cron run', 10_000);
  const first = splitBackoff(await w.history(h.workflowId, h.firstExecutionRunId));
  const second = splitBackoff((await w.history(h.workflowId, current)).slice(0, 1));
  const firstStatus = (await w.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId).describe()).status.name;
  await h.terminate('end of the cron test');
  return { first: first.history, firstBackoff: first.backoff, firstStatus, second: second.history, secondBackoff: second.backoff };
}, 30_000);

f.scenario('workflow task failure: a bug in workflow code', async (w) => {
  const h = await w.start('failsWorkflowTask', 'wf', [], { workflowTaskTimeout: '1s' });
  await w.waitForHistory(h.workflowId, (t) => t.includes('WorkflowTaskFailed'), 'a failed workflow task');
  await h.terminate('enough');
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

// ---- children ------------------------------------------------------------------------------------

f.scenario('child: start and complete', async (w) => {
  const h = await w.start('parentOfChild', 'wf', ['returns']);
  const result = await outcome(h.result());
  // When the child's close event reaches the parent, relative to the parent's workflow tasks, is a
  // race between two workflows on both servers: the parent's task events are set aside.
  return { result, parent: tasksAside(await w.history(h.workflowId)), child: await w.history(`${h.workflowId}-child`) };
});

f.scenario('child: failure chain reaches the parent', async (w) => {
  const h = await w.start('parentOfChild', 'wf', ['fails']);
  const result = await outcome(h.result());
  return { result, parent: tasksAside(await w.history(h.workflowId)) };
});

f.scenario('child: execution timeout of the child', async (w) => {
  const h = await w.start('parentOfTimedOutChild', 'wf');
  const result = await outcome(h.result());
  return { result, parent: tasksAside(await w.history(h.workflowId)), child: await w.history(`${h.workflowId}-child`) };
});

f.scenario('child: a child that continues as new', async (w) => {
  const h = await w.start('parentOfContinuingChild', 'wf');
  const result = await outcome(h.result());
  const child = w.client.workflow.getHandle(`${h.workflowId}-child`);
  return { result, parent: tasksAside(await w.history(h.workflowId)), lastChildRun: splitBackoff(await w.history(child.workflowId)).history };
}, 30_000);

f.scenario('child: cancel a started child', async (w) => {
  const h = await w.start('parentCancelsChild', 'wf');
  await w.waitForHistory(h.workflowId, (t) => t.includes('ChildWorkflowExecutionStarted'), 'the child to start');
  await w.idle(`${h.workflowId}-child`);
  await w.idle(h.workflowId);
  await h.signal('finish');
  const result = await outcome(h.result());
  return { result, parent: tasksAside(await w.history(h.workflowId)), child: await w.history(`${h.workflowId}-child`) };
});

f.scenario('child: a second child with the same id fails to start', async (w) => {
  const h = await w.start('parentOfDuplicateChild', 'wf');
  const result = await outcome(h.result());
  return { result, parent: await w.history(h.workflowId) };
});

for (const policy of ['TERMINATE', 'REQUEST_CANCEL', 'ABANDON'] as const) {
  f.scenario(`child: parent close policy ${policy}`, async (w) => {
    const h = await w.start('parentLeavesChild', 'wf', [policy]);
    const child = w.client.workflow.getHandle(`${h.workflowId}-child`);
    await w.waitForHistory(h.workflowId, (t) => t.includes('ChildWorkflowExecutionStarted'), 'the child to start');
    await w.idle(child.workflowId);
    await w.idle(h.workflowId);
    await h.signal('finish');
    const result = await outcome(h.result());
    if (policy !== 'ABANDON') {
      const closing = policy === 'TERMINATE' ? 'WorkflowExecutionTerminated' : 'WorkflowExecutionCanceled';
      await w.waitForHistory(child.workflowId, (t) => t.includes(closing), 'the parent close policy');
    }
    const status = (await child.describe()).status.name;
    if (status === 'RUNNING') await child.terminate('cleanup');
    return { result, status, child: await w.history(child.workflowId) };
  });
}

// ---- external workflows --------------------------------------------------------------------------

f.scenario('external: signal an existing workflow', async (w) => {
  const target = await w.start('waitsForFinish', 'target');
  await w.idle(target.workflowId);
  const h = await w.start('signalsExternal', 'wf', [target.workflowId]);
  return {
    result: await outcome(h.result()),
    targetResult: await outcome(target.result()),
    history: await w.history(h.workflowId),
    target: await w.history(target.workflowId),
  };
});

f.scenario('external: signal a workflow that does not exist', async (w) => {
  const h = await w.start('signalsExternal', 'wf', [w.id('missing')]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

f.scenario('external: request cancellation of an existing workflow', async (w) => {
  const target = await w.start('waitsForFinish', 'target');
  await w.idle(target.workflowId);
  const h = await w.start('cancelsExternal', 'wf', [target.workflowId]);
  return {
    result: await outcome(h.result()),
    targetResult: await outcome(target.result()),
    history: await w.history(h.workflowId),
    target: await w.history(target.workflowId),
  };
});

f.scenario('external: request cancellation of a workflow that does not exist', async (w) => {
  const h = await w.start('cancelsExternal', 'wf', [w.id('missing')]);
  return { result: await outcome(h.result()), history: await w.history(h.workflowId) };
});

// ---- search attributes and memo ------------------------------------------------------------------

f.scenario('upsert search attributes: set, then remove one', async (w) => {
  const h = await w.start('upsertsSearchAttributes', 'wf', [], { typedSearchAttributes: [{ key: { name: 'ConfBool', type: 'BOOL' }, value: true }] as never });
  await w.waitForHistory(h.workflowId, (t) => t.filter((x) => x === 'UpsertWorkflowSearchAttributes').length === 2, 'both upserts');
  await w.idle(h.workflowId);
  const d = await h.describe();
  await h.signal('finish');
  await h.result();
  return { searchAttributes: d.searchAttributes, typed: (JSON.parse(JSON.stringify(d.typedSearchAttributes)) as Array<{ key: { name: string } }>).sort((a, b) => a.key.name.localeCompare(b.key.name)), history: await w.history(h.workflowId) };
});

f.scenario('modify properties: upsert and remove memo fields', async (w) => {
  const h = await w.start('upsertsMemo', 'wf', [], { memo: { owner: 'client', kept: true } });
  await w.waitForHistory(h.workflowId, (t) => t.filter((x) => x === 'WorkflowPropertiesModified').length === 2, 'both memo upserts');
  await w.idle(h.workflowId);
  const d = await h.describe();
  await h.signal('finish');
  await h.result();
  return { memo: d.memo, history: await w.history(h.workflowId) };
});
