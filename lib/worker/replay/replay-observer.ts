/**
 * Watches the traffic between the workflow activation loop and the replay worker, without changing
 * it, to learn how each replayed run ended.
 *
 * Why a wrapper: the core reports the outcome of a replay only through the activations it sends —
 * every replayed run ends with a `removeFromCache` job whose reason says whether it went well
 * (`NONDETERMINISM` when commands and events disagree, `LANG_FAIL` after a failed workflow task) —
 * and the activation loop is a generic poller that has no reason to expose them.
 */
import { coresdk } from '@temporalio/proto';
import type { CoreWorker } from '../../core/types';

const EvictionReason = coresdk.workflow_activation.RemoveFromCache.EvictionReason;

/** A `removeFromCache` job seen on its way to the activation loop. */
export interface ObservedEviction {
  readonly runId: string;
  /** The core's reason by name, e.g. `NONDETERMINISM`. */
  readonly reason: string;
  readonly message: string;
  /** The failure of the last failed workflow task completion of this run, if any. */
  readonly lastTaskFailure?: coresdk.workflow_completion.IFailure['failure'];
}

type EvictionListener = (eviction: ObservedEviction) => void;

/**
 * A `CoreWorker` that forwards every call to the replay worker and reports each eviction (with the
 * run's last failed completion) to the current listener.
 */
export class ReplayObserver implements CoreWorker {
  private listener: EvictionListener | undefined;
  private readonly taskFailures = new Map<string, coresdk.workflow_completion.IFailure['failure']>();

  constructor(private readonly worker: CoreWorker) {}

  /** Sets who hears about the next evictions (one history is replayed at a time). */
  onEviction(listener: EvictionListener | undefined): void {
    this.listener = listener;
  }

  validate(): Promise<void> {
    return this.worker.validate();
  }

  async pollWorkflowActivation(): Promise<Uint8Array | null> {
    const bytes = await this.worker.pollWorkflowActivation();
    if (bytes !== null) this.inspectActivation(bytes);
    return bytes;
  }

  pollActivityTask(): Promise<Uint8Array | null> {
    return this.worker.pollActivityTask();
  }

  completeWorkflowActivation(completion: Uint8Array): Promise<void> {
    this.inspectCompletion(completion);
    return this.worker.completeWorkflowActivation(completion);
  }

  completeActivityTask(completion: Uint8Array): Promise<void> {
    return this.worker.completeActivityTask(completion);
  }

  recordActivityHeartbeat(heartbeat: Uint8Array): void {
    this.worker.recordActivityHeartbeat(heartbeat);
  }

  requestWorkflowEviction(runId: string): void {
    this.worker.requestWorkflowEviction(runId);
  }

  initiateShutdown(): void {
    this.worker.initiateShutdown();
  }

  finalizeShutdown(): Promise<void> {
    return this.worker.finalizeShutdown();
  }

  private inspectActivation(bytes: Uint8Array): void {
    let activation: coresdk.workflow_activation.WorkflowActivation;
    try {
      activation = coresdk.workflow_activation.WorkflowActivation.decode(bytes);
    } catch {
      // The activation loop reports undecodable activations itself.
      return;
    }
    for (const job of activation.jobs) {
      const evict = job.removeFromCache;
      if (!evict) continue;
      const lastTaskFailure = this.taskFailures.get(activation.runId);
      this.taskFailures.delete(activation.runId);
      this.listener?.({
        runId: activation.runId,
        reason: EvictionReason[evict.reason ?? EvictionReason.UNSPECIFIED] ?? String(evict.reason),
        message: evict.message ?? '',
        lastTaskFailure,
      });
    }
  }

  private inspectCompletion(bytes: Uint8Array): void {
    try {
      const completion = coresdk.workflow_completion.WorkflowActivationCompletion.decode(bytes);
      if (completion.failed) this.taskFailures.set(completion.runId, completion.failed.failure);
    } catch {
      // Completions are encoded by the activation loop; the core refuses bad ones loudly.
    }
  }
}
