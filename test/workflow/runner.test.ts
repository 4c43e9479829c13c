import { beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode } from '../../lib/worker/workflow/bundler';
import type { WorkflowBundle } from '../../lib/worker/workflow/bundler';
import { WorkflowRunner, type WorkflowRunnerOptions } from '../../lib/worker/workflow/workflow-runner';
import type { WorkflowIsolation } from '../../lib/worker/workflow/sandbox/sandbox';
import type { LogLevel, LogMetadata } from '../../lib/worker/logger';
import { LevelLogger } from '../../lib/worker/logger';
import { ActivationBuilder, commandsOf, fromPayload, type Completion } from './helpers/activations';

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'workflows.ts'), cacheDir: false });
});

let workflowIsolation: WorkflowIsolation = 'shared-realm';

function runner(options: Partial<WorkflowRunnerOptions> = {}): WorkflowRunner {
  return new WorkflowRunner({ bundle, taskQueue: 'test', workflowIsolation, ...options });
}

function failureOf(completion: Completion): { message: string; stackTrace: string; type: string } {
  const failure = completion.failed?.failure;
  if (!failure) throw new Error(`expected a failed completion, got ${JSON.stringify(completion)}`);
  return { message: failure.message ?? '', stackTrace: failure.stackTrace ?? '', type: failure.applicationFailureInfo?.type ?? '' };
}

class MemoryLogger extends LevelLogger {
  readonly lines: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.lines.push({ level, message, meta });
  }
}

describe.each<WorkflowIsolation>(['shared-realm', 'realm-per-workflow'])('WorkflowRunner (%s)', (isolation) => {
  beforeAll(() => {
    workflowIsolation = isolation;
  });

  it('turns proxyActivities calls into a ScheduleActivity command', async () => {
    const wf = new ActivationBuilder('run-activity');
    const [command] = commandsOf(await runner().activate(wf.start('greeting', ['Ada'])));
    expect(command?.scheduleActivity?.activityType).toBe('greet');
    expect(fromPayload(command?.scheduleActivity?.arguments?.[0])).toBe('Ada');
  });

  it('completes the workflow with the activity result once the activity resolves', async () => {
    const r = runner();
    const wf = new ActivationBuilder('run-activity-result');
    const [schedule] = commandsOf(await r.activate(wf.start('greeting', ['Ada'])));
    const [complete] = commandsOf(await r.activate(wf.resolveActivity(schedule!.scheduleActivity!.seq!, 'Hello, Ada')));
    expect(fromPayload(complete?.completeWorkflowExecution?.result)).toBe('Hello, Ada');
  });

  it('turns sleep into a StartTimer command and resumes when the timer fires', async () => {
    const r = runner();
    const wf = new ActivationBuilder('run-sleep');
    const [timer] = commandsOf(await r.activate(wf.start('sleeper', [1500])));
    expect(Number(timer?.startTimer?.startToFireTimeout?.seconds)).toBe(1);
    expect(timer?.startTimer?.startToFireTimeout?.nanos).toBe(500_000_000);
    const [complete] = commandsOf(await r.activate(wf.advance(1500).fireTimer(timer!.startTimer!.seq!)));
    expect(fromPayload(complete?.completeWorkflowExecution?.result)).toBe('woke up');
  });

  it('lets a signal handler change state that a query then reads', async () => {
    const r = runner();
    const wf = new ActivationBuilder('run-signal');
    expect(commandsOf(await r.activate(wf.start('approval')))).toEqual([]);
    const [before] = commandsOf(await r.activate(wf.query('approvedBy', 'q-before')));
    expect(before?.respondToQuery?.queryId).toBe('q-before');
    expect(fromPayload(before?.respondToQuery?.succeeded?.response)).toBeUndefined();
    const [complete] = commandsOf(await r.activate(wf.signal('approve', ['grace'])));
    expect(fromPayload(complete?.completeWorkflowExecution?.result)).toBe('grace');
    const [after] = commandsOf(await r.activate(wf.query('approvedBy', 'q-after')));
    expect(fromPayload(after?.respondToQuery?.succeeded?.response)).toBe('grace');
  });

  it('makes Date.now() and new Date() return the activation timestamp', async () => {
    const wf = new ActivationBuilder('run-clock', 'wf-clock', Date.UTC(2031, 5, 6, 7, 8, 9));
    const [complete] = commandsOf(await runner().activate(wf.start('clock')));
    const result = fromPayload(complete?.completeWorkflowExecution?.result) as { now: number; date: number };
    expect(result.now).toBe(Date.UTC(2031, 5, 6, 7, 8, 9));
    expect(result.date).toBe(Date.UTC(2031, 5, 6, 7, 8, 9));
  });

  it('draws the same Math.random sequence from the same seed, and another from another seed', async () => {
    const randomFor = async (runId: string, seed: number) => {
      const [complete] = commandsOf(await runner().activate(new ActivationBuilder(runId).start('clock', [], seed)));
      return (fromPayload(complete?.completeWorkflowExecution?.result) as { random: number[] }).random;
    };
    const first = await randomFor('run-random-1', 7);
    expect(await randomFor('run-random-2', 7)).toEqual(first);
    expect(await randomFor('run-random-3', 8)).not.toEqual(first);
  });

  it('refuses WeakRef with a DeterminismViolationError that fails the workflow task', async () => {
    const failure = failureOf(await runner().activate(new ActivationBuilder('run-weakref').start('weakRef')));
    expect(failure.message).toContain('WeakRef cannot be used in Workflows');
    expect(failure.stackTrace).toMatch(/^DeterminismViolationError: /);
  });

  it('fails the activation of a runaway loop without freezing the worker', async () => {
    const r = runner({ isolateExecutionTimeoutMs: 100 });
    const failure = failureOf(await r.activate(new ActivationBuilder('run-spin').start('spin')));
    expect(failure.message).toMatch(/did not return within 100 ms/);
    const [schedule] = commandsOf(await r.activate(new ActivationBuilder('run-after-spin').start('greeting', ['still alive'])));
    expect(schedule?.scheduleActivity?.activityType).toBe('greet');
  });

  it('fails the workflow task when workflow code throws a plain Error, with a stack in the source file', async () => {
    const failure = failureOf(await runner().activate(new ActivationBuilder('run-fails').start('fails')));
    expect(failure.message).toBe('boom from workflow code');
    expect(failure.stackTrace).toContain(`at fails (${join(__dirname, 'fixtures', 'workflows.ts')}:`);
  });

  it('fails the workflow execution when workflow code throws an ApplicationFailure', async () => {
    const [failed] = commandsOf(await runner().activate(new ActivationBuilder('run-app-failure').start('failsWorkflow')));
    expect(failed?.failWorkflowExecution?.failure?.message).toBe('order rejected');
    expect(failed?.failWorkflowExecution?.failure?.applicationFailureInfo?.type).toBe('OrderRejected');
  });

  it('fails the workflow execution for error types listed in workflowFailureErrorTypes', async () => {
    const r = runner({ workflowFailureErrorTypes: { throwsOrderInvalid: ['OrderInvalid'] } });
    const [failed] = commandsOf(await r.activate(new ActivationBuilder('run-failure-types').start('throwsOrderInvalid')));
    expect(failed?.failWorkflowExecution?.failure?.message).toBe('order 42 is invalid');
  });

  it('fails the workflow task on a promise rejection that workflow code left unhandled', async () => {
    const failure = failureOf(await runner().activate(new ActivationBuilder('run-floating').start('floatingRejection')));
    expect(failure.message).toContain('nobody handles this');
  });

  it('fails the task with a clear message for a workflow type the bundle does not export', async () => {
    const r = runner();
    const failure = failureOf(await r.activate(new ActivationBuilder('run-unknown').start('noSuchWorkflow')));
    expect(failure.message).toContain("Failed to initialize workflow of type 'noSuchWorkflow'");
    expect(r.isCached('run-unknown')).toBe(false);
  });

  it('disposes the run on removeFromCache and answers with an empty successful completion', async () => {
    const r = runner();
    const wf = new ActivationBuilder('run-evicted');
    await r.activate(wf.start('sleeper', [1000]));
    expect(r.isCached('run-evicted')).toBe(true);
    expect(await r.activate(wf.evict())).toEqual({ runId: 'run-evicted', successful: {} });
    expect(r.isCached('run-evicted')).toBe(false);
    expect(failureOf(await r.activate(wf.fireTimer(1))).message).toContain('is not cached');
  });

  it('sends workflow log calls to the worker logger, and not while replaying', async () => {
    const logger = new MemoryLogger();
    const r = runner({ logger });
    await r.activate(new ActivationBuilder('run-logs').start('logs'));
    const replay = new ActivationBuilder('run-logs-replay');
    await r.activate(replay.activation(replay.start('logs').jobs, { isReplaying: true }));
    const lines = logger.lines.filter((l) => l.message === 'hello from the workflow');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.meta).toMatchObject({ answer: 42, workflowId: 'wf-run-logs', workflowType: 'logs' });
  });

  it('keeps the setTimeout/clearTimeout bookkeeping of cached executions apart', async () => {
    const r = runner();
    const a = new ActivationBuilder('timeout-a');
    const b = new ActivationBuilder('timeout-b');
    const [timerA] = commandsOf(await r.activate(a.start('usesSetTimeout')));
    const [timerB] = commandsOf(await r.activate(b.start('usesSetTimeout')));
    expect(timerA?.startTimer?.seq).toBe(timerB?.startTimer?.seq);
    const cancelA = commandsOf(await r.activate(a.signal('cancelTimeout', [])));
    expect(cancelA.find((c) => c.cancelTimer)?.cancelTimer?.seq).toBe(timerA?.startTimer?.seq);
    const [completeB] = commandsOf(await r.activate(b.fireTimer(timerB!.startTimer!.seq!)));
    expect(fromPayload(completeB?.completeWorkflowExecution?.result)).toBe('fired');
  });

  it('prints workflow console output with the workflow named, and stays silent while replaying', async () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const r = runner();
      await r.activate(new ActivationBuilder('run-console').start('printsToConsole'));
      const replay = new ActivationBuilder('run-console-replay');
      await r.activate(replay.activation(replay.start('printsToConsole').jobs, { isReplaying: true }));
      const lines = printed.mock.calls.filter((args) => args.includes('printed by the workflow'));
      expect(lines).toEqual([['[printsToConsole(wf-run-console)]', 'printed by the workflow']]);
    } finally {
      printed.mockRestore();
    }
  });

  it('runs activations of one run in arrival order even when submitted concurrently', async () => {
    const r = runner();
    const wf = new ActivationBuilder('run-ordered');
    const [start, resolve] = await Promise.all([r.activate(wf.start('greeting', ['x'])), r.activate(wf.resolveActivity(1, 'done'))]);
    expect(commandsOf(start)[0]?.scheduleActivity).toBeTruthy();
    expect(fromPayload(commandsOf(resolve)[0]?.completeWorkflowExecution?.result)).toBe('done');
  });
});
