/**
 * One test file's world for the phase-2 peer tests: our dev server (`DevServer.start` from
 * lib/testing), the OFFICIAL @temporalio/client and a running OFFICIAL @temporalio/worker with the
 * phase-2 workflows (bundled once per file) and activities, on a task queue of its own.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { DevServer, type DevServerHandle } from '../../../lib/testing';
import * as activities from './activities';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type History = temporal.api.history.v1.IHistory;

export interface P2Env {
  server: DevServerHandle;
  connection: Connection;
  client: Client;
  nativeConnection: NativeConnection;
  workflowBundle: { code: string };
  /** The task queue the file's worker polls. */
  taskQueue: string;
  worker: Worker;
  /** Shuts the worker down, closes both connections and stops the server. */
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * Activities and workflows that fail on purpose (retries, timeouts, children) are logged by the worker at
 * WARN; everything else at WARN and above stays visible because it usually explains a failing test.
 */
const EXPECTED_NOISE = new Set(['Activity failed', 'Workflow failed']);

/** Installs the core runtime once per process with a quiet logger. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const logger = new DefaultLogger('WARN', (entry) => {
    if (EXPECTED_NOISE.has(entry.message)) return;
    // eslint-disable-next-line no-console
    console.error(`[worker ${entry.level}] ${entry.message}`, entry.meta ?? '');
  });
  try {
    Runtime.install({ logger });
  } catch {
    // Some other module of this process installed the runtime first; its logger stays.
  }
}

/** Bundles `test/peer/p2-support/<folder>/index.ts` with the official bundler. */
export async function bundleP2Workflows(folder = 'workflows'): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath: path.join(__dirname, folder, 'index.ts'), logger: new DefaultLogger('WARN') });
}

/** Starts the server, connects the official client and worker, and starts the worker running. */
export async function startP2Env(workerOptions: Partial<WorkerOptions> = {}): Promise<P2Env> {
  installRuntime();
  const [server, workflowBundle] = await Promise.all([DevServer.start({ port: 0 }), bundleP2Workflows()]);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `p2-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle,
    activities,
    ...workerOptions,
  });
  const running = worker.run();
  let stopping: Promise<void> | undefined;
  return {
    server,
    connection,
    client,
    nativeConnection,
    workflowBundle,
    taskQueue,
    worker,
    stop() {
      stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await nativeConnection.close();
          await connection.close();
          await server.stop();
        }
      })();
      return stopping;
    },
  };
}

const EVENT_TYPE_NAMES = temporal.api.enums.v1.EventType as unknown as Record<number, string>;

/** `EVENT_TYPE_WORKFLOW_TASK_SCHEDULED` → `WorkflowTaskScheduled`, for readable assertions. */
export function eventTypeName(event: HistoryEvent): string {
  return String(EVENT_TYPE_NAMES[Number(event.eventType)] ?? event.eventType)
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

/** The event type names of a history, in order. */
export function eventTypes(history: History): string[] {
  return (history.events ?? []).map(eventTypeName);
}

/** The events of one type (by readable name), in order. */
export function eventsOfType(history: History, name: string): HistoryEvent[] {
  return (history.events ?? []).filter((e) => eventTypeName(e) === name);
}

/** The only event of a type; fails the test with the full type list when it is absent or repeated. */
export function onlyEvent(history: History, name: string): HistoryEvent {
  const found = eventsOfType(history, name);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${name} event, found ${found.length} in [${eventTypes(history).join(', ')}]`);
  }
  return found[0];
}

/** Milliseconds of a protobuf Duration as the official client returns it in histories. */
export function durationMs(d: temporal.api.history.v1.IHistoryEvent['eventTime'] | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6);
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * Re-runs `probe` until it returns something other than `undefined` (the server and the worker
 * proceed asynchronously), failing with `what` if that does not happen within `timeoutMs`.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
