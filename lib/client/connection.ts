/**
 * A connection to a Temporal server through the Rust core's client. The same `Connection` serves a
 * `Client` and a `Worker`, so both share one TLS session, API key, metadata and retry behaviour.
 */
import * as os from 'node:os';
import { CoreError, createRuntime } from '../core';
import { sharedRuntimeClosed, sharedRuntimeCreated, sharedRuntimeOptions } from '../runtime/runtime';
import type { BackendChoice, CoreConnection, CoreRuntime, TlsOptions as CoreTlsOptions } from '../core/types';
import { CallContext } from './call-context';
import { InvalidOptionError, ServiceError } from './errors';
import { GrpcStatus } from './grpc-status';
import { WorkerCoreConnections, type WorkerCoreLease } from './worker-core-connections';
import { WorkflowService } from './workflow-service';

/** Client name and version the server sees; the version follows the package. */
const CLIENT_NAME = 'temporal-native';
const CLIENT_VERSION: string = (require('../../package.json') as { version: string }).version;

/**
 * TLS settings. Field names follow the official SDK; certificates are PEM bytes.
 *
 * @example
 * ```ts
 * const tls: TLSConfig = { serverRootCACertificate: fs.readFileSync('ca.pem'), clientCertPair: { crt, key } };
 * ```
 */
export interface TLSConfig {
  serverNameOverride?: string;
  serverRootCACertificate?: Uint8Array;
  clientCertPair?: { crt: Uint8Array; key: Uint8Array };
}

/**
 * @example
 * ```ts
 * const options: ConnectionOptions = { address: 'localhost:7233', metadata: { 'x-team': 'payments' } };
 * ```
 */
export interface ConnectionOptions {
  /** `host:port` or an `http(s)://` URL; defaults to `localhost:7233`. */
  address?: string;
  /** `true` for TLS with system roots, a {@link TLSConfig} for custom roots or mTLS. */
  tls?: boolean | TLSConfig;
  /** Sent as `Authorization: Bearer <apiKey>`; implies TLS unless `tls: false` is given. */
  apiKey?: string;
  /** gRPC metadata sent with every call. */
  metadata?: Record<string, string>;
  /** Identity reported to the server; defaults to `<pid>@<hostname>`. */
  identity?: string;
  /** Core backend (`auto`, `native`, `neon`); ignored when `runtime` is given. */
  backend?: BackendChoice;
  /** A runtime to connect from; by default one shared runtime per process (and backend) is created. */
  runtime?: CoreRuntime;
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

function toCoreTls(tls: ConnectionOptions['tls']): boolean | CoreTlsOptions | undefined {
  if (tls === undefined || typeof tls === 'boolean') return tls;
  if (tls === null || typeof tls !== 'object') throw new InvalidOptionError('tls', 'must be a boolean or a TLS config object');
  return {
    serverNameOverride: tls.serverNameOverride,
    serverRootCaCert: tls.serverRootCACertificate,
    clientCertPair: tls.clientCertPair,
  };
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new InvalidOptionError(field, 'must be a non-empty string');
  return value;
}

/**
 * A connection to the Temporal server.
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
  /** Raw, typed access to WorkflowService RPCs (errors already mapped to SDK errors). */
  readonly workflowService: WorkflowService;
  private readonly callContext: CallContext;
  private readonly workerCores: WorkerCoreConnections;
  private closed = false;

  private constructor(
    /** The core connection; workers are created from it (`connection.core.createWorker(...)`). */
    readonly core: CoreConnection,
    /** The identity given to (or defaulted by) `connect`. */
    readonly identity: string,
    readonly address: string,
    private readonly releaseRuntime: () => Promise<void>,
    openSibling: () => Promise<CoreConnection>,
    /** The core runtime this connection was made from (its metric meter feeds the same exporter). */
    readonly coreRuntime?: CoreRuntime,
  ) {
    this.workerCores = new WorkerCoreConnections(core, openSibling);
    this.callContext = new CallContext();
    this.workflowService = new WorkflowService(core, () => this.callContext.rpcOptions());
  }

  /**
   * Connects to the server. Rejects with `TypeError` for malformed options and with `ServiceError`
   * (code UNAVAILABLE unless the server said otherwise) when the server cannot be reached.
   *
   * @example
   * ```ts
   * const connection = await Connection.connect({ address: 'my-ns.tmprl.cloud:7233', apiKey: process.env.KEY });
   * ```
   */
  static async connect(options: ConnectionOptions = {}): Promise<Connection> {
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
    const address = optionalString(options.address, 'address') ?? 'localhost:7233';
    const identity = optionalString(options.identity, 'identity') ?? `${process.pid}@${os.hostname()}`;
    const apiKey = optionalString(options.apiKey, 'apiKey');
    const tls = toCoreTls(options.tls);
    const shared = options.runtime === undefined ? acquireSharedRuntime(options.backend) : undefined;
    let core: CoreConnection;
    let openSibling: () => Promise<CoreConnection>;
    let runtime: CoreRuntime;
    try {
      runtime = options.runtime ?? (await shared!.runtime);
      const coreOptions = {
        address,
        tls,
        apiKey,
        metadata: options.metadata,
        identity,
        clientName: CLIENT_NAME,
        clientVersion: CLIENT_VERSION,
      };
      core = await runtime.connect(coreOptions);
      openSibling = () => runtime.connect(coreOptions);
    } catch (err) {
      await shared?.release();
      // An unreachable server is a failed call like any other; option errors (TypeError) stay as they are.
      if (err instanceof CoreError) {
        throw new ServiceError(`Failed to connect to ${address}: ${err.message}`, {
          code: err.code ?? GrpcStatus.UNAVAILABLE,
          rpc: 'connect',
          cause: err,
        });
      }
      throw err;
    }
    return new Connection(core, identity, address, shared?.release ?? (async () => undefined), openSibling, runtime);
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
  leaseWorkerCore(namespace: string, taskQueue: string): Promise<WorkerCoreLease> {
    if (this.closed) return Promise.reject(new InvalidOptionError('connection', 'is closed'));
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
   * Replaces the API key for all later calls (of clients and workers on this connection).
   *
   * @example
   * ```ts
   * connection.setApiKey(await rotateKey());
   * ```
   */
  setApiKey(apiKey: string | undefined): void {
    const key = optionalString(apiKey, 'apiKey');
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
    try {
      await this.workerCores.closeSiblings();
      await this.core.close();
    } finally {
      await this.releaseRuntime();
    }
  }
}
