/**
 * One replay worker's life: the core's replayer, our workflow activation loop over its worker, one
 * history at a time, and the shutdown order at the end.
 */
import { createRuntime } from '../../core';
import type { CoreReplayer, CoreRuntime } from '../../core/types';
import { WorkflowActivationLoop } from '../workflow/activation-loop';
import { DeterminismViolationError, ReplayError } from './errors';
import type { PreparedHistory } from './history-input';
import type { CompiledReplayOptions } from './replay-options';
import { ReplayObserver, type ObservedEviction } from './replay-observer';

/** How one history replayed. */
export interface ReplayResult {
  readonly workflowId: string;
  /** The run id recorded in the history. */
  readonly runId: string;
  /** Absent when the workflow code reproduced the history's commands exactly. */
  readonly error?: ReplayError | DeterminismViolationError;
}

// Evictions that end a replay that went well: the run finished (or the core dropped it to replay the
// next history), not a failure of the workflow code.
const CLEAN_EVICTIONS = new Set(['WORKFLOW_EXECUTION_ENDING', 'LANG_REQUESTED', 'CACHE_FULL']);

// Only one run is replayed at a time; a second slot covers the previous run's eviction still being
// answered while the next history starts.
const CACHE_SIZE = 2;

let sessionCount = 0;

type Outcome = { kind: 'evicted'; eviction: ObservedEviction } | { kind: 'fatal'; error: unknown } | { kind: 'stopped' };

/**
 * A replay worker running our workflow activation loop.
 *
 * @example
 * ```ts
 * const session = await ReplaySession.open(await compileReplayOptions({ workflowsPath }));
 * try {
 *   const result = await session.replay(prepareHistory(history, undefined, 'history', 'wf'));
 * } finally {
 *   await session.close();
 * }
 * ```
 */
export class ReplaySession {
  private readonly running: Promise<void>;
  private fatalError: { error: unknown } | undefined;
  private waiting: ((outcome: Outcome) => void) | undefined;
  private stopped = false;
  private closed = false;

  private constructor(
    private readonly replayer: CoreReplayer,
    private readonly observer: ReplayObserver,
    loop: WorkflowActivationLoop,
    /** The runtime this session created (and closes); absent when the caller passed one. */
    private readonly ownedRuntime: CoreRuntime | undefined,
  ) {
    this.running = loop.run().finally(() => {
      this.stopped = true;
      this.settle({ kind: 'stopped' });
    });
  }

  static async open(options: CompiledReplayOptions): Promise<ReplaySession> {
    // A session owns its runtime unless given one: a runtime left open keeps the process alive, and
    // creating one is cheap once the core is loaded.
    const ownedRuntime = options.runtime ? undefined : await createRuntime();
    const runtime = options.runtime ?? (ownedRuntime as CoreRuntime);
    // Task queue names only need to be unique among this process's replay workers.
    const taskQueue = `${options.replayName}-${process.pid}-${++sessionCount}`;
    let replayer: CoreReplayer;
    try {
      replayer = runtime.createReplayer({ namespace: options.namespace, taskQueue });
    } catch (error) {
      await ownedRuntime?.close();
      throw error;
    }
    const observer = new ReplayObserver(replayer.worker);
    let session: ReplaySession | undefined;
    let loop: WorkflowActivationLoop;
    try {
      loop = new WorkflowActivationLoop({
        coreWorker: observer,
        bundle: options.bundle,
        maxCachedWorkflows: CACHE_SIZE,
        maxConcurrentWorkflowTaskExecutions: CACHE_SIZE,
        dataConverter: { payloadCodecs: options.payloadCodecs },
        logger: options.logger,
        sinks: options.sinks,
        namespace: options.namespace,
        taskQueue,
        onFatalError: (error) => session?.recordFatal(error),
      });
    } catch (error) {
      await disposeUnusedReplayer(replayer, options);
      await ownedRuntime?.close();
      throw error;
    }
    session = new ReplaySession(replayer, observer, loop, ownedRuntime);
    return session;
  }

  /**
   * Pushes one history and resolves once the core has finished with its run (it evicts every
   * replayed run, with a reason that tells how the replay went).
   *
   * @throws ReplayError when the replay worker itself failed or stopped (not the workflow code).
   */
  async replay(history: PreparedHistory): Promise<ReplayResult> {
    if (this.closed) throw new ReplayError('The replay worker is already shut down');
    if (this.fatalError) throw this.workerFailure(this.fatalError.error);
    if (this.stopped) throw new ReplayError('The replay worker stopped before the history could be replayed');
    const outcome = new Promise<Outcome>((resolve) => (this.waiting = resolve));
    this.observer.onEviction((eviction) => {
      // Only this history's run ends this replay (a late eviction of an earlier run must not).
      if (history.runId === undefined || eviction.runId === history.runId) this.settle({ kind: 'evicted', eviction });
    });
    try {
      await this.replayer.pushHistory(history.workflowId, history.bytes);
    } catch (error) {
      this.observer.onEviction(undefined);
      this.waiting = undefined;
      throw new ReplayError(`The core refused the history of workflow ${history.workflowId}: ${describe(error)}`, undefined, { cause: error });
    }
    const result = await outcome;
    this.observer.onEviction(undefined);
    switch (result.kind) {
      case 'evicted':
        return { workflowId: history.workflowId, runId: result.eviction.runId, error: evictionToError(history.workflowId, result.eviction) };
      case 'fatal':
        throw this.workerFailure(result.error);
      case 'stopped':
        throw new ReplayError(`The replay worker stopped while replaying workflow ${history.workflowId}`);
    }
  }

  /**
   * Shuts the replay worker down in order: end the history stream, initiate, let the activation
   * loop drain the poller and acknowledge every completion, then finalize. Resolves with the errors
   * met on the way (the caller decides whether they matter more than its own).
   */
  async close(): Promise<unknown[]> {
    if (this.closed) return [];
    this.closed = true;
    const errors: unknown[] = [];
    const attempt = (step: () => void) => {
      try {
        step();
      } catch (error) {
        errors.push(error);
      }
    };
    attempt(() => this.replayer.closeHistoryStream());
    attempt(() => this.observer.initiateShutdown());
    await this.running;
    try {
      // The core answers the last poll before that operation drops its reference to the worker, and
      // finalize refuses while one is held: one turn of the event loop lets it go first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.observer.finalizeShutdown();
    } catch (error) {
      errors.push(error);
    }
    try {
      await this.ownedRuntime?.close();
    } catch (error) {
      errors.push(error);
    }
    if (this.fatalError) errors.unshift(this.fatalError.error);
    return errors;
  }

  private recordFatal(error: unknown): void {
    if (!this.fatalError) this.fatalError = { error };
    this.settle({ kind: 'fatal', error });
  }

  private settle(outcome: Outcome): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(outcome);
  }

  private workerFailure(error: unknown): ReplayError {
    return new ReplayError(`The replay worker failed: ${describe(error)}`, undefined, { cause: error });
  }
}

/** A replayer that never ran still goes through the shutdown order; its errors only get logged. */
async function disposeUnusedReplayer(replayer: CoreReplayer, options: CompiledReplayOptions): Promise<void> {
  try {
    replayer.closeHistoryStream();
    replayer.worker.initiateShutdown();
    while ((await replayer.worker.pollWorkflowActivation()) !== null) {
      // No history was pushed: nothing can arrive but the shutdown answer.
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    await replayer.worker.finalizeShutdown();
  } catch (error) {
    options.logger.warn('Could not shut down an unused replay worker', { error });
  }
}

function evictionToError(workflowId: string, eviction: ObservedEviction): ReplayError | DeterminismViolationError | undefined {
  const { reason, runId, lastTaskFailure } = eviction;
  const message = coreFailureMessage(eviction.message);
  if (CLEAN_EVICTIONS.has(reason)) return undefined;
  const where = `workflow ${workflowId} (run ${runId})`;
  if (reason === 'NONDETERMINISM') {
    return new DeterminismViolationError(`Replay of ${where} does not match its history: ${message}`, reason);
  }
  if (reason === 'LANG_FAIL') {
    // Workflow code can detect nondeterminism itself (e.g. WeakRef use); it fails the task with
    // that error type, and it deserves the same class as the core's verdict.
    if (lastTaskFailure && failedErrorName(lastTaskFailure) === 'DeterminismViolationError') {
      return new DeterminismViolationError(`Replay of ${where} does not match its history: ${lastTaskFailure.message ?? message}`, reason);
    }
    const failed = lastTaskFailure?.message;
    const detail = failed ? (message && message !== failed ? `${failed} (${message})` : failed) : message;
    return new ReplayError(`Replay of ${where} failed its workflow task: ${detail}`, reason);
  }
  return new ReplayError(`Replay of ${where} was abandoned by the core (${reason}): ${message}`, reason);
}

/**
 * The class name of the error a failed task reports: the application failure type when the error was
 * converted to one, else the name V8 put at the head of its stack (`DeterminismViolationError: …`),
 * which is all a workflow task failure carries for errors that are not Temporal failures.
 */
function failedErrorName(failure: NonNullable<ObservedEviction['lastTaskFailure']>): string | undefined {
  return failure.applicationFailureInfo?.type || /^([A-Za-z_$][\w$]*):/.exec(failure.stackTrace ?? '')?.[1];
}

/**
 * The core wraps the failure it reports in Rust debug formatting
 * (`Workflow activation completion failed: Failure { failure: Some(Failure { message: "…", … }) … }`);
 * the quoted message is the part a user needs (it names the event and the command).
 */
function coreFailureMessage(text: string): string {
  const quoted = /message: "((?:[^"\\]|\\.)*)"/.exec(text);
  return quoted ? quoted[1].replace(/\\(.)/g, '$1') : text;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
