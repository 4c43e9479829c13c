import { describe, expect, it } from 'vitest';
import type { CoreConnection } from '../../lib/core/types';
import { compileWorkerOptions } from '../../lib/worker/options';
import { ConsoleLogger, LevelLogger, type LogLevel } from '../../lib/worker/logger';

class MemoryLogger extends LevelLogger {
  readonly lines: { level: LogLevel; message: string }[] = [];
  log(level: LogLevel, message: string): void {
    this.lines.push({ level, message });
  }
}

// Option compilation never calls the connection; only its shape is checked.
const coreConnection = { createWorker: () => undefined } as unknown as CoreConnection;
const connection = { core: coreConnection, identity: 'tester@host' };
const activities = { greet: async (name: string) => `hello ${name}` };

function compile(extra: Record<string, unknown>) {
  return compileWorkerOptions({ connection, taskQueue: 'q', activities, ...extra });
}

describe('Worker option validation', () => {
  it('accepts a client Connection and uses its core connection and identity', () => {
    const compiled = compile({});
    expect(compiled.coreConnection).toBe(coreConnection);
    expect(compiled.identity).toBe('tester@host');
    expect(compiled.core.identityOverride).toBe('tester@host');
  });

  it('accepts a bare core connection', () => {
    expect(compileWorkerOptions({ connection: coreConnection, taskQueue: 'q', activities }).coreConnection).toBe(coreConnection);
  });

  it('refuses a missing connection, naming the field', () => {
    expect(() => compileWorkerOptions({ taskQueue: 'q', activities })).toThrow(/^connection must be/);
  });

  it('refuses an empty task queue, naming the field', () => {
    expect(() => compile({ taskQueue: '' })).toThrow(TypeError);
    expect(() => compile({ taskQueue: '' })).toThrow(/^taskQueue must be a non-empty string/);
  });

  it('registers only the functions of the activities object and warns about the rest, naming them', () => {
    const logger = new MemoryLogger();
    const compiled = compile({ activities: { ok: async () => 1, VERSION: 42 }, logger });
    expect([...compiled.activities.keys()]).toEqual(['ok']);
    expect(logger.lines).toEqual([{ level: 'WARN', message: 'activities: not registering VERSION (not functions)' }]);
  });

  it('refuses activities that is not an object', () => {
    expect(() => compile({ activities: 'greet' })).toThrow(/^activities must be an object/);
  });

  it('refuses a worker with neither activities nor workflows', () => {
    expect(() => compile({ activities: {} })).toThrow(/^activities must register at least one function/);
  });

  it.each([
    ['maxConcurrentActivityTaskExecutions', 0],
    ['maxConcurrentActivityTaskExecutions', 1.5],
    ['maxConcurrentActivityTaskPolls', -1],
    ['maxActivitiesPerSecond', 0],
    ['maxTaskQueueActivitiesPerSecond', Number.NaN],
    ['shutdownGraceTime', 'soon'],
    ['shutdownGraceTime', -5],
    ['identity', ''],
    ['handleSignals', 'yes'],
    ['logger', { info: () => undefined }],
    ['interceptors', { activity: [42] }],
    ['dataConverter', 'json'],
  ])('refuses %s = %j with a TypeError naming it', (field, value) => {
    let caught: unknown;
    try {
      compile({ [field]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as Error).message).toContain(field);
  });

  it('refuses options it does not know, naming them', () => {
    expect(() => compile({ maxConcurrentActivityExecutions: 5 })).toThrow(/^maxConcurrentActivityExecutions is not a Worker option/);
  });

  it('refuses workflowsPath together with workflowBundle', () => {
    expect(() => compile({ workflowsPath: '/w.js', workflowBundle: { code: '' } })).toThrow(/exclusive/);
  });

  it('translates activity settings into the core worker options', () => {
    const compiled = compile({
      namespace: 'ns',
      maxConcurrentActivityTaskExecutions: 200,
      maxActivitiesPerSecond: 50,
      maxTaskQueueActivitiesPerSecond: 500,
      shutdownGraceTime: '2s',
      buildId: 'b1',
    });
    expect(compiled.core).toMatchObject({
      namespace: 'ns',
      taskQueue: 'q',
      buildId: 'b1',
      taskTypes: { workflows: false, activities: true, localActivities: false, nexus: false },
      slots: { activity: 200 },
      maxCachedWorkflows: 0,
      gracefulShutdownPeriodMs: 2000,
      maxActivitiesPerSecond: 50,
      maxTaskQueueActivitiesPerSecond: 500,
      activityTaskPollerBehavior: { simpleMaximum: 10 },
    });
    expect(compiled.shutdownGraceTimeMs).toBe(2000);
  });

  it('defaults like the official worker: namespace default, 100 activity slots, no grace time, signals handled', () => {
    const compiled = compile({});
    expect(compiled.namespace).toBe('default');
    expect(compiled.maxConcurrentActivityTaskExecutions).toBe(100);
    expect(compiled.core.gracefulShutdownPeriodMs).toBe(0);
    expect(compiled.handleSignals).toBe(true);
    expect(compiled.logger).toBeInstanceOf(ConsoleLogger);
    expect(compiled.workflows).toBeUndefined();
  });

  it('never polls with more pollers than activity slots', () => {
    expect(compile({ maxConcurrentActivityTaskExecutions: 3 }).core.activityTaskPollerBehavior).toEqual({ simpleMaximum: 3 });
  });

  it('registers activities from a module namespace object by name', () => {
    const compiled = compile({ activities: { a: async () => 1, b: () => 2 } });
    expect([...compiled.activities.keys()]).toEqual(['a', 'b']);
  });

  it('enables workflow and local activity polling when workflows are given', () => {
    const compiled = compile({ workflowBundle: { code: 'x' } });
    expect(compiled.core.taskTypes).toEqual({ workflows: true, activities: true, localActivities: true, nexus: false });
    expect(compiled.workflows).toMatchObject({ workflowBundle: { code: 'x' }, maxCachedWorkflows: 1000, maxConcurrentWorkflowTaskExecutions: 40 });
  });
});
