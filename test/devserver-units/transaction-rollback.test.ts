import { describe, expect, it } from 'vitest';
import { Engine, type EngineHooks } from '../../lib/devserver/engine/engine';
import { Execution } from '../../lib/devserver/engine/execution';
import type { ActivityRecord, ExecutionRecord } from '../../lib/devserver/engine/records';
import { MemoryStore } from '../../lib/devserver/persistence';
import { EventType } from '../../lib/devserver/proto';

// The engine's own hooks: no task is ever dispatched here and no deadline is armed.
const hooks: EngineHooks = {
  dispatchWorkflowTask: () => null,
  dispatchActivityTask: () => null,
  deadlines: () => new Map(),
};

function activity(scheduledEventId: number): ActivityRecord {
  return {
    scheduledEventId,
    activityId: `act-${scheduledEventId}`,
    activityType: 'echo',
    taskQueue: 'q',
    state: 'queued',
    attempt: 1,
    scheduledTime: 1000,
    currentAttemptScheduledTime: 1000,
    startedTime: 0,
    startedIdentity: '',
    scheduleToStartMs: 0,
    startToCloseMs: 60_000,
    scheduleToCloseMs: 0,
    heartbeatMs: 0,
    scheduleToStartDeadline: 0,
    startToCloseDeadline: 0,
    scheduleToCloseDeadline: 0,
    heartbeatDeadline: 0,
    backoffUntil: 0,
    lastHeartbeatTime: 0,
    retryPolicy: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 100_000, maximumAttempts: 0, nonRetryableErrorTypes: ['Fatal'] },
    cancelRequested: false,
    cancelRequestedEventId: 0,
  };
}

/** A running run with something in every nested part of its record. */
function populatedRecord(): ExecutionRecord {
  return {
    namespace: 'default',
    workflowId: 'wf',
    runId: 'run-1',
    firstRunId: 'run-1',
    workflowType: 'fanOut',
    taskQueue: 'q',
    status: 1,
    startTime: 1000,
    executionTime: 1000,
    closeTime: 0,
    nextEventId: 1,
    requestId: 'req',
    workflowTaskTimeoutMs: 10_000,
    runTimeoutMs: 0,
    executionTimeoutMs: 0,
    runDeadline: 0,
    executionDeadline: 0,
    firstTaskAt: 0,
    wft: { scheduledEventId: 2, startedEventId: 3, attempt: 1, queue: 'q', sticky: false, scheduledTime: 1000, startedTime: 1001, scheduleToStartDeadline: 0, startToCloseDeadline: 11_001, identity: 'worker' },
    lastCompletedWftStartedId: 0,
    stickyQueue: '',
    stickyScheduleToStartMs: 0,
    buffered: [{ event: 'AAAA' }],
    activities: { '5': activity(5), '6': activity(6) },
    timers: { t1: { timerId: 't1', startedEventId: 7, fireAt: 5000 } },
    children: { '8': { initiatedEventId: 8, startedEventId: 0, namespace: 'default', workflowId: 'child', runId: '', workflowType: 'c', parentClosePolicy: 1 } },
    updates: { u1: { updateId: 'u1', state: 'admitted', request: 'BBBB', acceptedEventId: 0, deliveredInWft: 0 } },
    cancelRequested: false,
    parent: { namespace: 'default', workflowId: 'parent', runId: 'p-1', initiatedEventId: 4 },
    root: { workflowId: 'parent', runId: 'p-1' },
    signalRequestIds: ['sig-1'],
    newRunId: '',
    closeEventId: 0,
    attempt: 1,
    cronSchedule: '',
  };
}

/** An engine holding one committed run with two events. */
function engineWithRun(store: MemoryStore | null = null): { engine: Engine; exec: Execution } {
  const engine = new Engine(hooks, store, () => {});
  const exec = new Execution(populatedRecord(), []);
  engine.transact(() => {
    engine.register(exec);
    engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {});
    engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, {});
  });
  return { engine, exec };
}

/** Changes every nested part of the run's record in place, as the state machines do. */
function mutateEverything(engine: Engine, exec: Execution): void {
  engine.touch(exec);
  const rec = exec.rec;
  const act = rec.activities['5'] as ActivityRecord;
  act.state = 'started';
  act.retryPolicy.nonRetryableErrorTypes.push('AlsoFatal');
  act.retryPolicy.maximumAttempts = 3;
  delete rec.activities['6'];
  rec.activities['9'] = activity(9);
  delete rec.timers.t1;
  (rec.children['8'] as { startedEventId: number }).startedEventId = 10;
  (rec.updates.u1 as { state: string }).state = 'accepted';
  (rec.wft as { startedEventId: number }).startedEventId = 0;
  rec.buffered.push({ event: 'CCCC' });
  (rec.buffered[0] as { event: string }).event = 'DDDD';
  (rec.parent as { initiatedEventId: number }).initiatedEventId = 99;
  (rec.root as { runId: string }).runId = 'other';
  rec.signalRequestIds.push('sig-2');
  rec.status = 2;
  engine.append(exec, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, {});
}

describe('engine transactions', () => {
  it('restore every nested part of a touched record when the transaction throws', () => {
    const { engine, exec } = engineWithRun();
    const before = structuredClone(exec.rec);
    expect(() =>
      engine.transact(() => {
        mutateEverything(engine, exec);
        throw new Error('rejected mid-mutation');
      }),
    ).toThrow('rejected mid-mutation');
    expect(exec.rec).toStrictEqual(before);
    expect(exec.events).toHaveLength(2);
  });

  it('keep the restored record apart from objects the failed transaction still holds', () => {
    const { engine, exec } = engineWithRun();
    const before = structuredClone(exec.rec);
    // Handlers often look an activity up before touching the run and keep using that object.
    const held = exec.rec.activities['5'] as ActivityRecord;
    expect(() =>
      engine.transact(() => {
        engine.touch(exec);
        held.state = 'started';
        throw new Error('rejected');
      }),
    ).toThrow('rejected');
    held.attempt = 7;
    held.retryPolicy.nonRetryableErrorTypes.push('Late');
    expect(exec.rec).toStrictEqual(before);
  });

  it('restore a run touched again inside a nested transaction to its state before the outer one', () => {
    const { engine, exec } = engineWithRun();
    const before = structuredClone(exec.rec);
    expect(() =>
      engine.transact(() => {
        engine.touch(exec);
        exec.rec.nextEventId = 50;
        engine.transact(() => mutateEverything(engine, exec));
        throw new Error('rejected after the nested one');
      }),
    ).toThrow('rejected after the nested one');
    expect(exec.rec).toStrictEqual(before);
  });

  it('write nothing to the store when the transaction throws', () => {
    const store = new MemoryStore();
    const { engine, exec } = engineWithRun(store);
    const stored = store.load();
    expect(() =>
      engine.transact(() => {
        mutateEverything(engine, exec);
        throw new Error('rejected');
      }),
    ).toThrow('rejected');
    expect(store.load()).toEqual(stored);
  });

  it('write the changed record and the new events to the store when the transaction commits', () => {
    const store = new MemoryStore();
    const { engine, exec } = engineWithRun(store);
    engine.transact(() => mutateEverything(engine, exec));
    const { records, logs } = store.load();
    expect(JSON.parse(records.get(`run/${exec.key}`) as string)).toEqual(exec.rec);
    expect(logs.get(`history/${exec.key}`)).toHaveLength(3);
  });

  it('keep a later failed transaction from undoing an earlier committed one', () => {
    const { engine, exec } = engineWithRun();
    engine.transact(() => mutateEverything(engine, exec));
    const committed = structuredClone(exec.rec);
    expect(() =>
      engine.transact(() => {
        engine.touch(exec);
        (exec.rec.activities['5'] as ActivityRecord).state = 'backoff';
        exec.rec.signalRequestIds.length = 0;
        throw new Error('rejected');
      }),
    ).toThrow('rejected');
    expect(exec.rec).toStrictEqual(committed);
    expect(exec.events).toHaveLength(3);
  });
});
