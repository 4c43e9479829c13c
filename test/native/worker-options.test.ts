/**
 * Worker options on the fake core are validated like the real core's WorkerOptions -> WorkerConfig
 * conversion (worker.rs, WorkerConfigBuilder::build) and init_worker: same acceptance, same
 * messages, which reach the addon through worker_new's fail array. The addon refuses most bad
 * options itself, so those are driven through the C ABI by test/fake-core's probe; the rest go
 * through the addon. Every expected message is what the real library answered to the same options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../lib/core/errors';
import type { CoreConnection, CoreRuntime, CoreWorker } from '../../lib/core/types';
import { connectionOptions, fakeRuntime, probeOptions, uniqueTaskQueue, workerOptions, workersOn } from './fake-core';

async function shutDown(worker: CoreWorker): Promise<void> {
  worker.initiateShutdown();
  expect(await worker.pollWorkflowActivation()).toBeNull();
  expect(await worker.pollActivityTask()).toBeNull();
  await worker.finalizeShutdown();
}

describe('worker options on the fake core', () => {
  let runtime: CoreRuntime;
  let connection: CoreConnection;

  beforeAll(async () => {
    runtime = await fakeRuntime();
    connection = await runtime.connect(connectionOptions);
  });

  afterAll(async () => {
    await connection.close();
    await runtime.close();
  });

  describe('through the addon', () => {
    it('refuses a workflow cache with fewer than two workflow pollers', () => {
      const options = workerOptions(uniqueTaskQueue('cache'), { maxCachedWorkflows: 10, workflowTaskPollerBehavior: { simpleMaximum: 1 } });
      expect(() => connection.createWorker(options)).toThrow(CoreError);
      expect(() => connection.createWorker(options)).toThrow(
        'Worker creation failed: Invalid options: `max_cached_workflows` > 0 requires `workflow_task_poller_behavior` to be at least 2',
      );
    });

    it('accepts a single workflow poller without a cache', async () => {
      const worker = connection.createWorker(
        workerOptions(uniqueTaskQueue('no-cache'), { maxCachedWorkflows: 0, workflowTaskPollerBehavior: { simpleMaximum: 1 } }),
      );
      await shutDown(worker);
    });

    it('gives a worker without identityOverride the identity of its connection', async () => {
      const taskQueue = uniqueTaskQueue('identity');
      const worker = connection.createWorker(workerOptions(taskQueue));
      expect((await workersOn(connection, taskQueue)).map((w) => w.identity)).toEqual([connectionOptions.identity]);
      await shutDown(worker);
    });

    it('gives a worker with identityOverride that identity instead', async () => {
      const taskQueue = uniqueTaskQueue('override');
      const worker = connection.createWorker(workerOptions(taskQueue, { identityOverride: 'worker-override@host' }));
      expect((await workersOn(connection, taskQueue)).map((w) => w.identity)).toEqual(['worker-override@host']);
      await shutDown(worker);
    });

    it('refuses a worker when neither its connection nor identityOverride gives an identity', async () => {
      const anonymous = await runtime.connect({ ...connectionOptions, identity: '' });
      expect(() => anonymous.createWorker(workerOptions(uniqueTaskQueue('anonymous')))).toThrow(
        'Worker creation failed: Worker start failed: Client identity cannot be empty. Either lang or user should be setting this value',
      );
      const worker = anonymous.createWorker(workerOptions(uniqueTaskQueue('anonymous'), { identityOverride: 'named@host' }));
      await shutDown(worker);
      await anonymous.close();
    });
  });

  describe('through the C ABI (fake_core_probe)', () => {
    it('accepts the options the addon sends by default', () => {
      expect(probeOptions('worker-options', 'valid')).toBe('ok');
    });

    it('refuses an empty namespace when the worker starts', () => {
      expect(probeOptions('worker-options', 'empty-namespace')).toBe('fail: Worker start failed: Worker namespace cannot be empty');
    });

    it('accepts an empty task queue, which the real core does not check', () => {
      expect(probeOptions('worker-options', 'empty-task-queue')).toBe('ok');
    });

    it('refuses a worker with no task type enabled', () => {
      expect(probeOptions('worker-options', 'no-task-types')).toBe(
        'fail: Invalid options: At least one task type must be enabled in `task_types`',
      );
    });

    it('refuses local activities without workflows', () => {
      expect(probeOptions('worker-options', 'local-activities-without-workflows')).toBe(
        'fail: Invalid options: `task_types` cannot enable local activities without workflows',
      );
    });

    it('refuses a poller behavior that sets both simple_maximum and autoscaling', () => {
      expect(probeOptions('worker-options', 'both-poller-behaviors')).toBe(
        'fail: Invalid options: simple_maximum and autoscaling cannot both be non-null values',
      );
    });

    it('accepts poller behaviors left unset (the core picks its own)', () => {
      expect(probeOptions('worker-options', 'unset-poller-behaviors')).toBe('ok');
    });

    it('refuses a simple maximum of zero pollers', () => {
      expect(probeOptions('worker-options', 'simple-maximum-zero')).toBe(
        'fail: Invalid options: SimpleMaximum poller behavior must be at least 1',
      );
    });

    it.each([
      ['autoscaling-minimum-zero', 'Autoscaling minimum poller behavior must be at least 1'],
      ['autoscaling-maximum-below-minimum', 'Autoscaling maximum must be greater than or equal to minimum'],
      ['autoscaling-initial-outside', 'Autoscaling initial must be between minimum and maximum'],
    ])('refuses autoscaling pollers whose bounds do not nest (%s)', (scenario, message) => {
      expect(probeOptions('worker-options', scenario)).toBe(`fail: Invalid options: ${message}`);
    });

    it('refuses a workflow cache with one simple workflow poller, and only then', () => {
      expect(probeOptions('worker-options', 'cache-with-one-poller')).toBe(
        'fail: Invalid options: `max_cached_workflows` > 0 requires `workflow_task_poller_behavior` to be at least 2',
      );
      expect(probeOptions('worker-options', 'no-cache-one-poller')).toBe('ok');
      expect(probeOptions('worker-options', 'cache-with-autoscaling')).toBe('ok');
    });

    it.each(['activities-per-second-negative', 'activities-per-second-infinite', 'activities-per-second-nan'])(
      'refuses a max activities per second that is not a positive number (%s)',
      (scenario) => {
        expect(probeOptions('worker-options', scenario)).toBe(
          'fail: Invalid options: `max_worker_activities_per_second` must be positive and nonzero',
        );
      },
    );

    it('refuses a worker whose connection has no identity, unless identity_override gives one', () => {
      expect(probeOptions('worker-options', 'empty-identity')).toBe(
        'fail: Worker start failed: Client identity cannot be empty. Either lang or user should be setting this value',
      );
      expect(probeOptions('worker-options', 'identity-override')).toBe('ok');
    });

    it('validates replayer options as WorkerConfig too, without the namespace and identity checks of init_worker', () => {
      expect(probeOptions('replayer-options', 'no-task-types')).toBe(
        'fail: Invalid options: At least one task type must be enabled in `task_types`',
      );
      expect(probeOptions('replayer-options', 'cache-with-one-poller')).toBe(
        'fail: Invalid options: `max_cached_workflows` > 0 requires `workflow_task_poller_behavior` to be at least 2',
      );
      expect(probeOptions('replayer-options', 'empty-namespace')).toBe('ok');
      expect(probeOptions('replayer-options', 'empty-identity')).toBe('ok');
    });
  });
});
