/**
 * One typed method per RPC of a gRPC service, made from the service definitions that
 * `@temporalio/proto` carries (the same ones the official `Connection` uses), sent over the core
 * connection. Every method encodes its request, calls the core and decodes the response with the
 * message classes of that RPC, and failures reject with the SDK's error for them.
 */
import type { CoreConnection, RpcCallOptions, ServiceName } from '../core/types';
import { toClientError } from './rpc-errors';

/**
 * The promise form of every RPC method of a generated `@temporalio/proto` service class, e.g.
 * `getWorkflowExecutionHistory(request: IGetWorkflowExecutionHistoryRequest): Promise<GetWorkflowExecutionHistoryResponse>`.
 *
 * @example
 * ```ts
 * type Operator = ServiceMethods<temporal.api.operatorservice.v1.OperatorService>;
 * ```
 */
export type ServiceMethods<S> = {
  [K in keyof S as S[K] extends { readonly requestType: string } ? K : never]: S[K] extends (request: infer Req) => Promise<infer Res>
    ? (request: Req) => Promise<Res>
    : never;
};

/**
 * What a service of `@temporalio/proto` is at run time: a reflection service whose `methods` name
 * every RPC, and whose `create(rpcImpl)` makes an instance with one method per RPC.
 */
interface GeneratedService<S> {
  create(rpcImpl: RpcImpl): S;
}

/** protobufjs's `RPCImpl`, declared here because `@temporalio/proto` brings its own protobufjs copy. */
type RpcImpl = (
  method: { readonly name: string },
  requestData: Uint8Array,
  callback: (error: Error | null, response?: Uint8Array | null) => void,
) => void;

/** Per-call settings layered by the caller (metadata, deadline, abort signal; `retry` overrides the default of retrying). */
export type CallOptionsProvider = () => RpcCallOptions;

/**
 * Makes an object with one method per RPC of `service`, each sent to `serviceName` through `core`
 * with the connection's retry policy and the current call scope (`withDeadline` and friends).
 *
 * @example
 * ```ts
 * const operator = createServiceMethods('operator', temporal.api.operatorservice.v1.OperatorService, core, () => ({}));
 * const { keys } = await operator.listSearchAttributes({ namespace: 'default' });
 * ```
 */
export function createServiceMethods<S>(
  serviceName: ServiceName,
  service: GeneratedService<S>,
  core: CoreConnection,
  callOptions: CallOptionsProvider,
): ServiceMethods<S> {
  const rpcImpl: RpcImpl = (method, requestData, callback) => {
    const rpc = method.name;
    let options: RpcCallOptions;
    try {
      options = { retry: true, ...callOptions() };
    } catch (err) {
      callback(asError(err));
      return;
    }
    core.rpcCall(serviceName, rpc, requestData, options).then(
      (reply) => callback(null, reply),
      (err: unknown) => callback(asError(toClientError(rpc, err))),
    );
  };
  const instance = service.create(rpcImpl) as unknown as Record<string, (request: unknown) => Promise<unknown>>;
  // A plain object of bound methods: the protobufjs instance also carries `rpcImpl`, `end` and
  // event emitter methods, which are not RPCs and must not look like part of the service.
  const methods: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const rpc of Object.keys((service as unknown as { methods: Record<string, unknown> }).methods)) {
    const name = rpc.charAt(0).toLowerCase() + rpc.slice(1);
    const method = instance[name];
    methods[name] = (request: unknown) => method.call(instance, request);
  }
  return methods as unknown as ServiceMethods<S>;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
