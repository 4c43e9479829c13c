import { coresdk } from '@temporalio/proto';
import type { CoreWorker } from '../../lib/core/types';

/**
 * The activity-heartbeat side of a core worker, recording what it receives. Unit tests of the
 * heartbeat and result logic use it; everything that polls runs against the real core in e2e.
 */
export class HeartbeatRecorder implements Pick<CoreWorker, 'recordActivityHeartbeat'> {
  readonly heartbeats: coresdk.ActivityHeartbeat[] = [];

  recordActivityHeartbeat(bytes: Uint8Array): void {
    this.heartbeats.push(coresdk.ActivityHeartbeat.decode(bytes));
  }

  asCoreWorker(): CoreWorker {
    return this as unknown as CoreWorker;
  }
}
