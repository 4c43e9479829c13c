/**
 * A connection to a Temporal server through the Rust core's client. The same `Connection` serves a
 * `Client` and a `Worker`, so both share one TLS session, API key, metadata and retry behaviour.
 */
import * as os from 'node:os';
import { grpc, temporal } from '@temporalio/proto';
import { ValueError } from '../common/errors';
import {
  checkedOptions,
  describeValue,
  topLevelOptions,
  InvalidOptionError,
  optionalOneOf,
  optionalString,
  requiredString,
  type OptionKeys,
} from '../common/options-validation';
import { parseDuration, type Duration } from '../common/time';
import { CoreError, createRuntime } from '../core';
import { validateProxy } from '../core/options';
import { IllegalStateError, sharedRuntimeClosed, sharedRuntimeCreated, sharedRuntimeOptions } from '../runtime/runtime';
import type {
  BackendChoice,
  ConnectionOptions as CoreConnectionOptions,
  CoreConnection,
  CoreRuntime,
  CoreWorker,
  HttpConnectProxyOptions,
  RpcCallOptions,
  ServiceName,
  WorkerOptions as CoreWorkerOptions,
} from '../core/types';
import { CallContext } from './call-context';
import { ServiceError } from './errors';
import { connectFailure } from './connection-failure';
import { toCoreTls, type TLSConfig } from './tls-options';
import { GrpcStatus } from './grpc-status';
import { createServiceMethods, type ServiceMethods } from './proto-service';
import { WorkerCoreConnections, type WorkerCoreLease } from './worker-core-connections';
import { WorkflowService } from './workflow-service';

/**
 * One typed method per OperatorService RPC, as on the official `connection.operatorService`.
 *
 * @example
 * ```ts
 * const { keys } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
 * ```
 */
export type OperatorService = ServiceMethods<temporal.api.operatorservice.v1.OperatorService>;

/**
 * The gRPC health service, as on the official `connection.healthService`.
 *
 * @example
 * ```ts
 * const { status } = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
 * ```
 */
export type HealthService = ServiceMethods<grpc.health.v1.Health>;

/**
 * The TestService of a time-skipping server, as on the official `connection.testService`: answered
 * by the server of `TestWorkflowEnvironment.createTimeSkipping()` (and the official Java test
 * server); other servers answer UNIMPLEMENTED. Calls are never retried, because a lock or unlock
 * applied twice would leave the server's lock count off by one.
 *
 * @example
 * ```ts
 * await connection.testService.unlockTimeSkippingWithSleep({ duration: { seconds: 3600 } });
 * const { time } = await connection.testService.getCurrentTime({});
 * ```
 */
export type TestService = ServiceMethods<temporal.api.testservice.v1.TestService>;

/** Client name and version the server sees; the version follows the package. */
const CLIENT_NAME = 'temporal-native';
const CLIENT_VERSION: string = (require('../../package.json') as { version: string }).version;

export type { TLSConfig } from './tls-options';

/**
 * An HTTP CONNECT proxy between this process and the server (the official `ProxyConfig`).
 *
 * @example
 * ```ts
 * const proxy: ProxyConfig = { type: 'http-connect', targetHost: 'proxy.internal:3128', basicAuth: { username: 'u', password: 'p' } };
 * ```
 */
export interface ProxyConfig {
  type: 'http-connect';
  /** `host:port` or `http://host:port` of the proxy. */
  targetHost: string;
  /** Sent in a `Proxy-Authorization: Basic` header (in plaintext to the proxy); no `:` or `@` in either. */
  basicAuth?: { username: string; password: string };
}

/**
 * Options of `Connection.connect` / `Connection.lazy` (and `NativeConnection.connect`). Names follow
 * the official `ConnectionOptions` and `NativeConnectionOptions`; options of the official grpc-js
 * channel (`credentials`, `channelArgs`, `interceptors`, ...) are refused with what to use instead.
 *
 * @example
 * ```ts
 * const options: ConnectionOptions = { address: 'localhost:7233', metadata: { 'x-team': 'payments' }, connectTimeout: '5s' };
 * ```
 */
export interface ConnectionOptions {
  /** `host:port` or an `http(s)://` URL; defaults to `localhost:7233`. */
  address?: string;
  /** `true` for TLS with system roots, a {@link TLSConfig} for custom roots or mTLS; `false`/`null` for plaintext. */
  tls?: boolean | TLSConfig | null;
  /**
   * Sent as `Authorization: Bearer <apiKey>`; implies TLS unless `tls: false` is given. A function is
   * called when connecting and before every client call; when it returns a new key, the connection's
   * key is replaced, for its workers' polls too (as `setApiKey` does).
   */
  apiKey?: string | (() => string);
  /** gRPC metadata sent with every call. */
  metadata?: Record<string, string>;
  /** Identity reported to the server; defaults to `<pid>@<hostname>`. */
  identity?: string;
  /** How long connecting may take before it fails with DEADLINE_EXCEEDED; default 10 seconds. */
  connectTimeout?: Duration;
  /** Reach the server through an HTTP CONNECT proxy. */
  proxy?: ProxyConfig;
  /** Re-resolve the address's DNS records this often and balance over them; `null` turns it off. Default every 30 s. */
  dnsLoadBalancingConfig?: { resolutionInterval: Duration } | null;
  /** Request compression; default gzip. */
  grpcCompression?: { codec: 'gzip' | 'none' };
  /** Core backend (`auto`, `native`, `neon`); ignored when `runtime` is given. */
  backend?: BackendChoice;
  /** A runtime to connect from; by default one shared runtime per process (and backend) is created. */
  runtime?: CoreRuntime;
}

/**
 * `NativeConnection` (from `@temporalio/worker`) takes the same options here: one connection serves
 * clients and workers.
 *
 * @example
 * ```ts
 * const options: NativeConnectionOptions = { address: 'localhost:7233' };
 * ```
 */
export type NativeConnectionOptions = ConnectionOptions;

/** The official connect timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const CONNECTION_KEYS: OptionKeys = {
  kind: 'connection option',
  supported: [
    'address', 'tls', 'apiKey', 'metadata', 'identity', 'connectTimeout', 'proxy', 'dnsLoadBalancingConfig', 'grpcCompression',
    'backend', 'runtime',
  ],
  unsupported: {
    credentials: 'the core makes the channel itself: use tls (TLSConfig for custom roots or mTLS) and apiKey',
    callCredentials: 'use apiKey, metadata, connection.setApiKey() or connection.withMetadata()',
    channelArgs: 'the core owns the gRPC channel and takes no grpc-js channel arguments: use connectTimeout, proxy, dnsLoadBalancingConfig or grpcCompression',
    interceptors: 'grpc-js interceptors cannot run on the core channel: use client interceptors (new Client({ interceptors })) or connection.withMetadata()',
    plugins: 'apply what the plugin configures to these options directly',
    disableErrorCodeMetricTags: 'the core always tags RPC error metrics with the error code here',
    payloadLimits: 'the core logs oversized payloads with its own defaults (512 KiB per payload field, 2 KiB per memo)',
  },
};

/** Everything `connect` needs, checked up front so that `Connection.lazy` throws bad options at once. */
interface ConnectionPlan {
  address: string;
  identity: string;
  connectTimeoutMs: number;
  backend: BackendChoice | undefined;
  runtime: CoreRuntime | undefined;
  coreOptions: CoreConnectionOptions;
  /** The `apiKey` option when it is a function (then `coreOptions.apiKey` is unset). */
  apiKeyFn: (() => string) | undefined;
}

/**
 * The address `Connection.connect()` uses when none is given: a local dev server's default port.
 *
 * @example
 * ```ts
 * const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? LOCAL_TARGET });
 * ```
 */
export const LOCAL_TARGET = 'localhost:7233';

function planConnection(options: ConnectionOptions): ConnectionPlan {
  const o = topLevelOptions(options, CONNECTION_KEYS);
  const address = optionalString(o.address, 'address') ?? LOCAL_TARGET;
  const identity = optionalString(o.identity, 'identity') ?? `${process.pid}@${os.hostname()}`;
  const apiKeyFn = typeof o.apiKey === 'function' ? (o.apiKey as () => string) : undefined;
  const apiKey = apiKeyFn ? undefined : optionalString(o.apiKey, 'apiKey');
  const connectTimeoutMs = o.connectTimeout === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : durationMs(o.connectTimeout, 'connectTimeout');
  if (connectTimeoutMs <= 0) throw new InvalidOptionError('connectTimeout', 'must be greater than 0');
  const backend = optionalOneOf(o.backend, ['auto', 'native', 'neon'] as const, 'backend');
  if (o.runtime !== undefined && (o.runtime === null || typeof (o.runtime as CoreRuntime).connect !== 'function')) {
    throw new InvalidOptionError('runtime', 'must be a core runtime (from createRuntime)');
  }
  const coreOptions: CoreConnectionOptions = {
    address,
    tls: toCoreTls(o.tls),
    apiKey,
    metadata: o.metadata as Record<string, string> | undefined,
    identity,
    clientName: CLIENT_NAME,
    clientVersion: CLIENT_VERSION,
  };
  if (o.proxy !== undefined) coreOptions.proxy = toCoreProxy(o.proxy);
  if (o.dnsLoadBalancingConfig !== undefined) {
    if (o.dnsLoadBalancingConfig === null) {
      coreOptions.dnsLoadBalancing = false;
    } else {
      const d = checkedOptions(o.dnsLoadBalancingConfig, 'dnsLoadBalancingConfig', { kind: 'dnsLoadBalancingConfig option', supported: ['resolutionInterval'] });
      coreOptions.dnsLoadBalancing = { resolutionIntervalMs: durationMs(d.resolutionInterval, 'dnsLoadBalancingConfig.resolutionInterval') };
    }
  }
  if (o.grpcCompression !== undefined) {
    const g = checkedOptions(o.grpcCompression, 'grpcCompression', { kind: 'grpcCompression option', supported: ['codec'] });
    const codec = optionalOneOf(g.codec, ['gzip', 'none'] as const, 'grpcCompression.codec');
    if (codec === undefined) throw new InvalidOptionError('grpcCompression.codec', "is required: 'gzip' or 'none'");
    coreOptions.grpcCompression = codec;
  }
  return { address, identity, connectTimeoutMs, backend, runtime: o.runtime as CoreRuntime | undefined, coreOptions, apiKeyFn };
}

/** Calls an `apiKey` function; what it throws or a key that is not printable text becomes an InvalidOptionError. */
function apiKeyFrom(fn: () => string): string {
  let key: unknown;
  try {
    key = fn();
  } catch (err) {
    throw new InvalidOptionError('apiKey', `the function threw: ${err instanceof Error ? err.message : String(err)}`);
  }
  return checkedApiKey(key);
}

function checkedApiKey(key: unknown): string {
  const value = requiredString(key, 'apiKey');
  if (!/^[\x20-\x7e]+$/.test(value)) throw new InvalidOptionError('apiKey', 'must contain only printable ASCII characters');
  return value;
}

function toCoreProxy(value: unknown): HttpConnectProxyOptions {
  const p = checkedOptions(value, 'proxy', { kind: 'proxy option', supported: ['type', 'targetHost', 'basicAuth'] });
  if (p.type !== 'http-connect') {
    throw new InvalidOptionError('proxy.type', `must be 'http-connect' (the only kind of proxy the core supports), got ${describeValue(p.type)}`);
  }
  // The core layer checks the address and the credentials; its errors name `connection options.proxy.*`.
  return validateProxy(p, 'proxy');
}

function durationMs(value: unknown, field: string): number {
  try {
    return parseDuration(value as Duration, field);
  } catch (err) {
    if (err instanceof ValueError) throw new InvalidOptionError(field, `must be a duration (ms number or a string such as '5s'): ${err.message}`);
    throw err;
  }
}

interface SharedRuntime {
  runtime: Promise<CoreRuntime>;
  /** Connections using it, counted from the moment they start connecting. */
  users: number;
}

const sharedRuntimes = new Map<string, SharedRuntime>();

/**
 * Runtimes own a thread pool, so one per process (per backend choice) serves every connection. It is
 * created with the first connection and closed with the last: a runtime left open keeps the event
 * loop alive, and a script that closed its connections must be able to exit.
 */
function acquireSharedRuntime(backend: BackendChoice | undefined): { runtime: Promise<CoreRuntime>; release: () => Promise<void> } {
  const key = backend ?? 'default';
  let entry = sharedRuntimes.get(key);
  if (!entry) {
    // Runtime.install's options (logger, metrics, ...) configure every shared runtime.
    const options = sharedRuntimeOptions();
    const created: SharedRuntime = { runtime: createRuntime(backend === undefined ? options : { ...options, backend }), users: 0 };
    created.runtime.then(sharedRuntimeCreated, () => undefined);
    // A failed creation must not poison later attempts.
    created.runtime.catch(() => {
      if (sharedRuntimes.get(key) === created) sharedRuntimes.delete(key);
    });
    sharedRuntimes.set(key, created);
    entry = created;
  }
  const acquired = entry;
  acquired.users++;
  let released = false;
  return {
    runtime: acquired.runtime,
    async release() {
      if (released) return;
      released = true;
      acquired.users--;
      if (acquired.users > 0) return;
      if (sharedRuntimes.get(key) === acquired) sharedRuntimes.delete(key);
      const runtime = await acquired.runtime.catch(() => undefined);
      if (runtime !== undefined) sharedRuntimeClosed(runtime);
      await runtime?.close();
    },
  };
}

/**
 * A connection to the Temporal server. `NativeConnection` is the same class, so worker code written
 * for `@temporalio/worker` (`NativeConnection.connect(...)`) runs unchanged.
 *
 * @example
 * ```ts
 * const connection = await Connection.connect({ address: 'localhost:7233' });
 * const client = new Client({ connection });
 * // ... later, the same connection drives a worker:
 * const worker = await Worker.create({ connection, taskQueue: 'q', workflowsPath });
 * await connection.close();
 * ```
 */
export class Connection {
  /** One typed method per WorkflowService RPC, plus `call(rpcName, request)`; errors are SDK errors. */
  readonly workflowService: WorkflowService;
  /** One typed method per OperatorService RPC (search attributes, namespaces, Nexus endpoints, clusters). */
  readonly operatorService: OperatorService;
  /** The gRPC health service (`check({ service })`). */
  readonly healthService: HealthService;
  /** One typed method per TestService RPC (time skipping); see {@link TestService}. */
  readonly testService: TestService;
  /**
   * The core connection; workers are created from it. On a connection made with `lazy`, RPCs wait
   * for the connection, and `createWorker` needs `ensureConnected()` first.
   */
  readonly core: CoreConnection;
  /** The identity given to (or defaulted by) `connect`. */
  readonly identity: string;
  readonly address: string;
  private readonly plan: ConnectionPlan;
  private readonly callContext = new CallContext();
  private readonly workerCores: WorkerCoreConnections;
  /** The `apiKey` function while one is in force (`setApiKey` replaces it), and the key it last gave. */
  private apiKeyFn: (() => string) | undefined;
  private lastApiKey: string | undefined;
  /** Settles once connecting succeeded; reset after a failure so that the next call tries again. */
  private connecting: Promise<CoreConnection> | undefined;
  private connected: { core: CoreConnection; runtime: CoreRuntime; release: () => Promise<void> } | undefined;
  private closed = false;

  private constructor(plan: ConnectionPlan) {
    this.plan = plan;
    this.apiKeyFn = plan.apiKeyFn;
    this.identity = plan.identity;
    this.address = plan.address;
    this.core = new DeferredCoreConnection(this);
    this.workerCores = new WorkerCoreConnections(this.core, async () => {
      await this.ensureConnected();
      // A sibling dials with the key last handed to the cores; the replayed settings keep it in step.
      const key = this.lastApiKey;
      return this.connected!.runtime.connect(key === undefined ? plan.coreOptions : { ...plan.coreOptions, apiKey: key });
    });
    const callOptions = () => {
      this.refreshApiKey();
      return this.callContext.rpcOptions();
    };
    this.workflowService = new WorkflowService(this.core, callOptions);
    this.operatorService = createServiceMethods('operator', temporal.api.operatorservice.v1.OperatorService, this.core, callOptions);
    this.healthService = createServiceMethods('health', grpc.health.v1.Health, this.core, callOptions);
    this.testService = createServiceMethods('test', temporal.api.testservice.v1.TestService, this.core, () => ({ ...callOptions(), retry: false }));
  }

  /**
   * Connects to the server. Rejects with `InvalidOptionError` for malformed options and with
   * `ServiceError` (code UNAVAILABLE unless the server said otherwise, DEADLINE_EXCEEDED after
   * `connectTimeout`) when the server cannot be reached.
   *
   * @example
   * ```ts
   * const connection = await Connection.connect({ address: 'my-ns.tmprl.cloud:7233', apiKey: process.env.KEY });
   * ```
   */
  static async connect(options: ConnectionOptions = {}): Promise<Connection> {
    const connection = new Connection(planConnection(options));
    await connection.ensureConnected();
    return connection;
  }

  /**
   * Makes a connection that connects on its first call (or `ensureConnected()`). Options are checked
   * now: bad ones throw here.
   *
   * @example
   * ```ts
   * const connection = Connection.lazy({ address: 'localhost:7233' });
   * const client = new Client({ connection }); // nothing dialled yet
   * await client.workflow.start(greet, { taskQueue: 'q', workflowId: 'w' }); // connects, then starts
   * ```
   */
  static lazy(options: ConnectionOptions = {}): Connection {
    return new Connection(planConnection(options));
  }

  /**
   * Connects if not connected yet; resolves at once when connected. A failed attempt rejects and
   * the next call tries again.
   *
   * @example
   * ```ts
   * const connection = Connection.lazy();
   * await connection.ensureConnected();
   * ```
   */
  ensureConnected(): Promise<void> {
    if (this.closed) return Promise.reject(new IllegalStateError('Connection is closed'));
    if (this.connecting === undefined) {
      const attempt = this.open();
      this.connecting = attempt;
      attempt.catch(() => {
        if (this.connecting === attempt) this.connecting = undefined;
      });
    }
    return this.connecting.then(() => undefined);
  }

  /** The connected core, connecting first if needed (what `DeferredCoreConnection` forwards to). */
  async connectedCore(): Promise<CoreConnection> {
    await this.ensureConnected();
    return this.connected!.core;
  }

  /** The core connection when connected, else `undefined`. */
  currentCore(): CoreConnection | undefined {
    return this.connected?.core;
  }

  /** The core runtime this connection was made from once connected (its metric meter feeds the same exporter). */
  get coreRuntime(): CoreRuntime | undefined {
    return this.connected?.runtime;
  }

  private async open(): Promise<CoreConnection> {
    const { plan } = this;
    const coreOptions = this.dialOptions();
    const shared = plan.runtime === undefined ? acquireSharedRuntime(plan.backend) : undefined;
    const release = shared?.release ?? (async () => undefined);
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const dial = (async () => {
      const runtime = plan.runtime ?? (await shared!.runtime);
      return { runtime, core: await runtime.connect(coreOptions) };
    })();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(
          new ServiceError(`Failed to connect to ${plan.address} within ${plan.connectTimeoutMs} ms (connectTimeout)`, {
            code: GrpcStatus.DEADLINE_EXCEEDED,
            rpc: 'connect',
          }),
        );
      }, plan.connectTimeoutMs);
    });
    try {
      const { runtime, core } = await Promise.race([dial, deadline]);
      if (this.closed) {
        // close() ran while connecting: what was opened is closed here.
        await core.close().finally(release);
        throw new IllegalStateError('Connection is closed');
      }
      this.connected = { core, runtime, release };
      (this.core as DeferredCoreConnection).flush(core);
      return core;
    } catch (err) {
      if (timedOut) {
        // The core's connect goes on; whatever it opens late is closed and the runtime released.
        dial.then(({ core }) => core.close(), () => undefined).finally(release);
      } else if (!(err instanceof IllegalStateError)) {
        await release();
      }
      // An unreachable server is a failed call like any other, and a TLS or API key refusal says
      // which; option errors (TypeError) stay as they are.
      if (err instanceof CoreError) {
        const tls = coreOptions.tls;
        throw connectFailure(err, {
          address: plan.address,
          // An API key without an explicit `tls` turns TLS on (core option rules).
          tls: tls === undefined ? coreOptions.apiKey !== undefined : tls !== false,
          clientCertificate: typeof tls === 'object' && tls.clientCertPair !== undefined,
          apiKey: coreOptions.apiKey !== undefined,
        });
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The core connection a new worker on `namespace`/`taskQueue` should use: this connection's own,
   * or a sibling with the same options when a worker on this queue already runs here (the core
   * allows one per client). `Worker` calls it; release the lease once the worker has finalized.
   *
   * @example
   * ```ts
   * const lease = await connection.leaseWorkerCore('default', 'orders');
   * ```
   */
  async leaseWorkerCore(namespace: string, taskQueue: string): Promise<WorkerCoreLease> {
    if (this.closed) throw new IllegalStateError('Connection is closed');
    await this.ensureConnected();
    return this.workerCores.acquire(namespace, taskQueue);
  }

  /**
   * Runs `fn` with extra gRPC metadata on every call it makes (merged over enclosing scopes).
   *
   * @example
   * ```ts
   * await connection.withMetadata({ 'x-request-id': id }, () => handle.signal('ping'));
   * ```
   */
  withMetadata<R>(metadata: Record<string, string>, fn: () => Promise<R>): Promise<R> {
    if (metadata === null || typeof metadata !== 'object') throw new InvalidOptionError('metadata', 'must be an object');
    return this.callContext.run({ metadata }, fn);
  }

  /**
   * Runs `fn` with a deadline on every call it makes; calls still running at the deadline fail with
   * DEADLINE_EXCEEDED.
   *
   * @example
   * ```ts
   * await connection.withDeadline(Date.now() + 5_000, () => handle.describe());
   * ```
   */
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    const ms = deadline instanceof Date ? deadline.getTime() : deadline;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new InvalidOptionError('deadline', 'must be a Date or epoch milliseconds');
    }
    return this.callContext.run({ deadline: ms }, fn);
  }

  /**
   * Runs `fn` so that aborting `signal` cancels every call it has in flight.
   *
   * @example
   * ```ts
   * const ac = new AbortController();
   * const pending = connection.withAbortSignal(ac.signal, () => handle.result());
   * ac.abort();
   * ```
   */
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    if (!(signal instanceof AbortSignal)) throw new InvalidOptionError('signal', 'must be an AbortSignal');
    return this.callContext.run({ signal }, fn);
  }

  /**
   * Runs `fn` with `apiKey` in place of the connection's API key for every call it makes (as
   * `Authorization: Bearer <apiKey>`); calls outside `fn` keep the connection's key.
   *
   * @example
   * ```ts
   * await connection.withApiKey(tenantKey, () => client.workflow.start(greet, options));
   * ```
   */
  withApiKey<R>(apiKey: string, fn: () => Promise<R>): Promise<R> {
    const key = checkedApiKey(apiKey);
    return this.callContext.run({ metadata: { authorization: `Bearer ${key}` } }, fn);
  }

  /**
   * Replaces the API key for all later calls (of clients and workers on this connection).
   *
   * @example
   * ```ts
   * connection.setApiKey(await rotateKey());
   * ```
   */
  setApiKey(apiKey: string | undefined): void {
    const key = optionalString(apiKey, 'apiKey');
    // A fixed key replaces an `apiKey` function, as in the official client.
    this.apiKeyFn = undefined;
    this.lastApiKey = key;
    this.workerCores.update('apiKey', (core) => core.updateApiKey(key));
  }

  /** The options to connect with: the plan's, with the `apiKey` function's current key. */
  private dialOptions(): CoreConnectionOptions {
    if (!this.apiKeyFn) return this.plan.coreOptions;
    this.lastApiKey = apiKeyFrom(this.apiKeyFn);
    return { ...this.plan.coreOptions, apiKey: this.lastApiKey };
  }

  /** Asks the `apiKey` function for the key before a call, and hands a new one to every core connection. */
  private refreshApiKey(): void {
    if (!this.apiKeyFn) return;
    const key = apiKeyFrom(this.apiKeyFn);
    if (key === this.lastApiKey) return;
    this.lastApiKey = key;
    this.workerCores.update('apiKey', (core) => core.updateApiKey(key));
  }

  /**
   * Replaces the metadata sent with every call.
   *
   * @example
   * ```ts
   * connection.setMetadata({ 'x-team': 'payments' });
   * ```
   */
  setMetadata(metadata: Record<string, string>): void {
    if (metadata === null || typeof metadata !== 'object') throw new InvalidOptionError('metadata', 'must be an object');
    this.workerCores.update('metadata', (core) => core.updateMetadata(metadata));
  }

  /**
   * Closes the connection (and the shared runtime when this was its last connection; a runtime
   * passed in `options.runtime` stays open). Workers made from it must be shut down first.
   * Idempotent.
   *
   * @example
   * ```ts
   * await connection.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A connect in flight finishes by closing what it opened (see `open`).
    await this.connecting?.catch(() => undefined);
    const connected = this.connected;
    this.connected = undefined;
    if (connected === undefined) return;
    try {
      await this.workerCores.closeSiblings();
      await connected.core.close();
    } finally {
      await connected.release();
    }
  }
}

/**
 * `NativeConnection` of `@temporalio/worker`: here the same class as {@link Connection}, since
 * clients and workers share one core connection.
 *
 * @example
 * ```ts
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * const worker = await Worker.create({ connection, taskQueue: 'q', workflowsPath });
 * ```
 */
export const NativeConnection = Connection;
export type NativeConnection = Connection;

/**
 * The core connection of a `Connection`, usable before it connected: RPCs wait for the connection,
 * settings made before it are applied once it exists, and creating a worker needs it to exist.
 */
class DeferredCoreConnection implements CoreConnection {
  /** Settings made before the connection existed, applied to it once it does (latest of each kind). */
  private readonly pending = new Map<string, (core: CoreConnection) => void>();

  constructor(private readonly owner: Connection) {}

  async rpcCall(service: ServiceName, rpc: string, request: Uint8Array, options?: RpcCallOptions): Promise<Uint8Array> {
    const core = await this.owner.connectedCore();
    this.flush(core);
    return core.rpcCall(service, rpc, request, options);
  }

  updateMetadata(metadata: Record<string, string>): void {
    this.apply('metadata', (core) => core.updateMetadata(metadata));
  }

  updateBinaryMetadata(metadata: Record<string, Uint8Array>): void {
    this.apply('binaryMetadata', (core) => core.updateBinaryMetadata(metadata));
  }

  updateApiKey(apiKey: string | undefined): void {
    this.apply('apiKey', (core) => core.updateApiKey(apiKey));
  }

  createWorker(options: CoreWorkerOptions): CoreWorker {
    const core = this.owner.currentCore();
    if (core === undefined) {
      throw new IllegalStateError('Connection is not connected yet: await connection.ensureConnected() before creating a worker from connection.core');
    }
    this.flush(core);
    return core.createWorker(options);
  }

  close(): Promise<void> {
    return this.owner.close();
  }

  private apply(kind: string, set: (core: CoreConnection) => void): void {
    const core = this.owner.currentCore();
    if (core === undefined) {
      this.pending.set(kind, set);
      return;
    }
    this.flush(core);
    set(core);
  }

  /** Applies the settings made before `core` existed. */
  flush(core: CoreConnection): void {
    if (this.pending.size === 0) return;
    const settings = [...this.pending.values()];
    this.pending.clear();
    for (const set of settings) set(core);
  }
}
