/**
 * `TestWorkflowEnvironment`, with the official `@temporalio/testing` shape, on the embedded dev
 * server: nothing is downloaded, and time skipping runs in-process (the dev server's time-skipping
 * clock and TestService), so a workflow that sleeps for a month completes in a test at once.
 */
import { Client, type ClientOptions } from '../client/client';
import { Connection, type ConnectionOptions, type TestService } from '../client/connection';
import type { AsyncCompletionClient } from '../client/async-completion-client';
import type { WorkflowClient } from '../client/workflow-client';
import { MalformedResponseError } from '../client/errors';
import type { temporal } from '@temporalio/proto';
import { checkedOptions, checkOptionKeys, InvalidOptionError, optionsObject } from '../common/options-validation';
import { msToDuration, parseDuration, timestampToMs, type Duration } from '../common/time';
import { ValueError } from '../common/errors';
import type { RunningDevServer } from '../devserver';
import { startEmbeddedDevServer } from './embedded-server';
import { TimeSkippingClient } from './time-skipping-client';

/** Client options of an environment: everything but the connection and namespace, which it sets. */
export type ClientOptionsForTestEnv = Omit<ClientOptions, 'connection' | 'namespace'>;

/**
 * The embedded server of {@link TestWorkflowEnvironment.createTimeSkipping}.
 *
 * @example
 * ```ts
 * const server: TimeSkippingServerConfig = { port: 0 };
 * ```
 */
export interface TimeSkippingServerConfig {
  type?: 'time-skipping';
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

/**
 * The embedded server of {@link TestWorkflowEnvironment.createLocal}.
 *
 * @example
 * ```ts
 * const server: DevServerConfig = { namespace: 'tests', dbFilename: '/tmp/tests.sqlite' };
 * ```
 */
export interface DevServerConfig {
  type?: 'dev-server';
  /** Interface to listen on; default `127.0.0.1`. */
  ip?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Namespace to create and use; default `default`. */
  namespace?: string;
  /** SQLite file to persist to; in memory when absent. */
  dbFilename?: string;
}

/** @example `await TestWorkflowEnvironment.createTimeSkipping({ client: { identity: 'tests' } })` */
export interface TimeSkippingTestWorkflowEnvironmentOptions {
  server?: TimeSkippingServerConfig;
  client?: ClientOptionsForTestEnv;
}

/** @example `await TestWorkflowEnvironment.createLocal({ server: { namespace: 'tests' } })` */
export interface LocalTestWorkflowEnvironmentOptions {
  server?: DevServerConfig;
  client?: ClientOptionsForTestEnv;
}

/** How to reach an existing server besides its address. */
/**
 * A Nexus endpoint made by {@link TestWorkflowEnvironment.createNexusEndpoint}: its id and version
 * (what deleting it takes) and the endpoint as the server described it.
 *
 * @example
 * ```ts
 * const { id, version } = await env.createNexusEndpoint('payments', 'payments-nexus');
 * ```
 */
export interface NexusEndpointIdentifier {
  id: string;
  version: NonNullable<temporal.api.nexus.v1.IEndpoint['version']>;
  raw: temporal.api.nexus.v1.IEndpoint;
}

export type ExistingServerConnectionOptions = Pick<ConnectionOptions, 'apiKey' | 'metadata' | 'tls'>;

/** @example `await TestWorkflowEnvironment.createFromExistingServer({ address: 'localhost:7233' })` */
export interface ExistingServerTestWorkflowEnvironmentOptions {
  /** `host:port` of the server; default `localhost:7233`. */
  address?: string;
  /** Default `default`. */
  namespace?: string;
  connectionOptions?: ExistingServerConnectionOptions;
  client?: ClientOptionsForTestEnv;
}

const NO_EXECUTABLE = 'the embedded dev server runs in this process, so there is no executable or command line to configure';

const TIME_SKIPPING_SERVER_KEYS = {
  kind: 'time-skipping server option',
  supported: ['type', 'port'],
  unsupported: { executable: NO_EXECUTABLE, extraArgs: NO_EXECUTABLE },
};

const DEV_SERVER_KEYS = {
  kind: 'dev server option',
  supported: ['type', 'ip', 'port', 'namespace', 'dbFilename'],
  unsupported: {
    executable: NO_EXECUTABLE,
    extraArgs: NO_EXECUTABLE,
    ui: 'the embedded dev server has no web UI; use the Temporal CLI (createFromExistingServer) for one',
    uiPort: 'the embedded dev server has no web UI; use the Temporal CLI (createFromExistingServer) for one',
    log: 'the embedded dev server reports internal errors on stderr and has no log settings',
    searchAttributes: 'add them after start with the OperatorService AddSearchAttributes RPC',
  },
};

function environmentOptions(value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  const o = optionsObject(value, 'options');
  checkOptionKeys(o, {
    kind: 'test environment option',
    supported: keys,
    unsupported: { plugins: 'plugins are not supported; configure the client with client options and the worker with Worker.create options' },
  });
  return o;
}

function serverOptions<T>(value: unknown, keys: typeof DEV_SERVER_KEYS | typeof TIME_SKIPPING_SERVER_KEYS, type: string): T {
  if (value === undefined) return {} as T;
  const o = checkedOptions(value, 'server', keys);
  if (o.type !== undefined && o.type !== type) throw new InvalidOptionError('server.type', `must be '${type}' here, got ${JSON.stringify(o.type)}`);
  return o as T;
}

function clientOptions(value: unknown): ClientOptionsForTestEnv {
  if (value === undefined) return {};
  const o = optionsObject(value, 'client');
  for (const key of ['connection', 'namespace']) {
    if (o[key] !== undefined) throw new InvalidOptionError(`client.${key}`, 'is set by the test environment; pass namespace to the server (or to createFromExistingServer)');
  }
  return o as ClientOptionsForTestEnv;
}

/**
 * A server, a connection and a client for workflow tests.
 *
 * @example
 * ```ts
 * const env = await TestWorkflowEnvironment.createTimeSkipping();
 * const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'q', workflowsPath, activities });
 * const result = await worker.runUntil(env.client.workflow.execute(sleepsForAMonth, { taskQueue: 'q', workflowId: 'w' }));
 * await env.teardown();
 * ```
 */
export class TestWorkflowEnvironment {
  /** Also the worker's connection: one connection serves clients and workers here. */
  readonly nativeConnection: Connection;
  /** The TestService of a time-skipping environment (lock, unlock, sleep, current time). */
  readonly testService: TestService | undefined;
  readonly asyncCompletionClient: AsyncCompletionClient;
  readonly workflowClient: WorkflowClient;
  /** `host:port` of the server. */
  readonly address: string;
  private tornDown: Promise<void> | undefined;

  private constructor(
    readonly supportsTimeSkipping: boolean,
    readonly connection: Connection,
    readonly client: Client,
    readonly namespace: string,
    private readonly server: RunningDevServer | undefined,
  ) {
    this.nativeConnection = connection;
    this.testService = supportsTimeSkipping ? connection.testService : undefined;
    this.asyncCompletionClient = client.activity;
    this.workflowClient = client.workflow;
    this.address = connection.address;
  }

  /**
   * An embedded dev server with time skipping, as the official test server has it: time is locked
   * except while the environment's client awaits a workflow result and during `env.sleep`; then,
   * whenever no workflow task or activity is in flight, the clock jumps to the next timer, timeout,
   * retry or schedule action.
   *
   * @example
   * ```ts
   * const env = await TestWorkflowEnvironment.createTimeSkipping();
   * await env.sleep('30 days'); // returns at once; env.currentTimeMs() moved 30 days
   * await env.teardown();
   * ```
   */
  static async createTimeSkipping(options?: TimeSkippingTestWorkflowEnvironmentOptions): Promise<TestWorkflowEnvironment> {
    const o = environmentOptions(options, ['server', 'client']);
    const server = serverOptions<TimeSkippingServerConfig>(o.server, TIME_SKIPPING_SERVER_KEYS, 'time-skipping');
    const client = clientOptions(o.client);
    const dev = await startEmbeddedDevServer({ port: server.port ?? 0, timeSkipping: true });
    return TestWorkflowEnvironment.connectTo(dev, dev.namespace, client, true);
  }

  /**
   * An embedded dev server in real time (no download, no external process).
   *
   * @example
   * ```ts
   * const env = await TestWorkflowEnvironment.createLocal({ server: { namespace: 'tests' } });
   * await env.teardown();
   * ```
   */
  static async createLocal(options?: LocalTestWorkflowEnvironmentOptions): Promise<TestWorkflowEnvironment> {
    const o = environmentOptions(options, ['server', 'client']);
    const server = serverOptions<DevServerConfig>(o.server, DEV_SERVER_KEYS, 'dev-server');
    const client = clientOptions(o.client);
    const namespace = server.namespace ?? 'default';
    if (typeof namespace !== 'string' || namespace === '') throw new InvalidOptionError('server.namespace', 'must be a non-empty string');
    const dev = await startEmbeddedDevServer({ ip: server.ip, port: server.port ?? 0, dbPath: server.dbFilename, namespaces: [namespace] });
    return TestWorkflowEnvironment.connectTo(dev, namespace, client, false);
  }

  /**
   * An environment on a server that is already running, in real time (`supportsTimeSkipping` is
   * false whatever the server is). `teardown` closes the connection, not the server.
   *
   * @example
   * ```ts
   * const env = await TestWorkflowEnvironment.createFromExistingServer({ address: 'localhost:7233', namespace: 'default' });
   * ```
   */
  static async createFromExistingServer(options?: ExistingServerTestWorkflowEnvironmentOptions): Promise<TestWorkflowEnvironment> {
    const o = environmentOptions(options, ['address', 'namespace', 'connectionOptions', 'client']);
    const client = clientOptions(o.client);
    const namespace = (o.namespace as string | undefined) ?? 'default';
    if (typeof namespace !== 'string' || namespace === '') throw new InvalidOptionError('namespace', 'must be a non-empty string');
    const connectionOptions =
      o.connectionOptions === undefined
        ? {}
        : (checkedOptions(o.connectionOptions, 'connectionOptions', { kind: 'connection option', supported: ['apiKey', 'metadata', 'tls'] }) as ExistingServerConnectionOptions);
    const connection = await Connection.connect({ ...connectionOptions, address: (o.address as string | undefined) ?? 'localhost:7233' });
    return new TestWorkflowEnvironment(false, connection, new Client({ ...client, connection, namespace }), namespace, undefined);
  }

  private static async connectTo(dev: RunningDevServer, namespace: string, client: ClientOptionsForTestEnv, timeSkipping: boolean): Promise<TestWorkflowEnvironment> {
    let connection: Connection;
    try {
      connection = await Connection.connect({ address: dev.address });
    } catch (err) {
      await dev.stop();
      throw err;
    }
    try {
      const options: ClientOptions = { ...client, connection, namespace };
      const c = timeSkipping ? new TimeSkippingClient(options, connection.testService) : new Client(options);
      return new TestWorkflowEnvironment(timeSkipping, connection, c, namespace, dev);
    } catch (err) {
      await connection.close();
      await dev.stop();
      throw err;
    }
  }

  /**
   * Waits `duration`: in a time-skipping environment it unlocks time skipping for the wait
   * (`UnlockTimeSkippingWithSleep`), so the server jumps ahead whenever it is idle; otherwise it
   * waits in real time.
   *
   * @example
   * ```ts
   * await env.sleep('1 day'); // e.g. to let a timer fire before signalling
   * ```
   */
  async sleep(duration: Duration): Promise<void> {
    let ms: number;
    try {
      ms = parseDuration(duration, 'duration');
    } catch (err) {
      if (err instanceof ValueError) throw new InvalidOptionError('duration', err.message.replace(/^duration: /, ''));
      throw err;
    }
    if (this.testService) {
      await this.testService.unlockTimeSkippingWithSleep({ duration: msToDuration(ms, 'duration') });
      return;
    }
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
  }

  /**
   * The server's current time in ms since the epoch: virtual time in a time-skipping environment,
   * `Date.now()` otherwise.
   *
   * @example
   * ```ts
   * const before = await env.currentTimeMs();
   * ```
   */
  async currentTimeMs(): Promise<number> {
    if (!this.testService) return Date.now();
    const { time } = await this.testService.getCurrentTime({});
    return time ? timestampToMs(time) : Date.now();
  }

  /**
   * Creates a Nexus endpoint targeting `taskQueue` in this environment's namespace, through
   * `connection.operatorService.createNexusEndpoint`, as the official environment does. It needs a
   * server with Nexus (the Temporal CLI's dev server, via `createFromExistingServer`): the embedded
   * dev server answers UNIMPLEMENTED, a `ServiceError`. This SDK's workers do not run Nexus handlers;
   * the endpoint serves workers of an official SDK.
   *
   * @example
   * ```ts
   * const endpoint = await env.createNexusEndpoint('payments', 'payments-nexus');
   * await env.deleteNexusEndpoint(endpoint);
   * ```
   */
  async createNexusEndpoint(name: string, taskQueue: string): Promise<NexusEndpointIdentifier> {
    const { endpoint } = await this.connection.operatorService.createNexusEndpoint({
      spec: { name, target: { worker: { namespace: this.namespace, taskQueue } } },
    });
    if (!endpoint?.id || endpoint.version === undefined || endpoint.version === null) {
      throw new MalformedResponseError('CreateNexusEndpoint', 'no endpoint id and version');
    }
    return { id: endpoint.id, version: endpoint.version, raw: endpoint };
  }

  /**
   * Deletes a Nexus endpoint made with {@link createNexusEndpoint} (or any `{ id, version }`).
   *
   * @example
   * ```ts
   * await env.deleteNexusEndpoint(endpoint);
   * ```
   */
  async deleteNexusEndpoint(endpoint: Pick<NexusEndpointIdentifier, 'id' | 'version'>): Promise<void> {
    await this.connection.operatorService.deleteNexusEndpoint({ id: endpoint.id, version: endpoint.version });
  }

  /**
   * Closes the connection and stops the embedded server (a server given to
   * `createFromExistingServer` keeps running). Shut workers down first. Idempotent.
   *
   * @example
   * ```ts
   * afterAll(() => env.teardown());
   * ```
   */
  teardown(): Promise<void> {
    this.tornDown ??= (async () => {
      try {
        await this.connection.close();
      } finally {
        await this.server?.stop();
      }
    })();
    return this.tornDown;
  }
}
