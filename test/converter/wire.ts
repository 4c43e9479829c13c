/**
 * Test helpers: the wire bytes of payloads and failures, so interop tests compare exactly what
 * would travel to the server rather than JS object shapes.
 */
import { createRequire } from 'node:module';
import protoRoot, { temporal } from '@temporalio/proto';

export function payloadBytes(payload: temporal.api.common.v1.IPayload): Uint8Array {
  return temporal.api.common.v1.Payload.encode(payload).finish();
}

export function failureBytes(failure: temporal.api.failure.v1.IFailure): Uint8Array {
  return temporal.api.failure.v1.Failure.encode(failure).finish();
}

/** The structural slice of a protobufjs Root these tests use. */
export interface TestProtoRoot {
  lookupType(name: string): { fromObject(object: object): object; encode(message: object): { finish(): Uint8Array } };
}

/** `@temporalio/proto`'s default export is a protobufjs Root, though its typings describe the namespace. */
export const temporalProtoRoot = protoRoot as unknown as TestProtoRoot;

/**
 * `@temporalio/common`'s protobuf converter only accepts messages from its own copy of protobufjs
 * (it checks `instanceof Type`), and npm gives it a different copy from `@temporalio/proto`'s. To
 * let the official converter take part at all, load the same descriptors into its copy.
 */
export function officialProtobufRoot(): { lookupType(name: string): { fromObject(o: object): object } } {
  const requireFromCommon = createRequire(require.resolve('@temporalio/common'));
  const protobufjs = requireFromCommon('protobufjs') as { Root: { fromJSON(json: unknown): never } };
  return protobufjs.Root.fromJSON((protoRoot as unknown as { toJSON(): unknown }).toJSON());
}
