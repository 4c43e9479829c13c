/**
 * gRPC plumbing: builds grpc-js service definitions straight from the protobufjs reflection root that
 * ships with @temporalio/proto (so every WorkflowService method exists with the right (de)serializers),
 * and adapts our promise-returning handlers, mapping thrown ServiceErrors to gRPC statuses with
 * Temporal's typed details.
 */
import * as grpc from '@grpc/grpc-js';
import { google, type grpc as grpcProto, type temporal } from '@temporalio/proto';
import type { Loose } from './proto';
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

/**
 * A response as a handler builds it: the `I…` interface of the RPC's response message (every field
 * optional, `number | Long` for 64-bit integers), found by the response type's name in the
 * namespace object protobufjs generates for the service's package.
 */
type ResponseOf<Package, Name> = Name extends keyof Package
  ? Package[Name] extends { create(properties?: infer Properties): unknown }
    ? Loose<NonNullable<Properties>>
    : never
  : never;

/**
 * The handlers of one gRPC service, typed from the service class protobufjs generates: one optional
 * member per RPC (camelCase, as in the class), taking that RPC's request interface and resolving to
 * its response interface. Whatever a handler returns is then type-checked against the protocol.
 */
export type ServiceHandlers<Service, Package> = {
  [K in keyof Service as Service[K] extends { readonly path: string } ? K : never]?: Service[K] extends {
    (request: infer Req): Promise<unknown>;
    readonly responseType: infer ResName;
  }
    ? (request: Req, ctx: CallContext) => Promise<ResponseOf<Package, ResName>>
    : never;
};

type WorkflowServicePackage = typeof temporal.api.workflowservice.v1;
type OperatorServicePackage = typeof temporal.api.operatorservice.v1;
type TestServicePackage = typeof temporal.api.testservice.v1;
type HealthPackage = typeof grpcProto.health.v1;

export type WorkflowServiceHandlers = ServiceHandlers<temporal.api.workflowservice.v1.WorkflowService, WorkflowServicePackage>;
export type OperatorServiceHandlers = ServiceHandlers<temporal.api.operatorservice.v1.OperatorService, OperatorServicePackage>;
export type TestServiceHandlers = ServiceHandlers<temporal.api.testservice.v1.TestService, TestServicePackage>;
export type HealthHandlers = ServiceHandlers<grpcProto.health.v1.Health, HealthPackage>;

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
  typedHandlers: WorkflowServiceHandlers | OperatorServiceHandlers | TestServiceHandlers | HealthHandlers,
  registry: CallRegistry,
  onError: (method: string, err: unknown) => void,
): grpc.UntypedServiceImplementation {
  // grpc-js decodes each request with the method's own type, which is what the typed handler expects.
  const handlers = typedHandlers as Record<string, Handler | undefined>;
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
