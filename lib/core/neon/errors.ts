/**
 * Turns what the Neon addon throws into the core layer's `CoreError`.
 *
 * The addon signals its error kinds by `name` (`ServiceError`, `TransportError`,
 * `IllegalStateError`, `ShutdownError`, `UnexpectedError`, plain `TypeError`); matching on the name
 * rather than on classes keeps this independent of which copy of `@temporalio/common` made them.
 */
import { CoreError, WorkerStateError } from '../errors';

const DETAILS_HEADER = 'grpc-status-details-bin';

/** True when a poll failed because the poller has shut down (the contract's `null`). */
export function isShutdownError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ShutdownError';
}

/**
 * Maps a Neon error to `CoreError` (gRPC failures keep code, message and status-details bytes) or
 * `WorkerStateError` (the addon's illegal-state errors, e.g. a worker still in use).
 */
export function toCoreError(err: unknown, what: string): CoreError {
  if (err instanceof CoreError) return err;
  if (!(err instanceof Error)) return new CoreError(`${what} failed: ${String(err)}`, { cause: err });

  const withFields = err as Error & { code?: unknown; metadata?: unknown };
  if (err.name === 'ServiceError' && typeof withFields.code === 'number') {
    return new CoreError(err.message, { code: withFields.code, details: statusDetails(withFields.metadata), cause: err });
  }
  if (err.name === 'IllegalStateError') {
    return new WorkerStateError(`${what} failed: ${err.message}`, { cause: err });
  }
  return new CoreError(`${what} failed: ${err.message}`, { cause: err });
}

// The addon puts the raw `grpc-status-details-bin` bytes in the error's metadata; the package's
// wrapper turns that plain object into a grpc-js `Metadata`. Accept both shapes.
function statusDetails(metadata: unknown): Uint8Array | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  let value: unknown;
  const asGrpc = metadata as { get?: unknown };
  if (typeof asGrpc.get === 'function') {
    const values = (asGrpc.get as (key: string) => unknown[]).call(metadata, DETAILS_HEADER);
    value = values[0];
  } else {
    value = (metadata as Record<string, unknown>)[DETAILS_HEADER];
  }
  return value instanceof Uint8Array ? new Uint8Array(value) : undefined;
}
