/**
 * The conformance harness. A file calls `conformanceFile(name)` once: beforeAll starts one server of
 * each kind (our embedded dev server and the real one from the Temporal CLI), connects the official
 * client, a typed raw gRPC client and (optionally) one official worker per server on the same task
 * queue name. `scenario(name, fn)` then runs `fn` against both servers at once; `fn` returns an
 * observation (aspect → value) and the harness compares every aspect after normalising UUIDs.
 *
 * Known divergences (./divergences.ts) are consulted per (scenario, aspect): a listed aspect must
 * still differ (and look like the listed difference), an unlisted one must be equal. A listed
 * divergence whose scenario no longer reports its aspect also fails, so the list cannot go stale.
 *
 * Without the real server the scenarios fail when CI is set and are skipped (with the reason printed)
 * otherwise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, expect, test, type TestContext } from 'vitest';
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId, type WorkflowStartOptions } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { createActivities, type ActivityState } from '../activities';
import { DIVERGENCES } from '../divergences';
import type { Divergence } from './divergences-type';
import { eventTypes, normaliseHistory, replaceUuids, type ComparedEvent } from './normalise';
import { connectRaw, type RawClient } from './raw';
import { startServer, type ServerKind, type TestServer } from './servers';

/** Everything a scenario can use on one server. */
export interface World {
  readonly kind: ServerKind;
  readonly server: TestServer;
  readonly namespace: string;
  readonly connection: Connection;
  readonly client: Client;
  readonly nativeConnection: NativeConnection;
  readonly raw: RawClient;
  /** The task queue the file's worker polls (the same name on both servers). */
  readonly taskQueue: string;
  /** State the activities of this world's worker recorded. */
  readonly activities: ActivityState;
  /** A workflow id unique to this scenario and `label`, identical on both servers. */
  id(label: string): string;
  /** Starts `workflowType` on the file's task queue with id `id(label)`. */
  start(workflowType: string, label: string, args?: unknown[], options?: Partial<WorkflowStartOptions>): Promise<WorkflowHandleWithFirstExecutionRunId>;
  /** The full history of a run (the current run when `runId` is absent), normalised. */
  history(workflowId: string, runId?: string): Promise<ComparedEvent[]>;
  /** The raw history events of a run. */
  rawHistory(workflowId: string, runId?: string): Promise<temporal.api.history.v1.IHistoryEvent[]>;
  /** Creates another official worker on this server (the caller runs and stops it). */
  createWorker(options?: Partial<WorkerOptions>): Promise<Worker>;
  /** Waits until the run has no workflow task pending or running (the worker caught up). */
  idle(workflowId: string, runId?: string): Promise<void>;
  /** Waits until `check` holds for the run's history. */
  waitForHistory(workflowId: string, check: (types: string[]) => boolean, what: string, runId?: string): Promise<void>;
}

export type Observation = Record<string, unknown>;
export type ScenarioFn = (w: World) => Promise<Observation>;

export interface FileOptions {
  /** Start one official worker per server on the file's task queue (default true). */
  worker?: boolean;
  /** Extra options for that worker. */
  workerOptions?: Partial<WorkerOptions>;
}

let runtimeInstalled = false;
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // Scenarios fail tasks and time out activities on purpose: keep the core's warnings about them quiet.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // installed by another module of this process
  }
}

let bundlePromise: Promise<{ code: string }> | undefined;
function workflowBundle(): Promise<{ code: string }> {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', 'workflows', 'index.ts'), logger: new DefaultLogger('ERROR') });
  return bundlePromise;
}

interface WorldHandle {
  world: World;
  worker?: Worker;
  running?: Promise<void>;
  close(): Promise<void>;
}

async function openWorld(kind: ServerKind, file: string, options: FileOptions, scenarioSlug: () => string): Promise<WorldHandle> {
  const server = await startServer(kind);
  const closers: Array<() => Promise<void>> = [() => server.stop()];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const connection = await Connection.connect({ address: server.address });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    closers.push(() => nativeConnection.close());
    const raw = connectRaw(server.address);
    closers.push(async () => raw.close());
    const taskQueue = `conformance-${file}`;
    const { activities, state } = createActivities();
    const bundle = await workflowBundle();
    const createWorker = (extra: Partial<WorkerOptions> = {}): Promise<Worker> =>
      Worker.create({
        connection: nativeConnection,
        namespace: server.namespace,
        taskQueue,
        workflowBundle: bundle,
        activities,
        ...extra,
      } as WorkerOptions);
    const rawHistory = async (workflowId: string, runId?: string) => {
      const events: temporal.api.history.v1.IHistoryEvent[] = [];
      let token: Uint8Array | undefined;
      do {
        const page = await raw.workflow.getWorkflowExecutionHistory({
          namespace: server.namespace,
          execution: { workflowId, runId: runId ?? '' },
          nextPageToken: token,
        });
        events.push(...(page.history?.events ?? []));
        token = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
      } while (token);
      return events;
    };
    const world: World = {
      kind,
      server,
      namespace: server.namespace,
      connection,
      client,
      nativeConnection,
      raw,
      taskQueue,
      activities: state,
      id: (label) => `${scenarioSlug()}-${label}`,
      start: (workflowType, label, args = [], opts = {}) =>
        client.workflow.start(workflowType, {
          taskQueue,
          workflowId: `${scenarioSlug()}-${label}`,
          args,
          ...opts,
        } as WorkflowStartOptions),
      rawHistory,
      history: async (workflowId, runId) => normaliseHistory(await rawHistory(workflowId, runId)),
      createWorker,
      async idle(workflowId, runId) {
        await poll(async () => {
          const d = await raw.workflow.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId, runId: runId ?? '' } });
          return !d.pendingWorkflowTask && Number(d.workflowExecutionInfo?.historyLength ?? 0) > 2;
        }, `workflow ${workflowId} to be idle`);
      },
      async waitForHistory(workflowId, check, what, runId) {
        await poll(async () => check(eventTypes(await rawHistory(workflowId, runId))), `${what} (${workflowId})`);
      },
    };
    const handle: WorldHandle = { world, close };
    if (options.worker !== false) {
      const worker = await createWorker(options.workerOptions);
      handle.worker = worker;
      handle.running = worker.run();
      closers.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await handle.running;
      });
    }
    return handle;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Writes both observations of a scenario to `<dir>/<file>/<scenario>.{embedded,cli}.json` (debugging aid). */
function dump(dir: string, file: string, scenario: string, embedded: Observation, real: Observation): void {
  const base = path.join(dir, file);
  mkdirSync(base, { recursive: true });
  writeFileSync(path.join(base, `${slugOf(scenario)}.embedded.json`), JSON.stringify(embedded, null, 2));
  writeFileSync(path.join(base, `${slugOf(scenario)}.cli.json`), JSON.stringify(real, null, 2));
}

/** Polls `check` every 50 ms until it holds; throws after `timeoutMs`. */
export async function poll(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/** The known divergences of one scenario. */
function divergencesOf(file: string, scenario: string): Divergence[] {
  return DIVERGENCES.filter((d) => d.file === file && d.scenario === scenario);
}

/** Compares the two observations of a scenario against the known divergences; throws on any mismatch. */
export function compareObservations(file: string, scenario: string, embedded: Observation, real: Observation): void {
  const known = divergencesOf(file, scenario);
  const problems: string[] = [];
  const aspects = [...new Set([...Object.keys(embedded), ...Object.keys(real)])];
  for (const aspect of aspects) {
    const a = embedded[aspect];
    const b = real[aspect];
    const listed = known.filter((d) => d.aspect === aspect);
    const same = isDeepStrictEqual(a, b);
    if (listed.length === 0) {
      if (!same) problems.push(`aspect "${aspect}" differs (embedded vs real):\n${diffLines(a, b)}`);
      continue;
    }
    if (same) {
      problems.push(`aspect "${aspect}" no longer differs: remove the divergence "${listed[0].embedded}" from test/conformance/divergences.ts`);
      continue;
    }
    const matchers = listed.filter((d) => d.matches);
    if (matchers.length > 0 && !matchers.some((d) => d.matches!(a, b))) {
      problems.push(`aspect "${aspect}" differs, but not as the listed divergence says:\n${diffLines(a, b)}`);
    }
  }
  for (const d of known) {
    if (!aspects.includes(d.aspect)) problems.push(`listed divergence on aspect "${d.aspect}" is not observed by the scenario any more: update test/conformance/divergences.ts`);
  }
  if (problems.length > 0) throw new Error(`${scenario}:\n${problems.join('\n\n')}`);
}

/** The paths where two values differ, each with both sides as one-line JSON (at most 15). */
function diffLines(a: unknown, b: unknown): string {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, at: string): void => {
    if (out.length >= 15 || isDeepStrictEqual(x, y)) return;
    if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      const keys = [...new Set([...Object.keys(x as object), ...Object.keys(y as object)])];
      for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], Array.isArray(x) ? `${at}[${k}]` : `${at}.${k}`);
      return;
    }
    out.push(`  ${at || '(value)'}:\n    embedded: ${oneLine(x)}\n    real:     ${oneLine(y)}`);
  };
  walk(a, b, '');
  if (out.length >= 15) out.push('  ...');
  return out.join('\n');
}

function oneLine(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
}

export interface ConformanceFile {
  scenario(name: string, fn: ScenarioFn, timeoutMs?: number): void;
  /** The worlds, for file-level helpers (throws before beforeAll ran). */
  worlds(): { embedded: World; cli: World };
}

/** Sets up a conformance test file: both servers in beforeAll, and the `scenario` registrar. */
export function conformanceFile(file: string, options: FileOptions = {}): ConformanceFile {
  let embedded: WorldHandle | undefined;
  let cli: WorldHandle | undefined;
  let cliError: unknown;
  let current = '';
  const slug = () => current;

  beforeAll(async () => {
    installRuntime();
    const results = await Promise.allSettled([
      openWorld('embedded', file, options, slug),
      openWorld('cli', file, options, slug),
    ]);
    if (results[0].status === 'rejected') {
      if (results[1].status === 'fulfilled') await results[1].value.close();
      throw results[0].reason;
    }
    embedded = results[0].value;
    if (results[1].status === 'rejected') {
      cliError = results[1].reason;
      const message = `conformance/${file}: the real Temporal server is not available: ${cliError instanceof Error ? cliError.message : String(cliError)}`;
      if (process.env.CI) throw new Error(`${message} (CI is set, so this fails instead of skipping)`);
      // eslint-disable-next-line no-console
      console.warn(`${message}; skipping the comparisons`);
    } else {
      cli = results[1].value;
      // eslint-disable-next-line no-console
      console.log(`conformance/${file}: comparing against Temporal server ${cli.world.server.version}`);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([embedded?.close(), cli?.close()]);
  }, 60_000);

  const slugs = new Set<string>();
  return {
    scenario(name, fn, timeoutMs = 30_000) {
      // Workflow ids derive from the slug: two scenarios must never share one.
      const scenarioSlug = slugOf(name);
      if (slugs.has(scenarioSlug)) throw new Error(`conformance/${file}: two scenarios share the id prefix "${scenarioSlug}"`);
      slugs.add(scenarioSlug);
      test(
        name,
        async (ctx: TestContext) => {
          if (!embedded) throw new Error('the embedded server did not start');
          if (!cli) {
            if (process.env.CI) throw new Error(`the real Temporal server is not available: ${String(cliError)}`);
            ctx.skip();
            return;
          }
          current = slugOf(name);
          const [a, b] = await Promise.all([fn(embedded.world), fn(cli.world)]);
          const seenA = new Map<string, string>();
          const seenB = new Map<string, string>();
          const na = replaceUuids(a, seenA) as Observation;
          const nb = replaceUuids(b, seenB) as Observation;
          if (process.env.CONFORMANCE_DUMP) dump(process.env.CONFORMANCE_DUMP, file, name, na, nb);
          compareObservations(file, name, na, nb);
        },
        timeoutMs,
      );
    },
    worlds() {
      if (!embedded || !cli) throw new Error('worlds are not open');
      return { embedded: embedded.world, cli: cli.world };
    },
  };
}

export { expect };
