/**
 * Typed access to `temporal.api.testservice.v1.TestService` over a connection's core client: the RPCs
 * a time-skipping server (our embedded one with `timeSkipping`, or the official Java test server)
 * answers. Method names and request shapes follow the official `connection.testService`. Failures
 * reject with the client's `ServiceError` family, as WorkflowService calls do.
 */
import { google, temporal } from '@temporalio/proto';
import type { Connection } from '../client/connection';
import { toClientError } from '../client/rpc-errors';

const v1 = temporal.api.testservice.v1;

interface MessageClass<T, R> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): R;
}

/**
 * @example
 * ```ts
 * const testService = new TestServiceClient(connection);
 * await testService.unlockTimeSkippingWithSleep({ duration: { seconds: 3600 } });
 * const { time } = await testService.getCurrentTime({});
 * ```
 */
export class TestServiceClient {
  constructor(private readonly connection: Connection) {}

  /** Adds one holder of the lock: time does not skip while any holder is left. */
  lockTimeSkipping(request: temporal.api.testservice.v1.ILockTimeSkippingRequest = {}): Promise<temporal.api.testservice.v1.LockTimeSkippingResponse> {
    return this.call('LockTimeSkipping', v1.LockTimeSkippingRequest, v1.LockTimeSkippingResponse, request);
  }

  /** Removes one holder; FAILED_PRECONDITION when there is none. */
  unlockTimeSkipping(request: temporal.api.testservice.v1.IUnlockTimeSkippingRequest = {}): Promise<temporal.api.testservice.v1.UnlockTimeSkippingResponse> {
    return this.call('UnlockTimeSkipping', v1.UnlockTimeSkippingRequest, v1.UnlockTimeSkippingResponse, request);
  }

  /** Returns once the server's time has moved by `duration` (skipping only if unlocked). */
  sleep(request: temporal.api.testservice.v1.ISleepRequest): Promise<temporal.api.testservice.v1.SleepResponse> {
    return this.call('Sleep', v1.SleepRequest, v1.SleepResponse, request);
  }

  /** Returns once the server's time has reached `timestamp`. */
  sleepUntil(request: temporal.api.testservice.v1.ISleepUntilRequest): Promise<temporal.api.testservice.v1.SleepResponse> {
    return this.call('SleepUntil', v1.SleepUntilRequest, v1.SleepResponse, request);
  }

  /** Unlocks time skipping, sleeps `duration` of server time, and locks it again. */
  unlockTimeSkippingWithSleep(request: temporal.api.testservice.v1.ISleepRequest): Promise<temporal.api.testservice.v1.SleepResponse> {
    return this.call('UnlockTimeSkippingWithSleep', v1.SleepRequest, v1.SleepResponse, request);
  }

  /** The server's current (virtual) time. */
  getCurrentTime(request: google.protobuf.IEmpty = {}): Promise<temporal.api.testservice.v1.GetCurrentTimeResponse> {
    return this.call('GetCurrentTime', google.protobuf.Empty, v1.GetCurrentTimeResponse, request);
  }

  private async call<T, R>(rpc: string, requestType: MessageClass<T, unknown>, responseType: MessageClass<unknown, R>, request: T): Promise<R> {
    let reply: Uint8Array;
    try {
      // No retries: a lock or unlock applied twice would leave the lock count off by one.
      reply = await this.connection.core.rpcCall('test', rpc, requestType.encode(request).finish(), { retry: false });
    } catch (err) {
      throw toClientError(rpc, err);
    }
    return responseType.decode(reply);
  }
}
