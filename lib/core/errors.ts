/**
 * The one error class the core layer raises. Every failure that crosses from the Rust core (or the
 * native layer around it) becomes a `CoreError`; higher layers map it to SDK errors.
 *
 * @example
 * ```ts
 * try {
 *   await connection.rpcCall('workflow', 'DescribeNamespace', request);
 * } catch (err) {
 *   if (err instanceof CoreError && err.code === 5) console.log('namespace not found');
 * }
 * ```
 */
export class CoreError extends Error {
  /** gRPC status code for RPC failures; `undefined` for non-gRPC core failures. */
  readonly code: number | undefined;
  /** Raw `google.rpc.Status` bytes from `grpc-status-details-bin`, when the server sent them. */
  readonly details: Uint8Array | undefined;

  constructor(message: string, options: { code?: number; details?: Uint8Array; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.details = options.details;
  }

  // A prototype getter (not an instance field) so that every subclass reports its own class name
  // without redeclaring it, and `name` stays out of the enumerable own properties.
  override get name(): string {
    return this.constructor.name;
  }

  // Code that assigns `name` (as some error-copying libraries do) gets an own property instead of
  // a TypeError from a getter-only accessor.
  override set name(value: string) {
    Object.defineProperty(this, 'name', { value, writable: true, configurable: true, enumerable: false });
  }
}

/** Raised when a call reaches a worker that has been finalized, or violates the shutdown order. */
export class WorkerStateError extends CoreError {}
