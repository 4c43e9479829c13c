import { Client } from '../client/client';
import type { Connection } from '../client/connection';
import type { WorkerCoreLease } from '../client/worker-core-connections';
import { resolveDataConverter } from '../converter';
import type { LoadedDataConverter } from '../converter/types';
import type { CoreWorker } from '../core/types';
import { ActivityTaskLoop } from './activity/activity-task-loop';
import type { ActivityFunction } from './activity/activity-execution';
import { ActivityPoolSupervisor, type ActivityPool } from './activity/pool/activity-pool';
import { compileWorkerOptions, type CompiledWorkerOptions, type WorkerOptions } from './options';
import { listenForShutdownSignals } from './shutdown-signals';
import { runtimeMetricMeter } from '../runtime/metric-meter';
import { workflowMetricsSink } from './workflow/metrics-sink';
import { createWorkflowTaskLoop, prepareWorkflowBundle, type PreparedWorkflowBundle } from './workflow-task-loop';
import { GracefulShutdownPeriodExpiredError, WorkerStateTransitionError, type WorkerState } from './worker-state';
import { runReplayHistories, runReplayHistory, type HistoryAndWorkflowId, type ReplayHistory, type ReplayResult, type ReplayWorkerOptions } from './replay';

/** One poller-driven loop (activities, workflows): runs until its poller is drained, never rejects. */
export interface TaskLoop {
  run(): Promise<void>;
}

/**
 * Hosts activities (and, with `workflowsPath`/`workflowBundle`, workflows) for one task queue.
 * Every loop runs under one shutdown sequence: the core stops polling, running tasks finish (or are
 * cancelled after `shutdownGraceTime`), every poller drains, every completion is acknowledged, and
 * only then is the core worker finalized.
 *
 * @example
 * ```ts
 * const connection = await Connection.connect({ address: 'localhost:7233' });
 * const worker = await Worker.create({ connection, taskQueue: 'orders', activities: { chargeCard } });
 * await worker.runUntil(async () => {
 *   await client.workflow.execute('order', { taskQueue: 'orders', workflowId: 'o-1' });
 * });
 * ```
 */
export class Worker {
  private state: WorkerState = 'INITIALIZED';
  private fatalError: { error: unknown } | undefined;
  private readonly loops: TaskLoop[] = [];
  private pollersRunning = 0;
  private client: Client | undefined;
  /** Starts the `shutdownForceTime` clock; set while `run()` waits with one. */
  private onShutdownRequested: (() => void) | undefined;

  /**
   * Validates the options (a `TypeError` naming the bad field), bundles the workflows if any,
   * creates the core worker and checks it against the server (unknown namespace and the like
   * reject here, not later in `run()`).
   */
  static async create(options: WorkerOptions): Promise<Worker> {
    const compiled = compileWorkerOptions(options);
    const dataConverter = resolveDataConverter(compiled.dataConverter);
    const bundle = compiled.workflows === undefined ? undefined : await prepareWorkflowBundle(compiled.workflows);
    const pool = compiled.activityPool === undefined ? undefined : new ActivityPoolSupervisor(compiled.activityPool, compiled.logger);
    let activities: ReadonlyMap<string, ActivityFunction> = compiled.activities;
    if (pool !== undefined) {
      // The pool loads the module in its workers (never here): its exports are the pooled names.
      await pool.start();
      const pooled = pool.activityFunctions();
      for (const name of pooled.keys()) {
        if (compiled.activities.has(name)) {
          await pool.stop();
          throw new TypeError(`activityPool.modulePath exports ${name}, which activities also registers: give each activity one home`);
        }
      }
      activities = new Map([...compiled.activities, ...pooled]);
    }
    let lease: WorkerCoreLease;
    let coreWorker: CoreWorker;
    try {
      lease = await leaseCoreConnection(compiled);
    } catch (error) {
      await pool?.stop();
      throw error;
    }
    try {
      coreWorker = lease.core.createWorker(compiled.core);
    } catch (error) {
      await pool?.stop();
      await lease.release();
      throw error;
    }
    try {
      await coreWorker.validate();
      return new Worker(compiled, coreWorker, dataConverter, bundle, lease, activities, pool);
    } catch (error) {
      await disposeUnstartedCoreWorker(coreWorker, compiled, error);
      await pool?.stop();
      await lease.release();
      throw error;
    }
  }

  /**
   * Replays one history against the workflow code; resolves when the code reproduces it. See
   * `runReplayHistory` in `lib/worker/replay`.
   *
   * @throws DeterminismViolationError (naming the event) when the code no longer matches the history;
   *   ReplayError for other replay failures.
   * @example
   * ```ts
   * await Worker.runReplayHistory({ workflowsPath: require.resolve('./workflows') }, await handle.fetchHistory());
   * ```
   */
  static runReplayHistory(options: ReplayWorkerOptions, history: ReplayHistory, workflowId?: string): Promise<void> {
    return runReplayHistory(options, history, workflowId);
  }

  /**
   * Replays many histories on one replay worker and yields `{ workflowId, runId, error? }` per history.
   * See `runReplayHistories` in `lib/worker/replay`.
   *
   * @example
   * ```ts
   * for await (const { workflowId, error } of Worker.runReplayHistories({ workflowsPath }, histories)) {
   *   if (error) console.error(workflowId, error.message);
   * }
   * ```
   */
  static runReplayHistories(
    options: ReplayWorkerOptions,
    histories: AsyncIterable<HistoryAndWorkflowId | ReplayHistory> | Iterable<HistoryAndWorkflowId | ReplayHistory>,
  ): AsyncGenerator<ReplayResult, void, undefined> {
    return runReplayHistories(options, histories);
  }

  private constructor(
    /** The validated options with every default resolved. */
    readonly options: CompiledWorkerOptions,
    private readonly coreWorker: CoreWorker,
    private readonly dataConverter: LoadedDataConverter,
    private readonly workflowBundle: PreparedWorkflowBundle | undefined,
    private readonly coreLease: WorkerCoreLease,
    private readonly activities: ReadonlyMap<string, ActivityFunction>,
    private readonly pool: ActivityPoolSupervisor | undefined,
  ) {
    // Built here rather than in run(): a loop that cannot be built must fail Worker.create, while
    // the core worker can still be shut down cleanly.
    this.createLoops();
  }

  /**
   * The supervised activity pool (`activityPool` option); `undefined` without one.
   *
   * @example
   * ```ts
   * console.table(worker.activityPool?.state()); // id, pid/threadId, state, jobsDone, memoryBytes, ageMs
   * ```
   */
  get activityPool(): ActivityPool | undefined {
    return this.pool;
  }

  getState(): WorkerState {
    return this.state;
  }

  /**
   * Polls and executes tasks until {@link shutdown} (or SIGINT/SIGTERM). Resolves once the worker
   * has shut down cleanly; rejects with the first fatal error after shutting down all the same.
   * Can be called once.
   */
  async run(): Promise<void> {
    if (this.state !== 'INITIALIZED') {
      throw new WorkerStateTransitionError(`Worker.run() can be called once; the worker is ${this.state}`);
    }
    this.state = 'RUNNING';
    const stopListening = this.options.handleSignals
      ? listenForShutdownSignals((signal) => {
          this.options.logger.info(`Received ${signal}, shutting down the worker`, { taskQueue: this.options.taskQueue });
          this.requestShutdown();
        })
      : undefined;
    try {
      const drained = this.drainAndFinalize();
      const forced = await this.raceShutdownForceTime(drained);
      if (forced) {
        this.state = 'FAILED';
        // The drain goes on in the background; whatever it still reports is logged, never lost.
        drained.catch((error: unknown) => this.options.logger.error('Worker failed after shutdownForceTime', { error }));
        throw new GracefulShutdownPeriodExpiredError(
          `The worker did not shut down within shutdownForceTime (${this.options.shutdownForceTimeMs} ms); tasks still running are abandoned`,
        );
      }
    } finally {
      stopListening?.();
    }
    if (this.fatalError !== undefined) {
      this.state = 'FAILED';
      throw this.fatalError.error;
    }
    this.state = 'STOPPED';
    this.options.logger.info('Worker stopped', { taskQueue: this.options.taskQueue });
  }

  /** Every loop drained, the pool stopped, the core worker finalized and the connection released. */
  private async drainAndFinalize(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.run()));
    // Every pooled attempt has completed: stop the pool's workers before resolving.
    await this.pool?.stop();
    // After shutdownForceTime the worker is FAILED already; the late drain does not revive it.
    if (this.state !== 'FAILED') this.state = 'DRAINED';
    try {
      // The core delivers a poll's or completion's answer before the operation lets go of its
      // reference to the worker, and finalize fails while any reference is held. One turn of the
      // event loop lets those last operations end on the core's threads first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.coreWorker.finalizeShutdown();
      await this.coreLease.release();
    } catch (error) {
      this.recordFatalError(error);
    }
  }

  /**
   * Waits for `drained`; with `shutdownForceTime`, at most that long after shutdown starts.
   * Resolves `true` when the time ran out first.
   */
  private async raceShutdownForceTime(drained: Promise<void>): Promise<boolean> {
    const forceMs = this.options.shutdownForceTimeMs;
    if (forceMs === undefined) {
      await drained;
      return false;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<true>((resolve) => {
      const arm = (): void => {
        timer = setTimeout(() => resolve(true), forceMs);
      };
      if (this.state !== 'RUNNING') arm();
      else this.onShutdownRequested = arm;
    });
    try {
      return await Promise.race([drained.then(() => false as const), expired]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      this.onShutdownRequested = undefined;
    }
  }

  /**
   * Runs the worker until `fnOrPromise` settles, then shuts it down and waits for the shutdown.
   * Resolves with the promise's value or rejects with its error. If the worker fails, rejects with
   * the worker's error; if the worker stops (e.g. SIGINT) before the promise settles, rejects with
   * a {@link WorkerStateTransitionError} rather than waiting for a promise that may never settle.
   *
   * @example
   * ```ts
   * const result = await worker.runUntil(client.workflow.execute(order, { taskQueue: 'orders', workflowId }));
   * ```
   */
  async runUntil<R>(fnOrPromise: Promise<R> | (() => Promise<R>)): Promise<R> {
    if (this.state !== 'INITIALIZED') {
      throw new WorkerStateTransitionError(`Worker.runUntil() starts the worker and can be called once; the worker is ${this.state}`);
    }
    const running = this.run();
    let outcome: { ok: true; value: R } | { ok: false; error: unknown } | undefined;
    void (async () => {
      try {
        outcome = { ok: true, value: await (typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise) };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        if (this.state === 'RUNNING') this.requestShutdown();
      }
    })();
    await running;
    if (outcome === undefined) {
      throw new WorkerStateTransitionError('Worker.runUntil(): the worker stopped before the given promise settled');
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * Starts a graceful shutdown: polling stops, running activities get `shutdownGraceTime` to finish
   * and are then cancelled with reason `WORKER_SHUTDOWN`. `run()` settles when it is complete.
   * Calling it again while shutting down does nothing.
   *
   * @throws WorkerStateTransitionError (an `IllegalStateError`, as the official worker throws) when
   *   the worker is not running (never started, or stopped).
   */
  shutdown(): void {
    if (this.state === 'INITIALIZED' || this.state === 'STOPPED' || this.state === 'FAILED') {
      throw new WorkerStateTransitionError(`Worker.shutdown(): the worker is not running (state ${this.state})`);
    }
    this.requestShutdown();
  }

  private requestShutdown(): void {
    if (this.state !== 'RUNNING') return;
    this.state = 'STOPPING';
    this.onShutdownRequested?.();
    this.options.logger.info('Worker shutting down', { taskQueue: this.options.taskQueue });
    try {
      this.coreWorker.initiateShutdown();
    } catch (error) {
      this.recordFatalError(error);
    }
  }

  /** Records the first fatal error and shuts the worker down; later errors are only logged. */
  private recordFatalError(error: unknown): void {
    if (this.fatalError === undefined) this.fatalError = { error };
    this.options.logger.error('Worker failed', { taskQueue: this.options.taskQueue, error });
    this.requestShutdown();
  }

  /** One client for every activity of this worker, made when an activity first asks for it. */
  private activityClient(connection: Connection): Client {
    this.client ??= new Client({
      connection,
      namespace: this.options.namespace,
      dataConverter: this.options.dataConverter,
      identity: this.options.identity,
    });
    return this.client;
  }

  private onPollerShutdown(): void {
    if (--this.pollersRunning === 0 && (this.state === 'STOPPING' || this.state === 'RUNNING')) this.state = 'DRAINING';
  }

  private createLoops(): void {
    const { options } = this;
    const { clientConnection } = options;
    // The runtime's meter (a no-op without an exporter), tagged like the official worker's.
    const metricMeter = runtimeMetricMeter(clientConnection?.coreRuntime).withTags({
      namespace: options.namespace,
      taskQueue: options.taskQueue,
    });
    // Local activities arrive through the activity poll too, so it runs for either kind.
    if (options.core.taskTypes.activities || options.core.taskTypes.localActivities) {
      this.pollersRunning++;
      this.loops.push(
        new ActivityTaskLoop({
          coreWorker: this.coreWorker,
          activities: this.activities,
          dataConverter: this.dataConverter,
          interceptors: options.interceptors,
          logger: options.logger,
          namespace: options.namespace,
          taskQueue: options.taskQueue,
          maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
          maxConcurrentLocalActivityExecutions: options.core.slots.localActivity,
          client: clientConnection === undefined ? undefined : () => this.activityClient(clientConnection),
          metricMeter,
          onFatalError: (error) => this.recordFatalError(error),
          onPollerShutdown: () => this.onPollerShutdown(),
        }),
      );
    }
    if (options.workflows !== undefined && this.workflowBundle !== undefined) {
      this.pollersRunning++;
      this.loops.push(
        createWorkflowTaskLoop({
          coreWorker: this.coreWorker,
          bundle: this.workflowBundle,
          workflows: options.workflows,
          dataConverter: this.dataConverter,
          logger: options.logger,
          namespace: options.namespace,
          taskQueue: options.taskQueue,
          registeredActivityNames: this.activities.keys(),
          sinks: { ...options.sinks, ...workflowMetricsSink(metricMeter) },
          onFatalError: (error) => this.recordFatalError(error),
          onPollerShutdown: () => this.onPollerShutdown(),
        }),
      );
    }
  }
}

/**
 * The core connection for this worker: through a `Connection`, one on which no other worker of this
 * namespace and task queue runs (see `WorkerCoreConnections`); a bare core connection is used as is.
 */
function leaseCoreConnection(options: CompiledWorkerOptions): Promise<WorkerCoreLease> {
  if (options.clientConnection !== undefined) return options.clientConnection.leaseWorkerCore(options.namespace, options.taskQueue);
  return Promise.resolve({ core: options.coreConnection, release: async () => undefined });
}

/**
 * A core worker that was created but will never run still has to go through the shutdown order:
 * initiate, drain every enabled poller, finalize. Errors here are logged: the caller is already
 * reporting the error that made it give up.
 */
async function disposeUnstartedCoreWorker(coreWorker: CoreWorker, options: CompiledWorkerOptions, cause: unknown): Promise<void> {
  try {
    coreWorker.initiateShutdown();
    const drains: Promise<void>[] = [];
    if (options.core.taskTypes.activities || options.core.taskTypes.localActivities) {
      drains.push(drainPoller(() => coreWorker.pollActivityTask()));
    }
    if (options.core.taskTypes.workflows) drains.push(drainPoller(() => coreWorker.pollWorkflowActivation()));
    await Promise.all(drains);
    await coreWorker.finalizeShutdown();
  } catch (error) {
    options.logger.warn('Could not shut down a worker that failed validation', { error, cause });
  }
}

async function drainPoller(poll: () => Promise<Uint8Array | null>): Promise<void> {
  while ((await poll()) !== null) {
    // Nothing was started on this worker; anything delivered now belongs to no one.
  }
}
