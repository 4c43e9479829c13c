import { coresdk } from '@temporalio/proto';
import type { WorkflowInfo } from '@temporalio/workflow';
import { SdkFlags } from '@temporalio/workflow/lib/flags';
import type { Activator } from '@temporalio/workflow/lib/internals';
import { suggestContinueAsNewReasonsFromProto } from '@temporalio/common/lib/continue-as-new';
import { convertDeploymentVersion } from '@temporalio/common';
import type { Invoke, WorkflowSandbox } from './sandbox/sandbox';
import { MalformedActivationError, activationTime, historySize } from './workflow-info';
import { hostErrorToFailure } from './host-failure';

type Activation = coresdk.workflow_activation.IWorkflowActivation;
type Job = coresdk.workflow_activation.IWorkflowActivationJob;
type Completion = coresdk.workflow_completion.IWorkflowActivationCompletion;

/** A promise rejection nobody handled inside workflow code; it fails the workflow task. */
export class UnhandledRejectionError extends Error {
  override readonly name = 'UnhandledRejectionError';
  constructor(readonly reason: unknown) {
    super(`Unhandled Promise rejection in workflow code: ${describe(reason)}`, { cause: reason });
  }
}

function describe(value: unknown): string {
  try {
    return value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value)
      ? String((value as { message: unknown }).message)
      : String(value);
  } catch {
    return 'unprintable value';
  }
}

/**
 * Workflow code added properties to globals or built-ins of a shared realm. They were removed
 * before any other workflow ran; the workflow type now runs in realms of its own, and the workflow
 * task is retried there.
 */
export class SharedRealmLeakError extends Error {
  override readonly name = 'SharedRealmLeakError';
  constructor(readonly properties: readonly string[]) {
    super(
      `Workflow code added ${properties.join(', ')} to the shared workflow realm; this workflow type will run in a realm of its own ` +
        `(set workflowIsolation: 'realm-per-workflow' to make that the default)`,
    );
  }
}

/**
 * Whether `error` is the engine refusing a change to a frozen built-in of the shared realm (adding
 * to a non-extensible built-in, assigning a read-only one). Such a workflow needs a realm of its
 * own; in one it would have succeeded.
 */
export function isSharedRealmViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (
    name === 'TypeError' &&
    typeof message === 'string' &&
    /object is not extensible|Cannot assign to read only property|Cannot redefine property|Cannot delete property|Cannot add property/.test(message)
  );
}

/** One call a workflow made to a sink (`log`, user sinks), collected during an activation. */
export interface SinkCall {
  ifaceName: string;
  fnName: string;
  args: unknown[];
  workflowInfo: WorkflowInfo;
}

function partition<T>(items: readonly T[], predicate: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (predicate(item) ? yes : no).push(item);
  return [yes, no];
}

/**
 * The runtime dispatches on each job's protobuf `variant`, a getter that only message instances
 * have; activations built from plain objects are converted once here.
 */
function withJobs(activation: Activation, jobs: Job[]): coresdk.workflow_activation.WorkflowActivation {
  const { WorkflowActivation, WorkflowActivationJob } = coresdk.workflow_activation;
  const typed = jobs.every((j) => (j as { variant?: unknown }).variant !== undefined)
    ? (jobs as coresdk.workflow_activation.WorkflowActivationJob[])
    : jobs.map((j) => WorkflowActivationJob.fromObject(j));
  return WorkflowActivation.create({ ...activation, jobs: typed });
}

/**
 * One live workflow run: its sandbox plus the protocol of driving `worker-interface.js` through an
 * activation (info refresh, patches first, signal batching, condition sweeps, conclusion).
 * Every failure inside an activation becomes a failed completion; nothing escapes to the caller.
 * Instances are made by {@link WorkflowRunner}, which is what callers normally use.
 *
 * @example
 * ```ts
 * const completion = await instance.activate(activation); // never rejects
 * if (instance.leaked) console.warn('moved to its own realm:', instance.leaked);
 * instance.dispose();
 * ```
 */
export class WorkflowInstance {
  constructor(
    readonly sandbox: WorkflowSandbox,
    readonly info: WorkflowInfo,
    /**
     * `initRuntime` options, run at the start of the first activation's session: creating the
     * workflow and running its first activation then cost one timeout watchdog instead of two.
     */
    private pendingInit?: unknown,
  ) {}

  /** Whether the runtime created the workflow (false before the first activation or after it failed to). */
  get initialized(): boolean {
    return this.sandbox.activator !== undefined;
  }

  get runId(): string {
    return this.sandbox.runId;
  }

  private get activator(): Activator {
    const activator = this.sandbox.activator;
    if (activator === undefined) throw new MalformedActivationError('runId', `Workflow ${this.runId} has no live workflow context`);
    return activator as Activator;
  }

  /**
   * Built-ins or globals the last activation added in a shared realm (already removed there). The
   * runner moves such a workflow into a realm of its own.
   */
  leaked: string[] | undefined;

  /** Runs one activation (never a `removeFromCache` one) and returns its completion. */
  async activate(activation: Activation): Promise<Completion> {
    try {
      return await this.sandbox.exclusive(async () => {
        const jobs = activation.jobs ?? [];
        if (jobs.length === 0) throw new MalformedActivationError('jobs', 'Workflow activation has no jobs');
        const [queries, others] = partition(jobs, (j) => j.queryWorkflow != null);
        let completion: Completion;
        try {
          // One session per activation: one timeout watchdog, the same call-by-call semantics.
          completion = this.sandbox.session((invoke) => {
            if (this.pendingInit !== undefined) {
              const options = this.pendingInit;
              this.pendingInit = undefined;
              invoke('initRuntime', [options]);
            }
            return queries.length > 0 ? this.runQueries(invoke, activation, queries, others) : this.runJobs(invoke, activation, jobs);
          }, 'activation');
        } finally {
          this.leaked = this.sandbox.realm.broken ? undefined : this.sandbox.detectLeaks();
        }
        // One macrotask turn lets Node report rejections left unhandled by this activation.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const rejection = this.sandbox.takeUnhandledRejection();
        if (rejection) throw new UnhandledRejectionError(rejection.reason);
        if (this.leaked) throw new SharedRealmLeakError(this.leaked);
        return completion;
      });
    } catch (error) {
      if (!this.sandbox.dedicated && isSharedRealmViolation(error)) this.leaked = [describe(error)];
      return { runId: this.runId, failed: { failure: this.toFailure(error) } };
    }
  }

  /** Sink calls made by the workflow since the last call; empty once the context is gone. */
  takeSinkCalls(): SinkCall[] {
    const activator = this.sandbox.activator as Activator | undefined;
    return activator ? (activator.getAndResetSinkCalls() as SinkCall[]) : [];
  }

  /** Whether the workflow is currently replaying history (sinks and console are muted then). */
  get isReplaying(): boolean {
    const activator = this.sandbox.activator as Activator | undefined;
    return activator?.info.unsafe.isReplaying ?? false;
  }

  /**
   * Releases the run: the runtime's disposal hooks (interceptors, AsyncLocalStorage) then the
   * context itself. Errors from hooks are reported after the context is dropped anyway.
   */
  dispose(): void {
    if (this.sandbox.destroyed) return;
    try {
      if (!this.sandbox.realm.broken) {
        this.sandbox.session((invoke) => {
          if (this.sandbox.activator !== undefined) invoke('dispose');
          // `destroy` tears down realm-wide runtime state: only for a realm this execution owns.
          if (this.sandbox.dedicated) invoke('destroy');
        }, 'dispose');
      }
    } finally {
      this.sandbox.destroy();
    }
  }

  private runQueries(invoke: Invoke, activation: Activation, queries: Job[], others: Job[]): Completion {
    // The core never mixes queries with other jobs; if it did, answering would reorder history.
    if (others.length > 0) throw new MalformedActivationError('jobs', 'Activation mixes queries with other jobs');
    this.activator.mutateWorkflowInfo((info) => ({
      ...info,
      unsafe: { ...info.unsafe, isReplaying: true, isReplayingHistoryEvents: false },
    }));
    invoke('activate', [withJobs(activation, queries)]);
    return invoke('concludeActivation') as Completion;
  }

  private runJobs(invoke: Invoke, activation: Activation, jobs: Job[]): Completion {
    const activator = this.activator;
    activator.now = activationTime(activation);
    const isReplaying = activation.isReplaying ?? false;
    activator.mutateWorkflowInfo((info) => ({
      ...info,
      historyLength: activation.historyLength ?? info.historyLength,
      historySize: historySize(activation),
      continueAsNewSuggested: activation.continueAsNewSuggested ?? false,
      targetWorkerDeploymentVersionChanged: activation.targetWorkerDeploymentVersionChanged ?? false,
      suggestedContinueAsNewReasons: suggestContinueAsNewReasonsFromProto(activation.suggestContinueAsNewReasons),
      currentBuildId: activation.deploymentVersionForCurrentTask?.buildId ?? '',
      currentDeploymentVersion: convertDeploymentVersion(activation.deploymentVersionForCurrentTask),
      unsafe: { ...info.unsafe, isReplaying, isReplayingHistoryEvents: isReplaying },
    }));
    activator.addKnownFlags(activation.availableInternalFlags ?? []);
    if (activation.lastSdkVersion) activator.sdkVersion = activation.lastSdkVersion;

    const init = jobs.find((j) => j.initializeWorkflow != null)?.initializeWorkflow;
    if (init) invoke('initialize', [init]);

    // Patch markers must be known before any job can reach a `patched()` call.
    const [patches, rest] = partition(jobs, (j) => j.notifyHasPatch != null);
    for (const { notifyHasPatch } of patches) activator.notifyHasPatch(notifyHasPatch!);

    const hasSignals = rest.some((j) => j.signalWorkflow != null);
    if (!hasSignals || activator.hasFlag(SdkFlags.ProcessWorkflowActivationJobsAsSingleBatch)) {
      const [seeds, others] = partition(rest, (j) => j.updateRandomSeed != null);
      if (seeds.length > 0) activator.updateRandomSeed(seeds[seeds.length - 1]!.updateRandomSeed!);
      this.runBatch(invoke, activation, others, 0);
    } else {
      // Histories written before the single-batch flag ran signals first, in their own batch.
      const [signals, others] = partition(rest, (j) => j.signalWorkflow != null);
      let batch = 0;
      for (const group of [signals, others]) if (group.length > 0) this.runBatch(invoke, activation, group, batch++);
    }
    return invoke('concludeActivation') as Completion;
  }

  private runBatch(invoke: Invoke, activation: Activation, jobs: Job[], batchIndex: number): void {
    invoke('activate', [withJobs(activation, jobs), batchIndex]);
    // Each call drains the realm's microtasks, so resolving one condition can unblock code that
    // satisfies another: sweep until nothing moves. A sweep with no blocked condition and no
    // pending task error does nothing, so that call is skipped.
    const activator = this.activator;
    while (activator.blockedConditions.size > 0 || activator.workflowTaskError !== undefined) {
      if ((invoke('tryUnblockConditions') as number) === 0) break;
    }
  }

  private toFailure(error: unknown): coresdk.workflow_completion.IFailure['failure'] {
    const activator = this.sandbox.activator as Activator | undefined;
    if (activator) {
      try {
        return activator.errorToFailure(error);
      } catch {
        // The workflow's own failure converter failed; fall back to the host's.
      }
    }
    return hostErrorToFailure(error);
  }
}
