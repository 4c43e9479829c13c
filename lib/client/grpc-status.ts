/**
 * gRPC status codes and the `google.rpc.Status` details a server attaches to an error.
 *
 * The table is ours rather than `@grpc/grpc-js`'s enum so that the client path never loads grpc-js:
 * calls travel through the Rust core's connection.
 */
import { google, temporal } from '@temporalio/proto';

/**
 * gRPC status codes by name, as defined by the gRPC specification.
 *
 * @example
 * ```ts
 * if (err instanceof ServiceError && err.code === GrpcStatus.UNAVAILABLE) retryLater();
 * ```
 */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/**
 * The name of a gRPC status code.
 *
 * @example
 * ```ts
 * const name: GrpcStatusName = serviceError.codeName; // 'NOT_FOUND'
 * ```
 */
export type GrpcStatusName = keyof typeof GrpcStatus;

const namesByCode = new Map<number, GrpcStatusName>(
  (Object.entries(GrpcStatus) as [GrpcStatusName, number][]).map(([name, code]) => [code, name]),
);

/** `'NOT_FOUND'` for 5; `'UNKNOWN'` for codes outside the specification. */
export function grpcStatusName(code: number): GrpcStatusName {
  return namesByCode.get(code) ?? 'UNKNOWN';
}

/**
 * One entry of `google.rpc.Status.details`. `value` is the decoded message when the type is known
 * to `@temporalio/proto` (every `temporal.api.errordetails.v1.*` failure, for instance), otherwise
 * `undefined` and only `bytes` is available.
 */
/**
 * @example
 * ```ts
 * const detail = serviceError.detail('temporal.api.errordetails.v1.NotFoundFailure');
 * console.log(detail?.value);
 * ```
 */
export interface StatusDetail {
  /** Full message name without the `type.googleapis.com/` prefix. */
  readonly typeName: string;
  readonly bytes: Uint8Array;
  readonly value: unknown;
}

/** The decoded `google.rpc.Status` an RPC failed with. */
export interface DecodedStatus {
  readonly code: number;
  readonly message: string;
  readonly details: StatusDetail[];
}

interface Decodable {
  decode(bytes: Uint8Array): unknown;
}

// Every generated namespace of @temporalio/proto hangs off one reflection root, so any message the
// server can put into details can be found by its full name.
const protoRoot = (temporal.api.errordetails.v1 as unknown as { root: { lookup(path: string): unknown } }).root;

function findMessageType(typeName: string): Decodable | undefined {
  let found: unknown;
  try {
    found = protoRoot.lookup(`.${typeName}`);
  } catch {
    return undefined;
  }
  if (found !== null && typeof found === 'object' && typeof (found as Partial<Decodable>).decode === 'function') {
    return found as Decodable;
  }
  return undefined;
}

/** Strips the `type.googleapis.com/` (or any host) prefix of a `google.protobuf.Any` type URL. */
export function typeNameFromUrl(typeUrl: string | null | undefined): string {
  if (!typeUrl) return '';
  const slash = typeUrl.lastIndexOf('/');
  return slash === -1 ? typeUrl : typeUrl.slice(slash + 1);
}

/** Decodes each `Any` of a status into a {@link StatusDetail}. */
export function decodeStatusDetails(anys: readonly google.protobuf.IAny[] | null | undefined): StatusDetail[] {
  return (anys ?? []).map((any) => {
    const typeName = typeNameFromUrl(any.type_url);
    const bytes = any.value ?? new Uint8Array();
    let value: unknown;
    const type = findMessageType(typeName);
    if (type) {
      try {
        value = type.decode(bytes);
      } catch {
        // A detail we cannot parse still reaches the user as raw bytes.
        value = undefined;
      }
    }
    return { typeName, bytes, value };
  });
}

/**
 * Parses `grpc-status-details-bin` bytes. Returns `undefined` when there are none or they are not a
 * valid `google.rpc.Status`, so callers fall back to the code and message of the transport error.
 */
export function decodeGrpcStatus(bytes: Uint8Array | undefined): DecodedStatus | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  let status: google.rpc.Status;
  try {
    status = google.rpc.Status.decode(bytes);
  } catch {
    return undefined;
  }
  return { code: status.code, message: status.message, details: decodeStatusDetails(status.details) };
}
