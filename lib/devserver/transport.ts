/**
 * gRPC plumbing: builds grpc-js service definitions straight from the protobufjs reflection root that
 * ships with @temporalio/proto (so every WorkflowService method exists with the right (de)serializers),
 * and adapts our promise-returning handlers, mapping thrown ServiceErrors to gRPC statuses with
 * Temporal's typed details.
 */
import * as grpc from '@grpc/grpc-js';
import { google } from '@temporalio/proto';
import { ServiceError } from './errors';

interface ReflectedType {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
  fromObject(object: Record<string, unknown>): object;
}

interface ReflectedMethod {
  name: string;
  resolve(): void;
  resolvedRequestType: ReflectedType | null;
  resolvedResponseType: ReflectedType | null;
  requestStream?: boolean;
  responseStream?: boolean;
}

interface ReflectedService {
  fullName: string;
  methodsArray: ReflectedMethod[];
}

interface ReflectionRoot {
  lookupService(name: string): ReflectedService;
}

// The reflection root is a CommonJS module without a typed default export; load it once here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require('@temporalio/proto/protos/root') as ReflectionRoot;

/** What a handler learns about the call it serves: its deadline and whether the client went away. */
export interface CallContext {
  /** Absolute deadline in ms since epoch, or Infinity when the client set none. */
  readonly deadline: number;
  /** True once the client cancelled the call (or the server is stopping). */
  readonly cancelled: boolean;
  /** Registers a callback run once when the call is cancelled. */
  onCancel(listener: () => void): void;
}

export type Handler = (request: unknown, ctx: CallContext) => Promise<object>;

/** Builds the grpc-js definition of a service from the reflection root. */
export function serviceDefinition(serviceName: string): grpc.ServiceDefinition {
  const service = root.lookupService(serviceName);
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType;
    const res = method.resolvedResponseType;
    if (!req || !res) continue;
    def[method.name] = {
      path: `/${service.fullName.replace(/^\./, '')}/${method.name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: (v: object) => Buffer.from(req.encode(v).finish()),
      requestDeserialize: (b: Buffer) => req.decode(b),
      responseSerialize: (v: object) => Buffer.from(res.encode(v).finish()),
      responseDeserialize: (b: Buffer) => res.decode(b),
      originalName: method.name,
    };
  }
  return def;
}

function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown>): number {
  const d = call.getDeadline();
  if (d instanceof Date) return d.getTime();
  return typeof d === 'number' ? d : Infinity;
}

/** Turns any thrown value into a grpc-js status object with Temporal details. */
export function toGrpcError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof ServiceError) {
    const metadata = new grpc.Metadata();
    if (err.details.length > 0) {
      const statusBytes = google.rpc.Status.encode({
        code: err.code,
        message: err.message,
        details: err.details.map((d) => ({ type_url: `type.googleapis.com/${d.typeName}`, value: d.value })),
      }).finish();
      metadata.set('grpc-status-details-bin', Buffer.from(statusBytes));
    }
    return { code: err.code, details: err.message, metadata };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: grpc.status.INTERNAL, details: `internal dev server error: ${message}`, metadata: new grpc.Metadata() };
}

/** Tracks every live call so `stop()` can end long polls promptly. */
export class CallRegistry {
  private readonly live = new Set<() => void>();
  private closing = false;

  get isClosing(): boolean {
    return this.closing;
  }

  track(cancel: () => void): () => void {
    this.live.add(cancel);
    return () => this.live.delete(cancel);
  }

  cancelAll(): void {
    this.closing = true;
    for (const cancel of [...this.live]) cancel();
    this.live.clear();
  }
}

/**
 * Wraps our handlers as grpc-js unary implementations. Unknown methods are left out so grpc-js answers
 * UNIMPLEMENTED, which the SDKs tolerate where the real server may lack a method.
 */
export function implement(
  definition: grpc.ServiceDefinition,
  handlers: Record<string, Handler>,
  registry: CallRegistry,
  onError: (method: string, err: unknown) => void,
): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(definition)) {
    const handler = handlers[name.charAt(0).toLowerCase() + name.slice(1)];
    if (!handler) continue;
    impl[name] = (call: grpc.ServerUnaryCall<unknown, object>, callback: grpc.sendUnaryData<object>) => {
      const listeners: Array<() => void> = [];
      let cancelled = false;
      const cancel = (): void => {
        if (cancelled) return;
        cancelled = true;
        for (const l of listeners.splice(0)) l();
      };
      const untrack = registry.track(cancel);
      call.on('cancelled', cancel);
      const ctx: CallContext = {
        deadline: deadlineOf(call),
        get cancelled() {
          return cancelled;
        },
        onCancel(listener) {
          if (cancelled) listener();
          else listeners.push(listener);
        },
      };
      let settled = false;
      const finish = (err: unknown, value?: object): void => {
        if (settled) return;
        settled = true;
        untrack();
        if (err !== undefined) {
          if (!(err instanceof ServiceError)) onError(name, err);
          callback(toGrpcError(err) as grpc.ServiceError);
        } else callback(null, value);
      };
      if (registry.isClosing) {
        finish(new ServiceError(grpc.status.UNAVAILABLE, 'dev server is shutting down'));
        return;
      }
      handler(call.request, ctx).then(
        (value) => finish(undefined, value),
        (err: unknown) => finish(err),
      );
    };
  }
  return impl;
}
