import { readFileSync } from 'node:fs';
import Long from 'long';
import { coresdk } from '@temporalio/proto';
import type { Logger } from '../logger';
import type { WorkflowBundle } from './bundler/types';
import { SandboxFactory, type WorkflowIsolation, type WorkflowSandbox } from './sandbox/sandbox';
import type { Realm } from './sandbox/realm';
import { WorkflowCache, defaultMaxHeapBytes, type EvictionReason } from './workflow-cache';
import { WorkflowInstance } from './workflow-instance';
import { MalformedActivationError, activationTime, workflowInfoFromActivation } from './workflow-info';
import { hostErrorToFailure } from './host-failure';
import { runSinkCalls, type InjectedSinks } from './sinks';

type Activation = coresdk.workflow_activation.IWorkflowActivation;
type Completion = coresdk.workflow_completion.IWorkflowActivationCompletion;

export interface WorkflowRunnerOptions {
  /** The workflow code, from `bundleWorkflowCode`. */
  bundle: WorkflowBundle;
  taskQueue: string;
  /** Default `'default'`. */
  namespace?: string;
  /** Most workflows kept in the cache (default 1000). */
  maxCachedWorkflows?: number;
  /** Heap bytes above which idle cached workflows are evicted (default 70 % of the heap limit). */
  maxCacheHeapBytes?: number;
  /** Longest one call into workflow code may run, microtasks included (default 5000 ms). */
  isolateExecutionTimeoutMs?: number;
  /** Activity types the worker registers; `proxyActivities` warns about others. */
  registeredActivityNames?: Iterable<string>;
  /** Destination of `log.*` calls from workflows and of sink errors. */
  logger?: Logger;
  sinks?: InjectedSinks;
  /** Include source excerpts in the enhanced stack trace query. */
  showStackTraceSources?: boolean;
  /**
   * Called for each workflow the cache evicts on its own (count or memory budget). The caller must
   * tell the core, e.g. `coreWorker.requestWorkflowEviction(runId)`.
   */
  onEvict?: (runId: string, reason: EvictionReason) => void;
  /**
   * Error class names that fail the workflow *execution* (instead of the workflow task), by
   * workflow type; `'*'` applies to every type.
   */
  workflowFailureErrorTypes?: Readonly<Record<string, readonly string[]>>;
  /** Where V8's compiled code of the bundle is kept between processes (`false`: nowhere). */
  codeCacheDir?: string | false;
  /** How executions are separated; see {@link WorkflowIsolation}. Default `shared-realm`. */
  workflowIsolation?: WorkflowIsolation;
  /** Test hook for the memory budget; defaults to V8's used heap size. */
  heapUsed?: () => number;
}

function positiveInteger(value: number | undefined, fallback: number, field: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`'${field}' must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(value)}`);
  }
  return value;
}

function seedBytes(seed: unknown): number[] {
  if (Long.isLong(seed)) return seed.toBytes();
  if (typeof seed === 'number' || typeof seed === 'string') return Long.fromValue(seed, true).toBytes();
  throw new MalformedActivationError('randomnessSeed', 'InitializeWorkflow activation has no valid randomnessSeed');
}

/**
 * Runs workflow activations on the host side: creates each run's sandbox from its first activation,
 * runs activations of one run strictly in order, keeps runs in a bounded cache between activations,
 * and disposes them on `removeFromCache`.
 *
 * @example
 * ```ts
 * const runner = new WorkflowRunner({ bundle, taskQueue: 'orders', onEvict: (id) => core.requestWorkflowEviction(id) });
 * const completion = await runner.activate(coresdk.workflow_activation.WorkflowActivation.decode(bytes));
 * ```
 */
export class WorkflowRunner {
  private readonly factory: SandboxFactory;
  private readonly cache: WorkflowCache<WorkflowInstance>;
  private readonly tails = new Map<string, Promise<unknown>>();
  private parsedSourceMap: unknown;
  private readonly registeredActivityNames: Set<string>;
  /** Workflow types that proved they need a realm of their own (they changed shared state). */
  private readonly dedicatedTypes = new Set<string>();

  constructor(private readonly options: WorkflowRunnerOptions) {
    if (typeof options?.taskQueue !== 'string' || options.taskQueue.length === 0) {
      throw new TypeError(`'taskQueue' must be a non-empty string`);
    }
    if (typeof options.bundle?.code !== 'string' || typeof options.bundle.hash !== 'string') {
      throw new TypeError(`'bundle' must be a WorkflowBundle ({ code, hash, sourceMap? })`);
    }
    const timeout = positiveInteger(options.isolateExecutionTimeoutMs, 5000, 'isolateExecutionTimeoutMs');
    this.factory = new SandboxFactory(options.bundle, {
      callTimeoutMs: timeout,
      console: (level, args, sandbox) => this.workflowConsole(level, args, sandbox),
      isolation: options.workflowIsolation,
      codeCacheDir: options.codeCacheDir,
    });
    const maxCachedWorkflows = positiveInteger(options.maxCachedWorkflows, 1000, 'maxCachedWorkflows', true);
    this.cache = new WorkflowCache<WorkflowInstance>({
      // With 0 the core still holds one run, for the length of its workflow task (which may take
      // several activations), and evicts it when the task completes: a run evicted here after its
      // first activation would meet the task's next activation without its sandbox.
      maxEntries: Math.max(1, maxCachedWorkflows),
      maxHeapBytes: options.maxCacheHeapBytes ?? defaultMaxHeapBytes(),
      heapUsed: options.heapUsed,
      onEvict: (runId, _entry, reason) => options.onEvict?.(runId, reason),
    });
    this.registeredActivityNames = new Set(options.registeredActivityNames ?? []);
  }

  /** Number of workflow runs currently cached. */
  get cachedWorkflows(): number {
    return this.cache.size;
  }

  /** Whether `runId` has a live sandbox. */
  isCached(runId: string): boolean {
    return this.cache.has(runId);
  }

  /**
   * Runs one activation and resolves with its completion; never rejects for workflow errors (they
   * become failed completions). Activations of the same run are queued and run in arrival order.
   */
  activate(activation: Activation): Promise<Completion> {
    const runId = activation.runId;
    if (typeof runId !== 'string' || runId.length === 0) {
      return Promise.resolve({ runId: runId ?? '', failed: { failure: hostErrorToFailure(new MalformedActivationError('runId', 'Activation has no runId')) } });
    }
    const previous = this.tails.get(runId) ?? Promise.resolve();
    const result = previous.then(() => this.runActivation(runId, activation));
    const tail = result.catch(() => undefined);
    this.tails.set(runId, tail);
    void tail.then(() => {
      if (this.tails.get(runId) === tail) this.tails.delete(runId);
    });
    return result;
  }

  /** Disposes every cached workflow (worker shutdown); returns the run ids that were cached. */
  shutdown(): string[] {
    return this.cache.clear();
  }

  private async runActivation(runId: string, activation: Activation): Promise<Completion> {
    const jobs = activation.jobs ?? [];
    if (jobs.some((j) => j.removeFromCache != null)) {
      try {
        this.cache.delete(runId);
      } catch (error) {
        // The run is gone from the cache either way; a failing disposal hook must not keep the
        // core waiting for the eviction's completion.
        this.options.logger?.warn('Workflow disposal failed during eviction', { runId, error });
      }
      return { runId, successful: {} };
    }
    let instance = this.cache.get(runId);
    const created = instance === undefined;
    if (!instance) {
      try {
        instance = this.createInstance(runId, activation);
      } catch (error) {
        return { runId, failed: { failure: hostErrorToFailure(error) } };
      }
      this.cache.set(runId, instance);
    }
    this.cache.pin(runId);
    try {
      let completion = await instance.activate(activation);
      if (instance.leaked) {
        this.noteIsolationChange(runId, instance.info.workflowType, instance.leaked);
        if (created) {
          // Nothing but this activation has happened yet: redo it, transparently, in a realm of its own.
          this.cache.unpin(runId);
          this.cache.delete(runId);
          try {
            instance = this.createInstance(runId, activation);
          } catch (error) {
            return { runId, failed: { failure: hostErrorToFailure(error) } };
          }
          this.cache.set(runId, instance);
          this.cache.pin(runId);
          completion = await instance.activate(activation);
        } else {
          // Its history has to be replayed into the new realm: the failed task and this eviction
          // make the core do exactly that.
          this.cache.unpin(runId);
          this.cache.evict(runId, 'isolation-change');
          this.cache.pin(runId);
        }
      }
      if (instance.sandbox.realm.broken) this.resetRealm(instance.sandbox.realm, instance.info.workflowType);
      // The runtime could not create the workflow (unknown type, failing module load): nothing to
      // keep. The core retries the task from its start, with an initializeWorkflow job again.
      else if (!instance.initialized && this.cache.has(runId)) this.cache.delete(runId);
      await runSinkCalls(instance.takeSinkCalls(), this.options.sinks ?? {}, this.options.logger);
      if (completion.successful) this.factory.persistCodeCache();
      return completion;
    } finally {
      this.cache.unpin(runId);
      this.cache.trim();
    }
  }

  private noteIsolationChange(runId: string, workflowType: string, changes: readonly string[]): void {
    this.dedicatedTypes.add(workflowType);
    this.options.logger?.warn('Workflow changed shared realm state; its type now runs in realms of its own', { runId, workflowType, changes });
  }

  /**
   * A call timed out in `realm`: whatever it was doing may be half done. Every execution in it is
   * evicted (the core replays them), and the workflow type at fault gets realms of its own so that
   * it can only hurt itself next time.
   */
  private resetRealm(realm: Realm, workflowType: string): void {
    this.dedicatedTypes.add(workflowType);
    for (const runId of this.cache.findRunIds((entry) => entry.sandbox.realm === realm)) {
      this.cache.evict(runId, 'realm-reset');
    }
  }

  private createInstance(runId: string, activation: Activation): WorkflowInstance {
    const init = activation.jobs?.find((j) => j.initializeWorkflow != null)?.initializeWorkflow;
    if (!init) {
      throw new MalformedActivationError('jobs', `Workflow run ${runId} is not cached and the activation has no initializeWorkflow job`);
    }
    const info = workflowInfoFromActivation(activation, init, { namespace: this.options.namespace ?? 'default', taskQueue: this.options.taskQueue });
    const sandbox = this.factory.create(runId, { dedicated: this.dedicatedTypes.has(info.workflowType) });
    return new WorkflowInstance(sandbox, info, {
      info,
      randomnessSeed: seedBytes(init.randomnessSeed),
      now: activationTime(activation),
      showStackTraceSources: this.options.showStackTraceSources ?? false,
      // Only the enhanced stack trace query with sources reads it; parse it only then.
      sourceMap: this.options.showStackTraceSources ? this.sourceMap() : undefined,
      registeredActivityNames: this.registeredActivityNames,
      getTimeOfDay: () => BigInt(Date.now()) * 1_000_000n,
      // The sandbox's realms record where each pending promise was created (promise-stacks.ts).
      stackTracesEnabled: true,
      failureExceptionTypeNames: this.failureExceptionTypeNames(info.workflowType),
    });
  }

  private failureExceptionTypeNames(workflowType: string): string[] | undefined {
    const byType = this.options.workflowFailureErrorTypes;
    if (!byType) return undefined;
    const names = new Set([...(byType['*'] ?? []), ...(byType[workflowType] ?? [])]);
    return names.size > 0 ? [...names] : undefined;
  }

  /**
   * What the runtime's `__enhanced_stack_trace` handler reads sources from: `sources` and their
   * `sourcesContent`. The bundle's map leaves contents out (it would double the bundle's size) and is
   * an index map, so both are gathered here, from the files, the first time they are needed.
   */
  private sourceMap(): unknown {
    if (this.parsedSourceMap === undefined && this.options.bundle.sourceMap) {
      this.parsedSourceMap = sourcesWithContent(JSON.parse(this.options.bundle.sourceMap) as RawSourceMap);
    }
    return this.parsedSourceMap;
  }

  /** `console.*` from workflow code: prefixed with the workflow, silent while replaying history. */
  private workflowConsole(level: string, args: unknown[], sandbox: WorkflowSandbox | undefined): void {
    const activator = sandbox?.activator as { info?: { workflowType: string; workflowId: string; unsafe: { isReplayingHistoryEvents: boolean } } } | undefined;
    const info = activator?.info;
    if (info?.unsafe.isReplayingHistoryEvents) return;
    const method = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).find((l) => l === level) ?? 'log';
    const prefix = info ? `[${info.workflowType}(${info.workflowId})]` : `[workflow ${sandbox?.runId ?? 'realm'}]`;
    console[method](prefix, ...args);
  }
}

interface RawSourceMap {
  sources?: string[];
  sections?: { map: RawSourceMap }[];
}

/** Every source of a (possibly index) map with its content read from disk; `null` for a file that is gone. */
function sourcesWithContent(map: RawSourceMap): { sources: string[]; sourcesContent: (string | null)[] } {
  const sources = new Set<string>();
  const collect = (m: RawSourceMap): void => {
    for (const source of m.sources ?? []) sources.add(source);
    for (const section of m.sections ?? []) collect(section.map);
  };
  collect(map);
  const list = [...sources];
  return {
    sources: list,
    sourcesContent: list.map((source) => {
      try {
        return readFileSync(source, 'utf8');
      } catch {
        return null;
      }
    }),
  };
}
