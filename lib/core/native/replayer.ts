/** `CoreReplayer` over the addon's replayer: a replay worker plus its history stream. */
import type { CoreReplayer, CoreWorker } from '../types';
import type { NativeReplayer } from './addon';
import { translated } from './errors';
import { NativeCoreWorker } from './worker';

export class NativeCoreReplayer implements CoreReplayer {
  readonly worker: CoreWorker;

  constructor(private readonly replayer: NativeReplayer) {
    this.worker = new NativeCoreWorker(replayer.worker);
  }

  /** The core queues the history synchronously; a decode failure rejects. */
  async pushHistory(workflowId: string, history: Uint8Array): Promise<void> {
    translated(() => this.replayer.pushHistory(workflowId, history));
  }

  /**
   * Ends the stream. Call it once the activation of the last pushed history has been polled: the
   * core's pending send to the replay worker still uses the stream until then.
   */
  closeHistoryStream(): void {
    translated(() => this.replayer.closeHistoryStream());
  }
}
