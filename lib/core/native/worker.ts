/** `CoreWorker` over the addon's worker object (the shutdown order is enforced in C++). */
import type { CoreWorker } from '../types';
import type { NativeWorker } from './addon';
import { translated, translatedAsync } from './errors';

export class NativeCoreWorker implements CoreWorker {
  constructor(private readonly worker: NativeWorker) {}

  /** `running`, `shutting-down`, `finalizing`, `finalized`, or `released` (environment teardown). */
  get state(): NativeWorker['state'] {
    return this.worker.state;
  }

  validate(): Promise<void> {
    return translatedAsync(() => this.worker.validate());
  }

  async pollWorkflowActivation(): Promise<Uint8Array | null> {
    return translatedAsync(() => this.worker.pollWorkflowActivation());
  }

  async pollActivityTask(): Promise<Uint8Array | null> {
    return translatedAsync(() => this.worker.pollActivityTask());
  }

  completeWorkflowActivation(completion: Uint8Array): Promise<void> {
    return translatedAsync(() => this.worker.completeWorkflowActivation(completion));
  }

  completeActivityTask(completion: Uint8Array): Promise<void> {
    return translatedAsync(() => this.worker.completeActivityTask(completion));
  }

  recordActivityHeartbeat(heartbeat: Uint8Array): void {
    translated(() => this.worker.recordActivityHeartbeat(heartbeat));
  }

  requestWorkflowEviction(runId: string): void {
    translated(() => this.worker.requestWorkflowEviction(runId));
  }

  initiateShutdown(): void {
    translated(() => this.worker.initiateShutdown());
  }

  finalizeShutdown(): Promise<void> {
    return translatedAsync(() => this.worker.finalizeShutdown());
  }
}
