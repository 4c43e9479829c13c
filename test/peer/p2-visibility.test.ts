/**
 * Spec §7 phase 2 scenario 10 with the official SDK against our dev server: typed search
 * attributes at start and by upsert, list with the visibility query language, count grouped by
 * ExecutionStatus, start delay, and OperatorService search-attribute registration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError, type WorkflowHandle } from '@temporalio/client';
import { status } from '@grpc/grpc-js';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { durationMs, eventTypes, eventually, onlyEvent, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { customBool, customDatetime, customDouble, customInt, customKeyword, unregisteredKeyword } from './p2-support/search-attribute-keys';
import { alwaysFails, countdown, patchedWorkflow, quick, sleeper, unblockSignal, upsertsMemo, upsertsUnregisteredAttribute, upsertsSearchAttributes, upsertsThenRemoves, waitsForSignal } from './p2-support/workflows';

const { IndexedValueType } = temporal.api.enums.v1;

let env: P2Env;

beforeAll(async () => {
  env = await startP2Env();
});

afterAll(async () => {
  await env?.stop();
});

async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of env.client.workflow.list({ query })) ids.push(info.workflowId);
  return ids.sort();
}

/** Signals `unblock` and waits for the run to finish, so it no longer counts as Running. */
async function finish(handle: WorkflowHandle): Promise<void> {
  await handle.signal(unblockSignal);
  await handle.result();
}

describe('phase 2 · search attributes', { timeout: 30_000 }, () => {
  it('stores typed search attributes given at start and returns them from describe', async () => {
    const handle = await env.client.workflow.start(waitsForSignal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('typed-at-start'),
      typedSearchAttributes: [
        { key: customKeyword, value: 'gold' },
        { key: customInt, value: 7 },
      ],
    });
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(customKeyword)).toBe('gold');
    expect(description.typedSearchAttributes.get(customInt)).toBe(7);
    await finish(handle);
  });

  it('applies search attributes upserted by the workflow, visible to describe and list', async () => {
    const keyword = uniqueId('silver');
    const handle = await env.client.workflow.start(upsertsSearchAttributes, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('upsert'),
      args: [keyword, 42],
    });
    await eventually(
      async () => ((await handle.describe()).typedSearchAttributes.get(customKeyword) === keyword ? true : undefined),
      'the upserted keyword to show in describe',
    );
    expect((await handle.describe()).typedSearchAttributes.get(customInt)).toBe(42);
    expect(await listIds(`CustomKeywordField = '${keyword}' AND CustomIntField >= 40`)).toEqual([handle.workflowId]);
    onlyEvent(await handle.fetchHistory(), 'UpsertWorkflowSearchAttributes');
    await finish(handle);
  });
});

describe('phase 2 · search attribute types and validation', { timeout: 30_000 }, () => {
  it('round-trips double, bool and datetime attributes and filters on them', async () => {
    const when = new Date('2030-01-02T03:04:05.678Z');
    const handle = await env.client.workflow.start(quick, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('typed-values'),
      typedSearchAttributes: [
        { key: customDouble, value: 2.5 },
        { key: customBool, value: true },
        { key: customDatetime, value: when },
      ],
    });
    await handle.result();
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(customDouble)).toBe(2.5);
    expect(attrs.get(customBool)).toBe(true);
    expect(attrs.get(customDatetime)?.toISOString()).toBe(when.toISOString());
    const query = `WorkflowId = '${handle.workflowId}' AND CustomDoubleField > 2 AND CustomBoolField = true AND CustomDatetimeField >= '2030-01-01T00:00:00Z'`;
    expect(await listIds(query)).toEqual([handle.workflowId]);
    expect(await listIds(`WorkflowId = '${handle.workflowId}' AND CustomDatetimeField < '2030-01-01T00:00:00Z'`)).toEqual([]);
  });

  it('refuses to start a workflow with an unregistered search attribute', async () => {
    const err = await env.client.workflow
      .start(quick, { taskQueue: env.taskQueue, workflowId: uniqueId('unregistered-at-start'), typedSearchAttributes: [{ key: unregisteredKeyword, value: 'x' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ServiceError);
    expect(((err as ServiceError).cause as { code?: number } | undefined)?.code).toBe(status.INVALID_ARGUMENT);
  });

  it('fails the workflow task that upserts an unregistered search attribute', async () => {
    const handle = await env.client.workflow.start(upsertsUnregisteredAttribute, { taskQueue: env.taskQueue, workflowId: uniqueId('unregistered-upsert') });
    try {
      const failed = await eventually(async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        return events.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes ?? undefined;
      }, 'the workflow task to fail');
      expect(failed.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES);
      expect(eventTypes(await handle.fetchHistory())).not.toContain('UpsertWorkflowSearchAttributes');
    } finally {
      await handle.terminate('end of the unregistered-upsert test');
    }
  });
});

describe('phase 2 · memo and attribute removal', { timeout: 30_000 }, () => {
  it('returns the memo given at start from describe', async () => {
    const handle = await env.client.workflow.start(quick, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('memo'),
      memo: { owner: 'qa', tags: ['p2'] },
    });
    await handle.result();
    expect((await handle.describe()).memo).toEqual({ owner: 'qa', tags: ['p2'] });
  });

  it('merges a memo upserted by the workflow into the memo given at start', async () => {
    const handle = await env.client.workflow.start(upsertsMemo, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('memo-upsert'),
      memo: { owner: 'client', kept: true },
    });
    await eventually(async () => ((await handle.describe()).memo?.owner === 'workflow' ? true : undefined), 'the memo upsert');
    expect((await handle.describe()).memo).toEqual({ owner: 'workflow', kept: true, added: 1 });
    await finish(handle);
  });

  it('removes a search attribute upserted with an empty value', async () => {
    const handle = await env.client.workflow.start(upsertsThenRemoves, { taskQueue: env.taskQueue, workflowId: uniqueId('upsert-remove'), args: [5] });
    await eventually(async () => ((await handle.fetchHistory()).events?.some((e) => e.upsertWorkflowSearchAttributesEventAttributes) ? true : undefined), 'the first upsert');
    await eventually(
      async () => {
        const upserts = (await handle.fetchHistory()).events?.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes) ?? [];
        return upserts.length === 2 ? true : undefined;
      },
      'the second upsert',
    );
    expect((await handle.describe()).typedSearchAttributes.get(customInt)).toBeUndefined();
    expect(await listIds(`WorkflowId = '${handle.workflowId}' AND CustomIntField IS NULL`)).toEqual([handle.workflowId]);
    await finish(handle);
  });
});

describe('phase 2 · list and count', { timeout: 30_000 }, () => {
  it('answers list queries with IN, BETWEEN, STARTS_WITH, IS NULL, OR and ORDER BY', async () => {
    const p = uniqueId('q');
    const specs: Array<[string, number | undefined]> = [
      [`${p}-a`, 1],
      [`${p}-b`, 5],
      [`${p}-c`, 10],
      [`${p}-d`, undefined],
    ];
    const handles: WorkflowHandle[] = [];
    for (const [keyword, n] of specs) {
      handles.push(
        await env.client.workflow.start(waitsForSignal, {
          taskQueue: env.taskQueue,
          workflowId: keyword,
          typedSearchAttributes: n === undefined ? [{ key: customKeyword, value: keyword }] : [{ key: customKeyword, value: keyword }, { key: customInt, value: n }],
        }),
      );
    }
    await finish(handles[2]);
    const mine = `CustomKeywordField STARTS_WITH '${p}'`;

    expect(await listIds(`CustomKeywordField IN ('${p}-a', '${p}-c')`)).toEqual([`${p}-a`, `${p}-c`]);
    expect(await listIds(`${mine} AND CustomIntField BETWEEN 2 AND 10`)).toEqual([`${p}-b`, `${p}-c`]);
    expect(await listIds(`${mine} AND CustomIntField IS NULL`)).toEqual([`${p}-d`]);
    expect(await listIds(`${mine} AND (CustomIntField < 2 OR ExecutionStatus = 'Completed')`)).toEqual([`${p}-a`, `${p}-c`]);
    const ordered: string[] = [];
    for await (const info of env.client.workflow.list({ query: `${mine} ORDER BY CustomIntField DESC` })) ordered.push(info.workflowId);
    expect(ordered.slice(0, 3)).toEqual([`${p}-c`, `${p}-b`, `${p}-a`]);
    expect(ordered).toHaveLength(4);
    await Promise.all([handles[0], handles[1], handles[3]].map(finish));
  });

  it('lists every run of a continue-as-new chain with its own status', async () => {
    const handle = await env.client.workflow.start(countdown, { taskQueue: env.taskQueue, workflowId: uniqueId('listed-chain'), args: [2] });
    await handle.result();
    const statuses: string[] = [];
    for await (const info of env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) statuses.push(info.status.name);
    expect(statuses.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
    expect(await listIds(`WorkflowId = '${handle.workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`)).toEqual([handle.workflowId, handle.workflowId]);
  });

  it('names every close status in count groups', async () => {
    const tag = uniqueId('statuses');
    const tagged = { taskQueue: env.taskQueue, typedSearchAttributes: [{ key: customKeyword, value: tag }] };
    await env.client.workflow.execute(quick, { ...tagged, workflowId: uniqueId('st-completed') });
    await env.client.workflow.execute(alwaysFails, { ...tagged, workflowId: uniqueId('st-failed') }).catch(() => undefined);
    const terminated = await env.client.workflow.start(waitsForSignal, { ...tagged, workflowId: uniqueId('st-terminated') });
    await terminated.terminate('for the count');
    const cancelled = await env.client.workflow.start(waitsForSignal, { ...tagged, workflowId: uniqueId('st-cancelled') });
    await cancelled.cancel();
    await cancelled.result().catch(() => undefined);
    await env.client.workflow.execute(sleeper, { ...tagged, workflowId: uniqueId('st-timed-out'), args: [60_000], workflowRunTimeout: '200ms' }).catch(() => undefined);
    const running = await env.client.workflow.start(waitsForSignal, { ...tagged, workflowId: uniqueId('st-running') });

    const grouped = await env.client.workflow.count(`CustomKeywordField = '${tag}' GROUP BY ExecutionStatus`);
    const names = grouped.groups.map((g) => `${String(g.groupValues[0])}=${g.count}`).sort();
    expect(names).toEqual(['Canceled=1', 'Completed=1', 'Failed=1', 'Running=1', 'Terminated=1', 'TimedOut=1']);
    await finish(running);
  });

  it('pages through a list in pages of two', async () => {
    const tag = uniqueId('paged');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const handle = await env.client.workflow.start(quick, {
        taskQueue: env.taskQueue,
        workflowId: `${tag}-${i}`,
        typedSearchAttributes: [{ key: customKeyword, value: tag }],
      });
      await handle.result();
      ids.push(handle.workflowId);
    }
    const seen: string[] = [];
    for await (const info of env.client.workflow.list({ query: `CustomKeywordField = '${tag}'`, pageSize: 2 })) seen.push(info.workflowId);
    expect(seen.sort()).toEqual(ids.sort());
  });

  it('accepts double quotes, backticks, lowercase keywords and the negated operators', async () => {
    const p = uniqueId('neg');
    for (const [suffix, n] of [['a', 1], ['b', 5], ['c', 10]] as const) {
      await env.client.workflow.execute(quick, {
        taskQueue: env.taskQueue,
        workflowId: `${p}-${suffix}`,
        typedSearchAttributes: [{ key: customKeyword, value: `${p}-${suffix}` }, { key: customInt, value: n }],
      });
    }
    const mine = `CustomKeywordField STARTS_WITH "${p}"`;
    expect(await listIds(`${mine} and \`CustomIntField\` != 5`)).toEqual([`${p}-a`, `${p}-c`]);
    expect(await listIds(`${mine} AND CustomKeywordField NOT IN ('${p}-a')`)).toEqual([`${p}-b`, `${p}-c`]);
    expect(await listIds(`${mine} AND CustomIntField NOT BETWEEN 2 AND 9`)).toEqual([`${p}-a`, `${p}-c`]);
    expect(await listIds(`${mine} AND CustomKeywordField NOT STARTS_WITH '${p}-b'`)).toEqual([`${p}-a`, `${p}-c`]);
  });

  it('refuses a malformed list query with INVALID_ARGUMENT', async () => {
    const err = await listIds("WorkflowType = 'unterminated").then(
      () => undefined,
      (e: unknown) => e,
    );
    // The official client wraps the gRPC error in a ServiceError whose cause carries code and details.
    expect(err).toBeInstanceOf(ServiceError);
    const grpcError = (err as ServiceError).cause as { code?: number; details?: string } | undefined;
    expect(grpcError?.code).toBe(status.INVALID_ARGUMENT);
    expect(grpcError?.details).toBeTruthy();
  });

  it("lists running workflows of a type with \"WorkflowType='X' AND ExecutionStatus='Running'\"", async () => {
    const a = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('list-a') });
    const b = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('list-b') });
    const done = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('list-done') });
    await finish(done);
    await env.client.workflow.execute(quick, { taskQueue: env.taskQueue, workflowId: uniqueId('list-other-type') });

    expect(await listIds("WorkflowType='waitsForSignal' AND ExecutionStatus='Running'")).toEqual([a.workflowId, b.workflowId].sort());
    await finish(a);
    await finish(b);
  });

  it('counts workflows grouped by ExecutionStatus', async () => {
    const tag = uniqueId('count');
    const tagged = { typedSearchAttributes: [{ key: customKeyword, value: tag }] };
    const running = await Promise.all(
      ['count-r1', 'count-r2'].map((p) =>
        env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId(p), ...tagged }),
      ),
    );
    await env.client.workflow.execute(quick, { taskQueue: env.taskQueue, workflowId: uniqueId('count-c'), ...tagged });

    expect((await env.client.workflow.count(`CustomKeywordField = '${tag}'`)).count).toBe(3);
    const grouped = await env.client.workflow.count(`CustomKeywordField = '${tag}' GROUP BY ExecutionStatus`);
    expect(grouped.count).toBe(3);
    const groups = grouped.groups.map((g) => [String(g.groupValues[0]), g.count]).sort();
    expect(groups).toEqual([
      ['Completed', 1],
      ['Running', 2],
    ]);
    await Promise.all(running.map(finish));
  });
});

describe('phase 2 · system search attributes', { timeout: 30_000 }, () => {
  it('lists a patched workflow by the TemporalChangeVersion the core upserted', async () => {
    const handle = await env.client.workflow.start(patchedWorkflow, { taskQueue: env.taskQueue, workflowId: uniqueId('change-version') });
    await handle.result();
    const ids = await listIds(`TemporalChangeVersion = 'p2-change' AND WorkflowId = '${handle.workflowId}'`);
    expect(ids).toEqual([handle.workflowId]);
  });

  it('filters by StartTime and CloseTime, and counts without a query', async () => {
    const before = new Date().toISOString();
    const handle = await env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId: uniqueId('times') });
    await handle.result();
    const ids = await listIds(`StartTime >= '${before}' AND CloseTime IS NOT NULL AND WorkflowId = '${handle.workflowId}'`);
    expect(ids).toEqual([handle.workflowId]);
    expect(await listIds(`StartTime < '${before}' AND WorkflowId = '${handle.workflowId}'`)).toEqual([]);
    const all = await env.client.workflow.count();
    let listed = 0;
    for await (const _ of env.client.workflow.list()) listed += 1;
    expect(all.count).toBe(listed);
  });
});

describe('phase 2 · start delay', { timeout: 30_000 }, () => {
  it('holds the first workflow task back for the start delay', async () => {
    const handle = await env.client.workflow.start(quick, { taskQueue: env.taskQueue, workflowId: uniqueId('start-delay'), startDelay: '1s' });
    const before = await handle.fetchHistory();
    expect(eventTypes(before)).toEqual(['WorkflowExecutionStarted']);
    const started = onlyEvent(before, 'WorkflowExecutionStarted');
    expect(durationMs(started.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff)).toBe(1_000);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    // The execution time is when the first task may run: the start time plus the delay.
    expect(description.executionTime!.getTime() - description.startTime.getTime()).toBeCloseTo(1_000, -1);

    expect(await handle.result()).toBe('quick');
    const after = await handle.fetchHistory();
    const scheduled = after.events?.[1];
    expect(scheduled && eventTypes({ events: [scheduled] })).toEqual(['WorkflowTaskScheduled']);
    expect(durationMs(scheduled?.eventTime) - durationMs(started.eventTime)).toBeGreaterThanOrEqual(1_000 - 10);
  });
});

describe('phase 2 · start delay and signals', { timeout: 30_000 }, () => {
  // The real server: a plain signal is recorded but waits for the delay; SignalWithStart on a
  // workflow still in its delay makes the first task available at once (request_response.proto).
  it('keeps a plain signal sent during the start delay until the delay is over', async () => {
    const handle = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId: uniqueId('delay-signal'), startDelay: '1s' });
    await handle.signal(unblockSignal);
    expect(eventTypes(await handle.fetchHistory())).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionSignaled']);
    expect(await handle.result()).toBe('unblocked');
    const events = (await handle.fetchHistory()).events ?? [];
    expect(durationMs(events[2].eventTime) - durationMs(events[0].eventTime)).toBeGreaterThanOrEqual(1_000 - 10);
  });

  it('honours the start delay of a workflow started by signalWithStart, delivering the signal with the first task', async () => {
    const workflowId = uniqueId('signal-with-start-delay');
    const handle = await env.client.workflow.signalWithStart(waitsForSignal, { taskQueue: env.taskQueue, workflowId, signal: unblockSignal, startDelay: '1s' });
    expect(eventTypes(await handle.fetchHistory())).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionSignaled']);
    expect(await handle.result()).toBe('unblocked');
  });

  it('refuses a start delay combined with a cron schedule', async () => {
    const err = await env.client.workflow
      .start(quick, { taskQueue: env.taskQueue, workflowId: uniqueId('delay-and-cron'), startDelay: '1s', cronSchedule: '@every 1s' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ServiceError);
    expect(((err as ServiceError).cause as { code?: number } | undefined)?.code).toBe(status.INVALID_ARGUMENT);
  });

  it('dispatches the first workflow task at once when signalWithStart reaches a workflow in its start delay', async () => {
    const workflowId = uniqueId('delay-signal-with-start');
    const handle = await env.client.workflow.start(waitsForSignal, { taskQueue: env.taskQueue, workflowId, startDelay: '1 hour' });
    const again = await env.client.workflow.signalWithStart(waitsForSignal, { taskQueue: env.taskQueue, workflowId, signal: unblockSignal });
    expect(again.signaledRunId).toBe(handle.firstExecutionRunId);
    expect(await handle.result()).toBe('unblocked');
    // Without the skip the result would come only after the hour: fail at 10 s instead.
  }, 10_000);
});

describe('phase 2 · OperatorService search attributes', { timeout: 30_000 }, () => {
  it('adds a custom search attribute that is then listed and usable at start and in list queries', async () => {
    const name = `P2Keyword${Date.now()}`;
    const operator = env.client.connection.operatorService;
    await operator.addSearchAttributes({ namespace: env.server.namespace, searchAttributes: { [name]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } });
    const listed = await operator.listSearchAttributes({ namespace: env.server.namespace });
    expect(listed.customAttributes?.[name]).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    expect(listed.systemAttributes?.WorkflowType).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

    const key = defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
    const handle = await env.client.workflow.start(waitsForSignal, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('operator-sa'),
      typedSearchAttributes: [{ key, value: 'registered' }],
    });
    expect((await handle.describe()).typedSearchAttributes.get(key)).toBe('registered');
    expect(await listIds(`${name} = 'registered'`)).toEqual([handle.workflowId]);
    await finish(handle);
  });

  it('removes a custom search attribute, which then no longer lists', async () => {
    const name = `P2Removable${Date.now()}`;
    const operator = env.client.connection.operatorService;
    await operator.addSearchAttributes({ namespace: env.server.namespace, searchAttributes: { [name]: IndexedValueType.INDEXED_VALUE_TYPE_INT } });
    await operator.removeSearchAttributes({ namespace: env.server.namespace, searchAttributes: [name] });
    const listed = await operator.listSearchAttributes({ namespace: env.server.namespace });
    expect(listed.customAttributes?.[name]).toBeUndefined();
  });

  it('refuses to add a search attribute under a system name', async () => {
    const operator = env.client.connection.operatorService;
    const err = await operator
      .addSearchAttributes({ namespace: env.server.namespace, searchAttributes: { WorkflowId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as { code?: number } | undefined)?.code).toBe(status.INVALID_ARGUMENT);
  });
});
