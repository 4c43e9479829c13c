/**
 * Test helpers: an embedded Temporal dev server for end-to-end tests, no external server needed.
 *
 * @example
 * ```ts
 * import { DevServer } from 'temporal-native/testing';
 * const server = await DevServer.start({ port: 0 });
 * // connect clients and workers to server.address, namespace server.namespace
 * await server.stop();
 * ```
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DevServerTlsOptions } from '../devserver';
import { startEmbeddedDevServer } from './embedded-server';

export {
  TestWorkflowEnvironment,
  type TimeSkippingTestWorkflowEnvironmentOptions,
  type LocalTestWorkflowEnvironmentOptions,
  type ExistingServerTestWorkflowEnvironmentOptions,
  type ExistingServerConnectionOptions,
  type TimeSkippingServerConfig,
  type DevServerConfig,
  type ClientOptionsForTestEnv,
  type NexusEndpointIdentifier,
} from './workflow-environment';
export { TimeSkippingClient, TimeSkippingWorkflowClient } from './time-skipping-client';
export {
  MockActivityEnvironment,
  defaultMockActivityInfo,
  // The official testing package's name for the default Info of a mock activity.
  defaultMockActivityInfo as defaultActivityInfo,
  type MockActivityEnvironmentOptions,
} from '../activity/mock-environment';

/**
 * Workflow interceptor modules for tests, as `workflowInterceptorModules` of `@temporalio/testing`: a
 * failed `assert` in workflow code fails the workflow (a non-retryable `ApplicationFailure` of type
 * `AssertionError`) instead of failing its workflow task over and over.
 *
 * @example
 * ```ts
 * const worker = await Worker.create({ connection, taskQueue, workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } });
 * ```
 */
export const workflowInterceptorModules: string[] = [
  // The bundler takes a file: the compiled one in dist/, the source when run from lib/ (tests).
  ['.js', '.ts'].map((ext) => path.join(__dirname, `assert-to-failure-interceptor${ext}`)).find((file) => existsSync(file)) ??
    path.join(__dirname, 'assert-to-failure-interceptor.js'),
];

/** Options of {@link DevServer.start}. */
export interface DevServerStartOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  ip?: string;
  /** SQLite file to persist to (survives restarts); in memory when absent. */
  dbPath?: string;
  /** Namespaces to create besides `default`. */
  namespaces?: string[];
  /**
   * How long closed runs are kept, in ms (default one day, as on the real dev server); after it a
   * closed run is deleted and describing it gives NotFound. Short values keep a long test's memory flat.
   */
  retentionMs?: number;
  /**
   * Serve TLS: `{ cert, key }` PEM as file paths or bytes, plus `clientCa` to require client
   * certificates (mTLS). A bad path or PEM is refused with an `InvalidOptionError` naming the option.
   */
  tls?: DevServerTlsOptions;
  /** Require `authorization: Bearer <apiKey>` on every call (UNAUTHENTICATED otherwise). */
  apiKey?: string;
  /**
   * Run on a time-skipping clock and serve the TestService RPCs (lock and unlock time skipping,
   * sleep, current time), as the official test server does. `TestWorkflowEnvironment.createTimeSkipping()`
   * sets this up with a client that uses it.
   */
  timeSkipping?: boolean;
}

/** A running embedded dev server. */
export interface DevServerHandle {
  /** `host:port` to connect clients and workers to. */
  readonly address: string;
  /** The default namespace, `default`. */
  readonly namespace: string;
  /** Ends long polls, closes the store and releases the port. */
  stop(): Promise<void>;
}

export const DevServer = {
  /**
   * Starts an embedded dev server on loopback.
   *
   * @example
   * ```ts
   * const server = await DevServer.start({ port: 0, dbPath: '/tmp/dev.sqlite' });
   * console.log(server.address); // 127.0.0.1:41234
   * await server.stop();
   * ```
   */
  async start(options: DevServerStartOptions = {}): Promise<DevServerHandle> {
    const server = await startEmbeddedDevServer({
      port: options.port ?? 0,
      ip: options.ip,
      dbPath: options.dbPath,
      namespaces: options.namespaces,
      retentionMs: options.retentionMs,
      tls: options.tls,
      apiKey: options.apiKey,
      timeSkipping: options.timeSkipping,
    });
    return { address: server.address, namespace: server.namespace, stop: () => server.stop() };
  },
};
