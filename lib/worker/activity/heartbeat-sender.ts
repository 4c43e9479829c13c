import { coresdk } from '@temporalio/proto';
import type { CoreWorker } from '../../core/types';
import type { LoadedDataConverter } from '../../converter/types';
import type { Logger } from '../logger';

/** What a {@link HeartbeatSender} needs from the worker. */
export interface HeartbeatSenderDeps {
  readonly coreWorker: CoreWorker;
  readonly dataConverter: LoadedDataConverter;
  readonly logger: Logger;
}

/**
 * Sends one activity's heartbeats to the core, coalesced: at most one heartbeat is being converted
 * and recorded at a time; a heartbeat that arrives meanwhile waits as "pending" and a newer one
 * replaces it. Conversion goes through the data converter (codecs may be async), which is why
 * coalescing happens here rather than in the core (the core only throttles what reaches the server).
 *
 * @example
 * ```ts
 * const sender = new HeartbeatSender(taskToken, deps, (err) => cancellation.cancel('HEARTBEAT_DETAILS_CONVERSION_FAILED'));
 * sender.heartbeat({ progress: 1 });
 * await sender.close(true); // the activity failed: the last details must reach the core first
 * ```
 */
export class HeartbeatSender {
  private sending = false;
  private hasPending = false;
  private pending: unknown;
  private closed = false;
  private idle: (() => void) | undefined;

  constructor(
    private readonly taskToken: Uint8Array,
    private readonly deps: HeartbeatSenderDeps,
    private readonly onConversionFailure: (error: unknown) => void,
  ) {}

  heartbeat(details: unknown): void {
    if (this.closed) {
      this.deps.logger.debug('Heartbeat after the activity finished is dropped');
      return;
    }
    if (this.sending) {
      this.pending = details;
      this.hasPending = true;
      return;
    }
    this.sending = true;
    void this.sendUntilIdle(details);
  }

  /**
   * Stops accepting heartbeats. With `flushPending` the waiting heartbeat is still sent (failures
   * carry the last heartbeat details to the next attempt); otherwise it is dropped. Resolves once
   * nothing is being sent, so that no heartbeat reaches the core after the completion.
   */
  close(flushPending: boolean): Promise<void> {
    this.closed = true;
    if (!flushPending) {
      this.hasPending = false;
      this.pending = undefined;
    }
    if (!this.sending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.idle = resolve;
    });
  }

  private async sendUntilIdle(first: unknown): Promise<void> {
    let details = first;
    for (;;) {
      await this.sendOne(details);
      if (!this.hasPending) break;
      details = this.pending;
      this.hasPending = false;
      this.pending = undefined;
    }
    this.sending = false;
    const idle = this.idle;
    this.idle = undefined;
    idle?.();
  }

  /** Never throws: a conversion failure cancels the activity, a core refusal is logged. */
  private async sendOne(details: unknown): Promise<void> {
    let payload;
    try {
      payload = await this.deps.dataConverter.encodeOne(details);
    } catch (error) {
      this.deps.logger.warn('Failed to convert heartbeat details, cancelling the activity', { error });
      this.onConversionFailure(error);
      return;
    }
    try {
      const bytes = coresdk.ActivityHeartbeat.encode({ taskToken: this.taskToken, details: [payload] }).finish();
      this.deps.coreWorker.recordActivityHeartbeat(bytes);
    } catch (error) {
      this.deps.logger.warn('The core refused an activity heartbeat', { error });
    }
  }
}
