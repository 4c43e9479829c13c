/**
 * The `Worker.create` options of `@temporalio/worker` beyond the basics, as option compilation sees
 * them: what each turns into for the core, and how a wrong or unsupported one is refused. No
 * server: these are the cheap half of `test/e2e/worker/worker-api.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { IllegalStateError } from '@temporalio/common';
import { InvalidOptionError, UnknownOptionError, UnsupportedOptionError } from '../../lib/common/options-validation';
import type { CoreConnection } from '../../lib/core/types';
import { DefaultLogger, Runtime, WorkerStateTransitionError, bundleWorkflowCode, DisallowedModuleError } from '../../lib';
import { WORKER_DEFAULTS, compileWorkerOptions, type LogEntry } from '../../lib/worker';
import { compileReplayOptions } from '../../lib/worker/replay/replay-options';

const coreConnection = { createWorker: () => undefined } as unknown as CoreConnection;
const workflowsPath = path.join(__dirname, '..', 'e2e', 'worker', 'fixtures', 'api-workflows.ts');
const activities = { greet: async () => 'hi' };

function compile(extra: Record<string, unknown>) {
  return compileWorkerOptions({ connection: coreConnection, taskQueue: 'q', activities, ...extra });
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('option keys', () => {
  it('refuses a misspelled key with an UnknownOptionError naming the key it resembles', () => {
    const error = errorOf(() => compile({ maxCachedWorkflow: 10 }));
    expect(error).toBeInstanceOf(UnknownOptionError);
    expect(error.message).toBe("maxCachedWorkflow is not a Worker option (did you mean 'maxCachedWorkflows'?)");
  });

  it('refuses an official option we do not support with what to use instead', () => {
    const error = errorOf(() => compile({ workflowThreadPoolSize: 4 }));
    expect(error).toBeInstanceOf(UnsupportedOptionError);
    expect(error.message).toMatch(/^workflowThreadPoolSize is not supported: .*worker processes/);
  });

  it('refuses bundlerOptions.webpackConfigHook, pointing to bundlerOptions.esbuildConfigHook', () => {
    const error = errorOf(() => compile({ workflowsPath, bundlerOptions: { webpackConfigHook: (c: unknown) => c } }));
    expect(error).toBeInstanceOf(UnsupportedOptionError);
    expect((error as UnsupportedOptionError).field).toBe('bundlerOptions.webpackConfigHook');
    expect(error.message).toMatch(/esbuildConfigHook/);
  });

  it('refuses a misspelled key inside a nested option', () => {
    const error = errorOf(() => compile({ sinks: { logger: { info: { fn: () => undefined, callDuringReplayy: true } } } }));
    expect(error).toBeInstanceOf(UnknownOptionError);
    expect((error as UnknownOptionError).field).toBe('sinks.logger.info.callDuringReplayy');
  });

  it('refuses a misspelled key of activityPool', () => {
    const error = errorOf(() => compile({ activityPool: { modulePath: __filename, numWorker: 2 } }));
    expect(error).toBeInstanceOf(UnknownOptionError);
    expect(error.message).toBe("activityPool.numWorker is not a valid activityPool option (did you mean 'numWorkers'?)");
  });

  it('refuses a misspelled key of Runtime.install before installing anything', () => {
    expect(() => Runtime.install({ telemetryOption: {} } as never)).toThrow(UnknownOptionError);
    expect(() => Runtime.install({ telemetryOptions: { tracingFilter: 'INFO' } } as never)).toThrow(/logging\.filter/);
  });

  it('refuses an unknown key of the replay options too', async () => {
    await expect(compileReplayOptions({ workflowsPath, replayNam: 'x' })).rejects.toThrow(UnknownOptionError);
  });
});

describe('defaults', () => {
  it('come from WORKER_DEFAULTS', () => {
    const compiled = compile({ workflowsPath });
    expect(compiled.namespace).toBe(WORKER_DEFAULTS.namespace);
    expect(compiled.core.slots.workflow).toBe(WORKER_DEFAULTS.maxConcurrentWorkflowTaskExecutions);
    expect(compiled.core.maxCachedWorkflows).toBe(WORKER_DEFAULTS.maxCachedWorkflows);
    expect(compiled.workflows?.isolateExecutionTimeoutMs).toBe(WORKER_DEFAULTS.isolateExecutionTimeoutMs);
    expect(compiled.workflows?.reuseV8Context).toBe(true);
  });
});

describe('tuner', () => {
  it('gives fixed-size slots to the core', () => {
    const compiled = compile({
      tuner: {
        workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 3 },
        activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 7 },
        localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
      },
      workflowsPath,
    });
    expect(compiled.core.slots).toMatchObject({ workflow: 3, activity: 7, localActivity: 2 });
    expect(compiled.core.resourceBasedSlots).toBeUndefined();
  });

  it('gives resource-based slots to the core, with the official per-kind defaults', () => {
    const compiled = compile({ tuner: { tunerOptions: { targetMemoryUsage: 0.8, targetCpuUsage: 0.9 }, activityTaskSlotOptions: { maximumSlots: 50 } } });
    expect(compiled.core.resourceBasedSlots?.workflow).toEqual({ minimumSlots: 2, maximumSlots: 1000, rampThrottleMs: 0, targetMemoryUsage: 0.8, targetCpuUsage: 0.9 });
    expect(compiled.core.resourceBasedSlots?.activity).toMatchObject({ minimumSlots: 1, maximumSlots: 50, rampThrottleMs: 50 });
    expect(compiled.maxConcurrentActivityTaskExecutions).toBe(50);
  });

  it('refuses a custom slot supplier with what to use instead', () => {
    const tuner = {
      workflowTaskSlotSupplier: { type: 'custom', tryReserveSlot: () => ({}) },
      activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    };
    const error = errorOf(() => compile({ tuner }));
    expect(error).toBeInstanceOf(UnsupportedOptionError);
    expect((error as UnsupportedOptionError).field).toBe('tuner.workflowTaskSlotSupplier.type');
  });

  it('is exclusive with the maxConcurrent*Executions options', () => {
    const tuner = { tunerOptions: { targetMemoryUsage: 0.8, targetCpuUsage: 0.9 } };
    expect(() => compile({ tuner, maxConcurrentActivityTaskExecutions: 5 })).toThrow(InvalidOptionError);
  });
});

describe('poller behaviors', () => {
  it('gives autoscaling pollers to the core, with the official defaults', () => {
    const compiled = compile({ activityTaskPollerBehavior: { type: 'autoscaling' } });
    expect(compiled.core.activityTaskPollerBehavior).toEqual({ autoscaling: { minimum: 1, maximum: 100, initial: 5 } });
  });

  it('gives a simple maximum to the core', () => {
    expect(compile({ activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 4 } }).core.activityTaskPollerBehavior).toEqual({ simpleMaximum: 4 });
  });

  it('is exclusive with the maxConcurrent*TaskPolls option of its kind', () => {
    expect(() => compile({ activityTaskPollerBehavior: { type: 'autoscaling' }, maxConcurrentActivityTaskPolls: 2 })).toThrow(InvalidOptionError);
  });
});

describe('workflow settings', () => {
  it('passes workflowFailureErrorTypes by workflow type', () => {
    const compiled = compile({ workflowsPath, workflowFailureErrorTypes: { '*': ['ValidationError'], order: ['NondeterminismError'] } });
    expect(compiled.workflows?.workflowFailureErrorTypes).toEqual({ '*': ['ValidationError'], order: ['NondeterminismError'] });
  });

  it('refuses workflowFailureErrorTypes whose value is not a list of names', () => {
    expect(() => compile({ workflowsPath, workflowFailureErrorTypes: { '*': 'ValidationError' } })).toThrow(/^workflowFailureErrorTypes\.\* must be an array/);
  });

  it('lifts the execution time limit in debugMode', () => {
    expect(compile({ workflowsPath, isolateExecutionTimeout: '1s' }).workflows?.isolateExecutionTimeoutMs).toBe(1000);
    expect(compile({ workflowsPath, isolateExecutionTimeout: '1s', debugMode: true }).workflows?.isolateExecutionTimeoutMs).toBe(0xffff_ffff);
  });

  it('takes the data converter of a workflow worker by path and passes the paths to the bundler', () => {
    const payloadConverterPath = path.join(__dirname, '..', 'e2e', 'worker', 'fixtures', 'money-converter.js');
    const compiled = compile({ workflowsPath, dataConverter: { payloadConverterPath } });
    expect(compiled.workflows?.payloadConverterPath).toBe(payloadConverterPath);
  });

  it('takes a converter object on a worker without workflows, where it can work', () => {
    const payloadConverter = { toPayload: () => ({}), fromPayload: () => undefined };
    expect(compile({ dataConverter: { payloadConverter } }).dataConverter?.payloadConverter).toBe(payloadConverter);
  });
});

describe('bundler', () => {
  it('advises bundlerOptions.ignoreModules, which Worker.create accepts, for a disallowed import', async () => {
    const dir = path.join(__dirname, 'fixtures');
    const error = await bundleWorkflowCode({ workflowsPath: path.join(dir, 'imports-fs.ts'), cacheDir: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DisallowedModuleError);
    expect((error as Error).message).toMatch(/bundlerOptions\.ignoreModules/);
    expect(() => compile({ workflowsPath: path.join(dir, 'imports-fs.ts'), bundlerOptions: { ignoreModules: ['fs'] } })).not.toThrow();
  });

  it('bundles with ignoreModules what it refuses without', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures', 'imports-fs.ts'), ignoreModules: ['fs'], cacheDir: false });
    expect(bundle.code.length).toBeGreaterThan(0);
  });

  it('refuses webpackConfigHook, pointing to esbuildConfigHook', async () => {
    await expect(bundleWorkflowCode({ workflowsPath, webpackConfigHook: (c: unknown) => c } as never)).rejects.toThrow(/esbuildConfigHook/);
  });
});

describe('exports shaped like @temporalio/worker', () => {
  it('DefaultLogger hands entries at or above its level to the log function', () => {
    const entries: LogEntry[] = [];
    const logger = new DefaultLogger('WARN', (entry) => entries.push(entry));
    logger.info('dropped');
    logger.warn('kept', { a: 1 });
    expect(entries.map((e) => [e.level, e.message, e.meta])).toEqual([['WARN', 'kept', { a: 1 }]]);
  });

  it('Runtime has the official install and instance entry points', () => {
    expect(typeof Runtime.install).toBe('function');
    expect(typeof Runtime.instance).toBe('function');
  });

  it('the worker state error is the official IllegalStateError', () => {
    expect(new WorkerStateTransitionError('x')).toBeInstanceOf(IllegalStateError);
  });
});
