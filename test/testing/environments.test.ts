/**
 * The other ways to get a TestWorkflowEnvironment (an embedded server in real time, a server that is
 * already running), the options refused by name, and the TestService as the official client sees it.
 */
import Long from 'long';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Connection as OfficialConnection } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { startDevServer } from '../../lib/devserver';
import { InvalidOptionError, UnknownOptionError, UnsupportedOptionError } from '../../lib/common/options-validation';
import { ServiceError } from '../../lib/client';
import { DevServer, TestWorkflowEnvironment } from '../../lib/testing';
import { ConsoleLogger, Worker } from '../../lib/worker';
import * as activities from './fixtures/activities';

const DAY = 86_400_000;

/** The official client's connection with its TestService on, as the official test environment makes it. */
function officialTestServiceConnection(address: string): Promise<OfficialConnection> {
  return OfficialConnection.connect(Object.assign({ address }, { [InternalConnectionOptionsSymbol]: { supportsTestService: true } }));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('TestWorkflowEnvironment.createLocal', () => {
  it('runs in real time on an embedded server with its own namespace', async () => {
    const env = await TestWorkflowEnvironment.createLocal({ server: { namespace: 'local-tests' } });
    try {
      expect(env.supportsTimeSkipping).toBe(false);
      expect(env.namespace).toBe('local-tests');
      expect(env.nativeConnection).toBe(env.connection);
      const listed = await env.client.workflow.count();
      expect(listed.count).toBe(0);
      const before = Date.now();
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(before);
    } finally {
      await env.teardown();
    }
  });

  it('refuses official options the embedded server has no use for, naming them', async () => {
    const ui = await rejection(TestWorkflowEnvironment.createLocal({ server: { ui: true } } as never));
    expect(ui).toBeInstanceOf(UnsupportedOptionError);
    expect((ui as UnsupportedOptionError).field).toBe('server.ui');
    const executable = await rejection(TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'cached-download' } } } as never));
    expect((executable as UnsupportedOptionError).field).toBe('server.executable');
    const plugins = await rejection(TestWorkflowEnvironment.createLocal({ plugins: [] } as never));
    expect((plugins as UnsupportedOptionError).field).toBe('plugins');
  });

  it('refuses unknown options with the nearest known one, and a client namespace', async () => {
    const typo = await rejection(TestWorkflowEnvironment.createLocal({ server: { namepsace: 'x' } } as never));
    expect(typo).toBeInstanceOf(UnknownOptionError);
    expect((typo as UnknownOptionError).message).toContain("did you mean 'namespace'");
    const ns = await rejection(TestWorkflowEnvironment.createTimeSkipping({ client: { namespace: 'x' } } as never));
    expect(ns).toBeInstanceOf(InvalidOptionError);
    expect((ns as InvalidOptionError).field).toBe('client.namespace');
  });
});

describe('TestWorkflowEnvironment.createFromExistingServer', () => {
  it('runs a workflow on a dev server that is already running, and leaves it running at teardown', async () => {
    const server = await startDevServer({ port: 0 });
    try {
      const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: server.namespace });
      expect(env.supportsTimeSkipping).toBe(false);
      const taskQueue = `existing-${randomUUID()}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace,
        taskQueue,
        workflowsPath: path.join(__dirname, 'fixtures', 'workflows.ts'),
        activities,
        logger: new ConsoleLogger('ERROR'),
        handleSignals: false,
      });
      const greeting = await worker.runUntil(env.client.workflow.execute('greetNow', { taskQueue, workflowId: `greet-${randomUUID()}`, args: ['Grace'] }));
      expect(greeting).toBe('Hello, Grace!');
      await env.teardown();

      const again = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
      expect((await again.client.workflow.count()).count).toBe(1);
      await again.teardown();
    } finally {
      await server.stop();
    }
  });
});

describe('the TestService of a time-skipping environment', () => {
  it('answers the official client: current time, and a sleep that skips a month', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping();
    const official = await officialTestServiceConnection(env.address);
    try {
      const testService = official.testService!;
      const before = await testService.getCurrentTime({});
      await testService.unlockTimeSkippingWithSleep({ duration: { seconds: Long.fromNumber((30 * DAY) / 1000) } });
      const after = await testService.getCurrentTime({});
      expect(Number(after.time?.seconds) - Number(before.time?.seconds)).toBeGreaterThanOrEqual((30 * DAY) / 1000);
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Number(after.time?.seconds) * 1000);
    } finally {
      await official.close();
      await env.teardown();
    }
  });

  it('refuses an unlock nobody locked with FAILED_PRECONDITION', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping();
    try {
      await env.testService!.unlockTimeSkipping({});
      const error = await rejection(env.testService!.unlockTimeSkipping({}));
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe(9);
      await env.testService!.lockTimeSkipping({});
    } finally {
      await env.teardown();
    }
  });

  it('is connection.testService on the environment\'s connection: time moves by what unlockTimeSkippingWithSleep asks for', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping();
    try {
      expect(env.testService).toBe(env.connection.testService);
      const before = await env.connection.testService.getCurrentTime({});
      await env.connection.testService.unlockTimeSkippingWithSleep({ duration: { seconds: Long.fromNumber(7 * 86_400) } });
      const after = await env.connection.testService.getCurrentTime({});
      const seconds = (t: typeof before) => Long.fromValue(t.time!.seconds!).toNumber();
      expect(seconds(after) - seconds(before)).toBeGreaterThanOrEqual(7 * 86_400);
    } finally {
      await env.teardown();
    }
  });

  it('refuses createNexusEndpoint on the embedded server, which has no Nexus, with a typed UNIMPLEMENTED', async () => {
    const env = await TestWorkflowEnvironment.createLocal();
    try {
      const error = await rejection(env.createNexusEndpoint('payments', 'payments-nexus'));
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe(12);
    } finally {
      await env.teardown();
    }
  });

  it('answers connection.testService with UNIMPLEMENTED on a server that does not skip time', async () => {
    const env = await TestWorkflowEnvironment.createLocal();
    try {
      expect(env.testService).toBeUndefined();
      const error = await rejection(env.connection.testService.getCurrentTime({}));
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe(12);
    } finally {
      await env.teardown();
    }
  });

  it('is served by DevServer.start({ timeSkipping: true }) too', async () => {
    const server = await DevServer.start({ timeSkipping: true });
    const official = await officialTestServiceConnection(server.address);
    try {
      await official.testService!.unlockTimeSkipping({});
      await official.testService!.sleep({ duration: { seconds: Long.fromNumber(3_600) } });
      await official.testService!.lockTimeSkipping({});
    } finally {
      await official.close();
      await server.stop();
    }
  });

  it('is not served without time skipping (UNIMPLEMENTED), as on a real dev server', async () => {
    const env = await TestWorkflowEnvironment.createLocal();
    const official = await officialTestServiceConnection(env.address);
    try {
      const error = await rejection(official.testService!.getCurrentTime({}));
      expect((error as { code?: number }).code).toBe(12);
    } finally {
      await official.close();
      await env.teardown();
    }
  });
});
