import { createHash } from 'node:crypto';
import type * as protobuf from 'protobufjs';
import { coresdk } from '@temporalio/proto';
import type { CoreWorker } from '../../core/types';
import type { Payload, PayloadCodec } from '../../converter/types';
import type { Logger } from '../logger';
import type { WorkflowBundle } from './bundler/types';
import { transformPayloads } from './payload-visitor';
import type { WorkflowIsolation } from './sandbox/sandbox';
import type { InjectedSinks } from './sinks';
import { WorkflowRunner } from './workflow-runner';

type Completion = coresdk.workflow_completion.IWorkflowActivationCompletion;

/** What the worker hands the workflow activation loop. */
export interface WorkflowActivationLoopOptions {
  readonly coreWorker: CoreWorker;
  /** The bundle; `hash` is computed from `code` when absent. */
  readonly bundle: Pick<WorkflowBundle, 'code' | 'sourceMap'> & { hash?: string };
  readonly maxCachedWorkflows: number;
  /** Activations processed at once (across runs; one run is always sequential). */
  readonly maxConcurrentWorkflowTaskExecutions: number;
  /** Only the codecs are used here: payload conversion happens inside the sandbox. */
  readonly dataConverter?: { readonly payloadCodecs?: readonly PayloadCodec[] };
  readonly logger: Logger;
  readonly namespace?: string;
  readonly taskQueue?: string;
  readonly isolateExecutionTimeoutMs?: number;
  readonly registeredActivityNames?: Iterable<string>;
  readonly sinks?: InjectedSinks;
  /** How workflow executions are separated (default `shared-realm`); see `WorkflowIsolation`. */
  readonly workflowIsolation?: WorkflowIsolation;
  /** Where V8's compiled code of the bundle is kept between processes (`false`: nowhere). */
  readonly codeCacheDir?: string | false;
  /** Include source excerpts in `__enhanced_stack_trace` answers. */
  readonly showStackTraceSources?: boolean;
  /** Error class names that fail the workflow execution instead of the task, by type (`'*'`: all). */
  readonly workflowFailureErrorTypes?: Readonly<Record<string, readonly string[]>>;
  /** Heap bytes above which idle cached workflows are evicted (default 70 % of the heap limit). */
  readonly maxCacheHeapBytes?: number;
  /** A failure the worker cannot continue after (poll or completion refused by the core). */
  readonly onFatalError?: (error: unknown) => void;
  /** Called once, when the core answered a poll with "shut down". */
  readonly onPollerShutdown?: () => void;
}

const activationType = coresdk.workflow_activation.WorkflowActivation as unknown as protobuf.Type;
const completionType = coresdk.workflow_completion.WorkflowActivationCompletion as unknown as protobuf.Type;

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`'${field}' must be a positive integer, got ${String(value)}`);
  return value;
}

/**
 * Drives the core's workflow poller: polls activations, decodes them, runs them through the
 * {@link WorkflowRunner} (in order per run, at most `maxConcurrentWorkflowTaskExecutions` at once),
 * applies payload codecs around each activation, and reports every completion. Workflows the cache
 * evicts on its own are reported to the core with `requestWorkflowEviction`. {@link run} settles once
 * the poller is drained and every completion is acknowledged, then disposes every cached workflow.
 *
 * @example
 * ```ts
 * const loop = new WorkflowActivationLoop({ coreWorker, bundle, maxCachedWorkflows: 1000,
 *   maxConcurrentWorkflowTaskExecutions: 40, logger, taskQueue: 'orders', namespace: 'default' });
 * await loop.run(); // returns after coreWorker.initiateShutdown() and the drain
 * ```
 */
export class WorkflowActivationLoop {
  readonly runner: WorkflowRunner;
  private readonly maxConcurrent: number;
  private readonly codecs: readonly PayloadCodec[];
  private inFlight = 0;
  private slotFreed: (() => void) | undefined;

  constructor(private readonly options: WorkflowActivationLoopOptions) {
    if (typeof options?.coreWorker?.pollWorkflowActivation !== 'function') throw new TypeError(`'coreWorker' must be a CoreWorker`);
    this.maxConcurrent = positiveInteger(options.maxConcurrentWorkflowTaskExecutions, 'maxConcurrentWorkflowTaskExecutions');
    this.codecs = options.dataConverter?.payloadCodecs ?? [];
    const { bundle } = options;
    if (typeof bundle?.code !== 'string') throw new TypeError(`'bundle' must have a string 'code'`);
    this.runner = new WorkflowRunner({
      bundle: { code: bundle.code, sourceMap: bundle.sourceMap, hash: bundle.hash ?? createHash('sha256').update(bundle.code).digest('hex') },
      taskQueue: options.taskQueue ?? 'unknown',
      namespace: options.namespace,
      maxCachedWorkflows: options.maxCachedWorkflows,
      maxCacheHeapBytes: options.maxCacheHeapBytes,
      isolateExecutionTimeoutMs: options.isolateExecutionTimeoutMs,
      registeredActivityNames: options.registeredActivityNames,
      logger: options.logger,
      sinks: options.sinks,
      workflowFailureErrorTypes: options.workflowFailureErrorTypes,
      showStackTraceSources: options.showStackTraceSources,
      workflowIsolation: options.workflowIsolation,
      codeCacheDir: options.codeCacheDir,
      onEvict: (runId, reason) => this.requestEviction(runId, reason),
    });
  }

  /**
   * Polls until the core reports shutdown, waits for every activation in flight to be completed,
   * then disposes the cached workflows. Never rejects: failures go to `onFatalError`.
   */
  async run(): Promise<void> {
    let failedPolls = 0;
    for (;;) {
      await this.freeSlot();
      let bytes: Uint8Array | null;
      try {
        bytes = await this.options.coreWorker.pollWorkflowActivation();
      } catch (error) {
        // The core retries transient poll failures itself; a second failure in a row means the
        // poller is broken for good: stop rather than spin.
        this.fatal(error);
        if (++failedPolls >= 2) break;
        continue;
      }
      failedPolls = 0;
      if (bytes === null) break;
      this.inFlight++;
      void this.process(bytes).finally(() => {
        this.inFlight--;
        this.slotFreed?.();
      });
    }
    this.options.onPollerShutdown?.();
    while (this.inFlight > 0) await new Promise<void>((resolve) => (this.slotFreed = resolve));
    this.runner.shutdown();
  }

  private async freeSlot(): Promise<void> {
    while (this.inFlight >= this.maxConcurrent) await new Promise<void>((resolve) => (this.slotFreed = resolve));
    this.slotFreed = undefined;
  }

  private async process(bytes: Uint8Array): Promise<void> {
    let activation: coresdk.workflow_activation.WorkflowActivation;
    try {
      activation = coresdk.workflow_activation.WorkflowActivation.decode(bytes);
    } catch (error) {
      this.fatal(new TypeError(`The core sent a workflow activation that does not decode: ${String(error)}`));
      return;
    }
    const runId = activation.runId;
    let completion: Completion;
    try {
      if (this.codecs.length > 0) await transformPayloads(activationType, activation, (p) => this.decodePayloads(p));
      completion = await this.runner.activate(activation);
      if (this.codecs.length > 0) await transformPayloads(completionType, completion, (p) => this.encodePayloads(p));
    } catch (error) {
      // Only codecs can throw here (the runner turns workflow errors into failed completions).
      this.options.logger.error('Payload codec failed around a workflow activation', { runId, error });
      completion = { runId, failed: { failure: { message: `Payload codec failed: ${describe(error)}`, source: 'TypeScriptSDK' } } };
    }
    try {
      await this.options.coreWorker.completeWorkflowActivation(
        coresdk.workflow_completion.WorkflowActivationCompletion.encode(completion as coresdk.workflow_completion.WorkflowActivationCompletion).finish(),
      );
    } catch (error) {
      this.options.logger.error('The core refused a workflow activation completion', { runId, error });
      this.fatal(error);
    }
  }

  private async decodePayloads(payloads: Payload[]): Promise<Payload[]> {
    let current = payloads;
    for (const codec of [...this.codecs].reverse()) current = await codec.decode(current);
    return current;
  }

  private async encodePayloads(payloads: Payload[]): Promise<Payload[]> {
    let current = payloads;
    for (const codec of this.codecs) current = await codec.encode(current);
    return current;
  }

  private requestEviction(runId: string, reason: string): void {
    this.options.logger.debug('Evicting workflow from cache', { runId, reason });
    try {
      this.options.coreWorker.requestWorkflowEviction(runId);
    } catch (error) {
      this.options.logger.warn('Could not ask the core to evict a workflow', { runId, reason, error });
    }
  }

  private fatal(error: unknown): void {
    if (this.options.onFatalError) this.options.onFatalError(error);
    else this.options.logger.error('Workflow activation loop failure', { error });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
