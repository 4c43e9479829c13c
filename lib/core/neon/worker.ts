/**
 * A core worker driven through the Neon addon, behind the shutdown state machine.
 */
import { CoreError } from '../errors';
import type { CoreWorker } from '../types';
import type { NeonApi, NeonWorkerHandle } from './bridge';
import { isShutdownError, toCoreError } from './errors';
import { lengthDelimited } from './framing';
import { WorkerLifecycle, type PollKind } from './worker-lifecycle';

export class NeonWorker implements CoreWorker {
  private readonly lifecycle: WorkerLifecycle;

  /**
   * @param onFinalized called once, after the core worker is gone (releases the runtime reference).
   */
  constructor(
    private readonly api: NeonApi,
    private readonly handle: NeonWorkerHandle,
    enabledPolls: ReadonlySet<PollKind>,
    private readonly onFinalized: () => void,
  ) {
    this.lifecycle = new WorkerLifecycle(enabledPolls);
  }

  async validate(): Promise<void> {
    this.lifecycle.beginOperation('validate');
    try {
      await this.api.workerValidate(this.handle);
    } catch (err) {
      throw toCoreError(err, 'validate');
    } finally {
      this.lifecycle.endOperation();
    }
  }

  pollWorkflowActivation(): Promise<Uint8Array | null> {
    return this.poll('workflow', 'pollWorkflowActivation', () => this.api.workerPollWorkflowActivation(this.handle));
  }

  pollActivityTask(): Promise<Uint8Array | null> {
    return this.poll('activity', 'pollActivityTask', () => this.api.workerPollActivityTask(this.handle));
  }

  completeWorkflowActivation(completion: Uint8Array): Promise<void> {
    return this.complete('completeWorkflowActivation', () =>
      this.api.workerCompleteWorkflowActivation(this.handle, lengthDelimited(completion)),
    );
  }

  completeActivityTask(completion: Uint8Array): Promise<void> {
    return this.complete('completeActivityTask', () => this.api.workerCompleteActivityTask(this.handle, lengthDelimited(completion)));
  }

  recordActivityHeartbeat(heartbeat: Uint8Array): void {
    this.lifecycle.assertUsable('recordActivityHeartbeat');
    try {
      this.api.workerRecordActivityHeartbeat(this.handle, lengthDelimited(heartbeat));
    } catch (err) {
      throw toCoreError(err, 'recordActivityHeartbeat');
    }
  }

  requestWorkflowEviction(runId: string): void {
    this.lifecycle.assertUsable('requestWorkflowEviction');
    // @temporalio/core-bridge 1.24.0 exports no eviction call (the official SDK evicts by failing
    // an activation instead), so the request cannot be delivered on this backend.
    throw new CoreError(
      `requestWorkflowEviction(${JSON.stringify(runId)}): the neon backend cannot request evictions; ` +
        'fail the run\'s activation instead, or use the native backend',
    );
  }

  initiateShutdown(): void {
    if (!this.lifecycle.initiateShutdown()) return;
    try {
      this.api.workerInitiateShutdown(this.handle);
    } catch (err) {
      throw toCoreError(err, 'initiateShutdown');
    }
  }

  async finalizeShutdown(): Promise<void> {
    this.lifecycle.beginFinalize();
    try {
      await this.api.workerFinalizeShutdown(this.handle);
    } catch (err) {
      throw toCoreError(err, 'finalizeShutdown');
    } finally {
      // The addon takes the worker out of its handle on finalize, success or not: it is gone.
      this.lifecycle.endFinalize();
      this.onFinalized();
    }
  }

  private async poll(kind: PollKind, call: string, send: () => Promise<Buffer>): Promise<Uint8Array | null> {
    if (!this.lifecycle.beginPoll(kind, call)) return null;
    let shutDown = false;
    try {
      return await send();
    } catch (err) {
      if (isShutdownError(err)) {
        shutDown = true;
        return null;
      }
      throw toCoreError(err, call);
    } finally {
      this.lifecycle.endPoll(kind, shutDown);
    }
  }

  private async complete(call: string, send: () => Promise<void>): Promise<void> {
    this.lifecycle.beginOperation(call);
    try {
      await send();
    } catch (err) {
      throw toCoreError(err, call);
    } finally {
      this.lifecycle.endOperation();
    }
  }
}
