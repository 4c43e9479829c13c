/**
 * The server a test runs against: our embedded dev server (`lib/devserver`) or the real Temporal
 * server (the Temporal CLI's `server start-dev`, built by `scripts/temporal-server.js`).
 *
 * `TEMPORAL_TEST_SERVER=embedded|cli` picks one (default `embedded`); `startTestServer()` starts it
 * with the namespaces and search attributes a test file needs and resolves once the frontend has
 * answered real RPCs (GetSystemInfo, DescribeNamespace for each namespace). Readiness and search
 * attribute registration use plain grpc-js, not our SDK, so they do not depend on its backend.
 *
 * Start one server per test file (in `beforeAll`), not per test: the real server takes a second or
 * two to start and a few hundred MB of memory.
 */
import * as grpc from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevServer } from '../../lib/devserver';
import { backendBanner } from './backend-banner';

export type TestServerKind = 'embedded' | 'cli';

export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface TestServerOptions {
  /** Namespaces to create besides `default`. */
  namespaces?: string[];
  /** Custom search attributes to register in every namespace, by name. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** Do not print the one "server: ..." line on start. */
  quiet?: boolean;
}

export interface TestServer {
  kind: TestServerKind;
  /** `127.0.0.1:port`. */
  address: string;
  /** `default`. */
  namespace: string;
  /** The server version from GetSystemInfo (`serverVersion`). */
  version: string;
  /** Milliseconds from launch to the first answered RPC (and every namespace described). */
  startupMs: number;
  /** One line naming the server, for test logs. */
  describe(): string;
  stop(): Promise<void>;
}

/** The shape of `scripts/temporal-server.js` this module uses. */
interface TemporalServerScript {
  cliVersion(): string;
  binaryPath(): string;
  logPath(): string;
  ensure(options?: { log?: (line: string) => void }): Promise<{ path: string; built: boolean; ms: number }>;
  startDevArgs(options: { port: number; namespaces?: string[]; searchAttributes?: Record<string, string> }): string[];
  freePort(): Promise<number>;
}

const script = require('../../scripts/temporal-server.js') as TemporalServerScript;

const DEFAULT_NAMESPACE = 'default';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Runs the server under bash and stops it when its stdin closes: on stop(), and also when the test
 * process dies without cleaning up (SIGKILL, a vitest worker torn down), since the pipe's only
 * writer is gone then. SIGTERM first, SIGKILL after 10 s. Exits with the server's status.
 * (Background jobs of a non-interactive shell read /dev/null, hence the copy of stdin on fd 3.)
 */
const WATCHDOG = `
exec 3<&0
"$@" </dev/null &
server=$!
( read -r _ <&3; kill -TERM "$server" 2>/dev/null
  i=0; while kill -0 "$server" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$server" 2>/dev/null ) &
watcher=$!
exec 3<&-
wait "$server"; status=$?
kill "$watcher" 2>/dev/null
exit "$status"
`;

/** The server kind picked by `TEMPORAL_TEST_SERVER` (default `embedded`); anything else throws. */
export function testServerKind(): TestServerKind {
  const value = process.env.TEMPORAL_TEST_SERVER;
  if (value === undefined || value === '' || value === 'embedded') return 'embedded';
  if (value === 'cli') return 'cli';
  throw new Error(`TEMPORAL_TEST_SERVER must be 'embedded' or 'cli', not '${value}'`);
}

/** Starts the server of `kind` (default: {@link testServerKind}). */
export async function startTestServer(kind: TestServerKind = testServerKind(), options: TestServerOptions = {}): Promise<TestServer> {
  const server = kind === 'cli' ? await startRealServer(options) : await startEmbeddedServer(options);
  if (!options.quiet) console.log(`test server: ${server.describe()}; ${await backendBanner()}`);
  return server;
}

/** Our dev server, in process. */
export async function startEmbeddedServer(options: TestServerOptions = {}): Promise<TestServer> {
  const started = Date.now();
  const server = await startDevServer({ port: 0, namespaces: options.namespaces });
  try {
    const rpc = new RawRpc(server.address);
    try {
      for (const namespace of [DEFAULT_NAMESPACE, ...(options.namespaces ?? [])]) {
        if (options.searchAttributes && Object.keys(options.searchAttributes).length > 0) {
          await rpc.addSearchAttributes(namespace, options.searchAttributes);
        }
      }
      const version = await rpc.serverVersion();
      const startupMs = Date.now() - started;
      return {
        kind: 'embedded',
        address: server.address,
        namespace: server.namespace,
        version,
        startupMs,
        describe: () => `embedded dev server (reports server ${version}) at ${server.address}, ready in ${startupMs} ms`,
        stop: () => server.stop(),
      };
    } finally {
      rpc.close();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * The real Temporal server: `temporal server start-dev`, headless, in memory, on 127.0.0.1 and a free
 * port. Builds the pinned CLI first when it is not cached (minutes, once per machine). Failing to get
 * the binary always throws, with the script's one-line reason; it never skips.
 */
export async function startRealServer(options: TestServerOptions = {}): Promise<TestServer> {
  const binary = await ensureCli();
  let lastError: unknown;
  // A free port can be taken between picking it and the server binding it: retry on a fresh one.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launchCli(binary, options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof EarlyExitError)) throw error;
    }
  }
  throw lastError;
}

let ensured: Promise<string> | undefined;

/** Path of the pinned CLI, built if needed (once per process). */
export function ensureCli(): Promise<string> {
  ensured ??= script
    .ensure({ log: (line) => console.log(line) })
    .then(
      (result) => {
        if (result.built) console.log(`temporal-server: built the Temporal CLI ${script.cliVersion()} in ${(result.ms / 1000).toFixed(1)} s`);
        return result.path;
      },
      (error: unknown) => {
        ensured = undefined;
        throw new Error(error instanceof Error ? error.message : String(error));
      },
    );
  return ensured;
}

class EarlyExitError extends Error {}

async function launchCli(binary: string, options: TestServerOptions): Promise<TestServer> {
  const port = await script.freePort();
  const address = `127.0.0.1:${port}`;
  const namespaces = options.namespaces ?? [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-cli-server-'));
  const args = script.startDevArgs({ port, namespaces, searchAttributes: options.searchAttributes });
  const started = Date.now();
  const command = [binary, ...args, '--disable-config-file', '--disable-config-env'];
  const useWatchdog = process.platform !== 'win32';
  const child = spawn(useWatchdog ? 'bash' : binary, useWatchdog ? ['-c', WATCHDOG, 'temporal-server-watchdog', ...command] : command.slice(1), {
    cwd: dir,
    env: { ...process.env, TMPDIR: dir },
    stdio: [useWatchdog ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve({ code: -1, signal: null });
    });
  });
  let exitedAlready = false;
  void exited.then(() => (exitedAlready = true));
  // A test process that exits without calling stop() must not leave a server behind (one that is
  // killed outright is covered by the watchdog).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const cleanup = () => {
    process.removeListener('exit', killOnExit);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  let rpc: RawRpc | undefined;
  try {
    // Connect only once the port is open: a grpc-js channel that failed early backs off for
    // seconds before it tries again, which would pad the measured start-up time.
    await waitForPort(port, () => exitedAlready);
    rpc = new RawRpc(address);
    const version = await waitUntilReady(rpc, [DEFAULT_NAMESPACE, ...namespaces], () => exitedAlready);
    const startupMs = Date.now() - started;
    let stopping: Promise<void> | undefined;
    return {
      kind: 'cli',
      address,
      namespace: DEFAULT_NAMESPACE,
      version,
      startupMs,
      describe: () => `real Temporal server ${version} (Temporal CLI ${script.cliVersion()}, watchdog pid ${child.pid}) at ${address}, ready in ${startupMs} ms`,
      stop: () => (stopping ??= stopChild(child, exited).finally(cleanup)),
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    const tail = output.trim().split('\n').slice(-15).join('\n');
    const message = `${error instanceof Error ? error.message : String(error)}${tail ? `\nserver output:\n${tail}` : ''}`;
    throw exitedAlready && Date.now() - started < READY_TIMEOUT_MS ? new EarlyExitError(message) : new Error(message);
  } finally {
    rpc?.close();
  }
}

async function waitForPort(port: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (exited()) throw new Error('the Temporal server exited before it listened');
    if (Date.now() > deadline) throw new Error(`the Temporal server did not listen on port ${port} within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitUntilReady(rpc: RawRpc, namespaces: string[], exited: () => boolean): Promise<string> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  let version: string | undefined;
  const pending = new Set(namespaces);
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the Temporal server exited before it answered');
    try {
      version ??= await rpc.serverVersion();
      for (const namespace of [...pending]) {
        await rpc.describeNamespace(namespace);
        pending.delete(namespace);
      }
      return version;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`the Temporal server did not answer within ${READY_TIMEOUT_MS} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Closing the watchdog's stdin makes it SIGTERM the server (and SIGKILL it 10 s later).
  if (child.stdin) child.stdin.end();
  else child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

const INDEXED_VALUE_TYPES: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

interface ProtoType<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/** Unary Temporal RPCs over plain grpc-js, independent of the SDK's backends. */
class RawRpc {
  private readonly client: grpc.Client;

  constructor(address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
  }

  async serverVersion(): Promise<string> {
    const { workflowservice } = temporal.api;
    const response = await this.call(
      '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
      workflowservice.v1.GetSystemInfoRequest,
      workflowservice.v1.GetSystemInfoResponse,
      {},
    );
    return response.serverVersion ?? 'unknown';
  }

  async describeNamespace(namespace: string): Promise<void> {
    const { workflowservice } = temporal.api;
    await this.call(
      '/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace',
      workflowservice.v1.DescribeNamespaceRequest,
      workflowservice.v1.DescribeNamespaceResponse,
      { namespace },
    );
  }

  async addSearchAttributes(namespace: string, attributes: Record<string, SearchAttributeType>): Promise<void> {
    const { operatorservice } = temporal.api;
    const searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
    for (const [name, type] of Object.entries(attributes)) searchAttributes[name] = INDEXED_VALUE_TYPES[type];
    await this.call(
      '/temporal.api.operatorservice.v1.OperatorService/AddSearchAttributes',
      operatorservice.v1.AddSearchAttributesRequest,
      operatorservice.v1.AddSearchAttributesResponse,
      { namespace, searchAttributes },
    );
  }

  close(): void {
    this.client.close();
  }

  private call<Req, Res>(method: string, requestType: ProtoType<Req>, responseType: ProtoType<Res>, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        method,
        (message: Req) => Buffer.from(requestType.encode(message).finish()),
        (bytes: Buffer) => responseType.decode(bytes),
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + 2_000 },
        (error: grpc.ServiceError | null, response?: Res) => (error ? reject(error) : resolve(response as Res)),
      );
    });
  }
}
