/**
 * Turns the addon's one error shape (`name` "TemporalNativeError" with a `kind`) into the core
 * layer's `CoreError` / `WorkerStateError`. Bad-argument `TypeError`s and `RangeError`s pass
 * through unchanged: they name the field and are the caller's to fix.
 */
import { CoreError, WorkerStateError } from '../errors';

/** gRPC CANCELLED, reported for calls aborted through their AbortSignal. */
const GRPC_CANCELLED = 1;

interface NativeErrorFields {
  kind?: unknown;
  grpcCode?: unknown;
  details?: unknown;
  cause?: unknown;
}

/**
 * @example
 * ```ts
 * try { connection.updateApiKey('k'); } catch (err) { throw toCoreError(err); }
 * ```
 */
export function toCoreError(err: unknown): Error {
  if (err instanceof CoreError || err instanceof TypeError || err instanceof RangeError) return err;
  if (!(err instanceof Error) || err.name !== 'TemporalNativeError') {
    return new CoreError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const fields = err as Error & NativeErrorFields;
  const details = fields.details instanceof Uint8Array ? new Uint8Array(fields.details) : undefined;
  switch (fields.kind) {
    case 'state':
      return new WorkerStateError(err.message, { cause: err });
    case 'rpc':
      return new CoreError(err.message, {
        code: typeof fields.grpcCode === 'number' ? fields.grpcCode : undefined,
        details,
        cause: err,
      });
    case 'aborted':
      return new CoreError(err.message, { code: GRPC_CANCELLED, cause: fields.cause ?? err });
    default:
      return new CoreError(err.message, { details, cause: err });
  }
}

/** Runs a synchronous addon call, translating what it throws. */
export function translated<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw toCoreError(err);
  }
}

/** Awaits an addon promise (or a synchronous throw), translating the failure. */
export async function translatedAsync<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toCoreError(err);
  }
}
