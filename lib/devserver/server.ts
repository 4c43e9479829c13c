/**
 * Starts the embedded dev server: one grpc-js server on loopback serving WorkflowService,
 * OperatorService (search attributes) and gRPC health, over an Engine that is in memory or backed by
 * a store (with `dbPath`). `stop()` ends long polls promptly, closes the store and frees the port.
 */
import * as grpc from '@grpc/grpc-js';
import { Engine } from './engine/engine';
import { runDeadlines } from './engine/deadlines';
import { dispatchActivityTask } from './engine/activities';
import { dispatchWorkflowTask } from './engine/wft';
import { recover } from './engine/recovery';
import type { EngineStore } from './engine/store';
import { executionHandlers } from './api/executions';
import { interactiveHandlers } from './api/interactive';
import { operatorHandlers } from './api/operator';
import { DEFAULT_RETENTION_MS, healthHandlers, newNamespace, systemHandlers } from './api/system';
import { taskHandlers } from './api/tasks';
import { visibilityHandlers } from './api/visibility';
import { CallRegistry, implement, serviceDefinition } from './transport';
import { openStore } from './persistence';
import { inlineInflateInterceptor } from './inline-inflate';
import { scheduleHandlers } from './api/schedules';
import type { ScheduleClock } from './schedules/clock';
import { systemClock, type Clock } from './clock';
import { TimeSkippingClock } from './time-skipping-clock';
import { hasWorkInFlight } from './engine/in-flight';
import { testServiceHandlers } from './api/test-service';
import { decodeRecord } from './schedules/record';
import { Schedules } from './schedules/scheduler';
import { exposureWarning, resolveListenSecurity, type DevServerTlsOptions } from './listen-security';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  ip?: string;
  /** SQLite file to persist to; in memory when absent. */
  dbPath?: string;
  /** Namespaces to create besides `default`. */
  namespaces?: string[];
  /** Where unexpected internal errors are reported; default `console.error`. */
  log?: (message: string) => void;
  /**
   * The server's one clock: event times, timers, timeouts, retries, schedules, visibility times and
   * retention all read it. Default the system clock.
   */
  clock?: Clock;
  /**
   * Time skipping, as on the official test server: the server runs on a {@link TimeSkippingClock}
   * (exposed as `timeSkipping` on the running server) and serves the TestService RPCs. Not with `clock`.
   */
  timeSkipping?: boolean;
  /**
   * A separate clock for schedules only (default: `clock`). Schedule tests pass a `ManualClock` to
   * move schedule time forward (hours, days, a DST change) while workflows run in real time.
   */
  scheduleClock?: ScheduleClock;
  /**
   * How long closed runs are kept (ms) in the namespaces this server creates (`default` and
   * `namespaces`); default one day, as on the real dev server. After it a closed run is deleted, so
   * describe says NotFound. Tests pass a short one; RegisterNamespace/UpdateNamespace set their own.
   */
  retentionMs?: number;
  /**
   * Largest gRPC message received or sent, in bytes; default 128 MiB. A larger request is refused
   * with RESOURCE_EXHAUSTED. Tests lower it to exercise the limit without huge payloads.
   */
  maxMessageBytes?: number;
  /**
   * Serve TLS with this certificate and key (PEM, as file paths or bytes); with `clientCa`, clients
   * must also present a certificate that CA signed (mTLS). Plaintext when absent.
   */
  tls?: DevServerTlsOptions;
  /**
   * Require `authorization: Bearer <apiKey>` on every call; others get UNAUTHENTICATED. Letters,
   * digits and `-._~+/` (then `=` padding), as a bearer token.
   */
  apiKey?: string;
}

/** A running dev server. */
export interface RunningDevServer {
  /** `host:port` to pass to `Connection.connect({ address })` / `NativeConnection.connect`. */
  readonly address: string;
  readonly port: number;
  /** The default namespace (`default`). */
  readonly namespace: string;
  /** The state machine host, for tests and tools that inspect server state. */
  readonly engine: Engine;
  /** The schedules and their runner, for tests and tools. */
  readonly schedules: Schedules;
  /** The time-skipping clock when started with `timeSkipping`. */
  readonly timeSkipping?: TimeSkippingClock;
  /** Ends long polls, stops accepting calls, closes the store and releases the port. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_NAMESPACE = 'default';
const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/**
 * Starts a dev server.
 *
 * @example
 * ```ts
 * const server = await startDevServer({ port: 0 });
 * const connection = await Connection.connect({ address: server.address });
 * // ...
 * await server.stop();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<RunningDevServer> {
  const log = options.log ?? ((m: string) => console.error(m));
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in 0..65535, got ${port}`);
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!Number.isFinite(retentionMs) || retentionMs <= 0) throw new RangeError(`retentionMs must be a positive number of milliseconds, got ${options.retentionMs}`);
  // Before the store (and any clock) starts, so that a bad certificate path leaves nothing behind.
  const security = resolveListenSecurity({ tls: options.tls, apiKey: options.apiKey });
  if (options.timeSkipping && options.clock) throw new TypeError('clock and timeSkipping cannot be combined: time skipping brings its own clock');
  const timeSkipping = options.timeSkipping ? new TimeSkippingClock(log) : undefined;
  const clock: Clock = timeSkipping ?? options.clock ?? systemClock;
  const store: EngineStore | null = options.dbPath ? openStore(options.dbPath) : null;
  const engine = new Engine(
    {
      dispatchWorkflowTask,
      dispatchActivityTask,
      deadlines: runDeadlines,
    },
    store,
    log,
    clock,
  );
  if (timeSkipping) {
    timeSkipping.setIdleProbe(() => !hasWorkInFlight(engine));
    engine.onCommit(() => timeSkipping.stateChanged());
  }
  const schedules = new Schedules(engine, options.scheduleClock ?? clock, log);
  try {
    if (store) recover(engine, store);
    engine.transact(() => {
      for (const name of [DEFAULT_NAMESPACE, ...(options.namespaces ?? [])]) {
        if (!engine.namespaces.has(name)) engine.addNamespace(newNamespace(name, '', retentionMs, clock.now()));
      }
    });
    // After the runs, so a restored schedule sees which of its workflows are still running; it then
    // catches up on the time it was down, within its catchup window.
    if (store) schedules.restore([...store.scanRecords('schedule/')].map(([, json]) => decodeRecord(json)));
  } catch (err) {
    schedules.stop();
    engine.stop();
    timeSkipping?.stop();
    store?.close();
    throw err;
  }

  const calls = new CallRegistry();
  const onError = (method: string, err: unknown): void => {
    log(`dev server: ${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  };
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    // Channelz bookkeeping costs CPU on every call and nothing here reads it.
    'grpc.enable_channelz': 0,
    // The inflate interceptor must see grpc-js's base call, so it comes first.
    interceptors: [inlineInflateInterceptor, ...security.interceptors],
  });
  const workflowService = serviceDefinition('temporal.api.workflowservice.v1.WorkflowService');
  server.addService(
    workflowService,
    implement(
      workflowService,
      {
        ...systemHandlers(engine),
        ...executionHandlers(engine),
        ...taskHandlers(engine),
        ...interactiveHandlers(engine),
        ...visibilityHandlers(engine),
        ...scheduleHandlers(engine, schedules),
      },
      calls,
      onError,
    ),
  );
  const operatorService = serviceDefinition('temporal.api.operatorservice.v1.OperatorService');
  server.addService(operatorService, implement(operatorService, operatorHandlers(engine), calls, onError));
  if (timeSkipping) {
    const testService = serviceDefinition('temporal.api.testservice.v1.TestService');
    server.addService(testService, implement(testService, testServiceHandlers(timeSkipping), calls, onError));
  }
  const health = serviceDefinition('grpc.health.v1.Health');
  server.addService(health, implement(health, healthHandlers(), calls, onError));

  let boundPort: number;
  try {
    boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${ip}:${port}`, security.credentials, (err, p) => (err ? reject(err) : resolve(p)));
    });
  } catch (err) {
    schedules.stop();
    engine.stop();
    timeSkipping?.stop();
    store?.close();
    throw err;
  }

  const warning = exposureWarning(ip, security);
  if (warning !== undefined) log(warning);

  let stopping: Promise<void> | undefined;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return {
    address: `${host}:${boundPort}`,
    port: boundPort,
    namespace: DEFAULT_NAMESPACE,
    engine,
    schedules,
    timeSkipping,
    stop() {
      stopping ??= (async () => {
        calls.cancelAll();
        schedules.stop();
        engine.stop();
        timeSkipping?.stop();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 2_000);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
        store?.close();
      })();
      return stopping;
    },
  };
}
