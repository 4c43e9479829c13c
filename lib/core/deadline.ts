/**
 * A deadline over a whole retried RPC. The core hands the call's timeout to every retry attempt,
 * so without this a call with `retry: true` and `timeoutMs` could run for several times its
 * deadline and then fail with the last attempt's UNAVAILABLE rather than DEADLINE_EXCEEDED.
 */
import { watchAbort } from './abort-watch';
import { CoreError } from './errors';

/** gRPC DEADLINE_EXCEEDED. */
export const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * Runs `send` with a signal that aborts when `timeoutMs` elapses or `callerSignal` aborts. When the
 * deadline fires first, the call rejects with a `CoreError` carrying DEADLINE_EXCEEDED; when the
 * caller aborts, `send`'s own rejection (CANCELLED) passes through.
 *
 * @example
 * ```ts
 * await withDeadline('DescribeNamespace', 5000, undefined, (signal) =>
 *   inner.rpcCall('workflow', 'DescribeNamespace', request, { retry: true, timeoutMs: 5000, signal }));
 * ```
 */
export async function withDeadline<T>(
  rpc: string,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  send: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new CoreError(`rpcCall ${rpc}: deadline of ${timeoutMs} ms exceeded`, { code: GRPC_DEADLINE_EXCEEDED }));
  }, timeoutMs);
  const stopWatching = callerSignal === undefined ? () => undefined : watchAbort(callerSignal, () => controller.abort(callerSignal.reason));
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  try {
    return await send(controller.signal);
  } catch (err) {
    if (expired && !callerSignal?.aborted) {
      throw new CoreError(`rpcCall ${rpc}: deadline of ${timeoutMs} ms exceeded (over all retry attempts)`, {
        code: GRPC_DEADLINE_EXCEEDED,
        cause: err,
      });
    }
    throw err;
  } finally {
    clearTimeout(timer);
    stopWatching();
  }
}
