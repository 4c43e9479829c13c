/**
 * A replay worker driven through the Neon addon: histories go in through a pusher, activations come
 * out of an ordinary (workflows-only) worker.
 */
import { CoreError } from '../errors';
import type { CoreReplayer, CoreWorker } from '../types';
import type { NeonApi, NeonHistoryPusher } from './bridge';
import { toCoreError } from './errors';
import { lengthDelimited } from './framing';

export class NeonReplayer implements CoreReplayer {
  private streamClosed = false;

  constructor(
    private readonly api: NeonApi,
    private readonly pusher: NeonHistoryPusher,
    readonly worker: CoreWorker,
  ) {}

  async pushHistory(workflowId: string, history: Uint8Array): Promise<void> {
    if (this.streamClosed) throw new CoreError('pushHistory: the history stream is closed');
    try {
      await this.api.pushHistory(this.pusher, workflowId, lengthDelimited(history));
    } catch (err) {
      throw toCoreError(err, 'pushHistory');
    }
  }

  closeHistoryStream(): void {
    if (this.streamClosed) return;
    this.streamClosed = true;
    try {
      this.api.closeHistoryStream(this.pusher);
    } catch (err) {
      throw toCoreError(err, 'closeHistoryStream');
    }
  }
}
