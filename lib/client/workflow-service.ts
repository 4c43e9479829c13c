/**
 * Typed access to `temporal.api.workflowservice.v1.WorkflowService` over the core connection:
 * encodes the request message, calls the core, decodes the matching response, and maps failures to
 * SDK errors in one place.
 */
import { temporal } from '@temporalio/proto';
import type { CoreConnection } from '../core/types';
import { createServiceMethods, type CallOptionsProvider, type ServiceMethods } from './proto-service';
import { toClientError, type RpcErrorContext } from './rpc-errors';

export type { CallOptionsProvider } from './proto-service';

type Messages = typeof temporal.api.workflowservice.v1;

type RequestNames = { [K in keyof Messages]: K extends `${infer N}Request` ? N : never }[keyof Messages];
type ResponseNames = { [K in keyof Messages]: K extends `${infer N}Response` ? N : never }[keyof Messages];

/**
 * Every RPC name that has both a request and a response message, e.g. `'StartWorkflowExecution'`.
 *
 * @example
 * ```ts
 * const rpc: WorkflowServiceRpc = 'DescribeWorkflowExecution';
 * ```
 */
export type WorkflowServiceRpc = RequestNames & ResponseNames;

interface MessageClass<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

/**
 * The request shape (`I...Request` interface) of an RPC.
 *
 * @example
 * ```ts
 * const req: WorkflowServiceRequest<'DescribeNamespace'> = { namespace: 'default' };
 * ```
 */
export type WorkflowServiceRequest<N extends WorkflowServiceRpc> =
  Messages[`${N}Request`] extends MessageClass<infer T> ? T : never;

/**
 * The decoded response message of an RPC.
 *
 * @example
 * ```ts
 * const res: WorkflowServiceResponse<'DescribeNamespace'> = await connection.workflowService.call('DescribeNamespace', { namespace: 'default' });
 * ```
 */
export type WorkflowServiceResponse<N extends WorkflowServiceRpc> = Messages[`${N}Response`] extends {
  decode(bytes: Uint8Array): infer R;
}
  ? R
  : never;

/**
 * One typed method per WorkflowService RPC, as on the official `connection.workflowService`.
 *
 * @example
 * ```ts
 * const methods: WorkflowServiceMethods = connection.workflowService;
 * ```
 */
export type WorkflowServiceMethods = ServiceMethods<temporal.api.workflowservice.v1.WorkflowService>;

// The class gets the RPC methods in its constructor; this declaration types them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface WorkflowService extends WorkflowServiceMethods {}

/**
 * `temporal.api.workflowservice.v1.WorkflowService` over the core connection: one typed method per
 * RPC (`getWorkflowExecutionHistory(request)`, `listWorkflowExecutions(request)`, ...) and
 * `call(rpcName, request)`.
 *
 * @example
 * ```ts
 * const { history } = await connection.workflowService.getWorkflowExecutionHistory({
 *   namespace: 'default',
 *   execution: { workflowId: 'order-1' },
 * });
 * const res = await connection.workflowService.call('DescribeNamespace', { namespace: 'default' });
 * console.log(res.namespaceInfo?.state);
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class WorkflowService {
  constructor(
    private readonly core: CoreConnection,
    private readonly callOptions: CallOptionsProvider,
  ) {
    Object.assign(this, createServiceMethods('workflow', temporal.api.workflowservice.v1.WorkflowService, core, callOptions));
  }

  /**
   * Sends one request. Failures reject with the SDK error for them (`ServiceError` or a subclass);
   * `context` names the workflow the call is about so that e.g. NOT_FOUND becomes
   * `WorkflowNotFoundError` carrying that id.
   */
  async call<N extends WorkflowServiceRpc>(
    rpc: N,
    request: WorkflowServiceRequest<N>,
    context?: RpcErrorContext,
  ): Promise<WorkflowServiceResponse<N>> {
    const messages = temporal.api.workflowservice.v1 as unknown as Record<string, MessageClass<unknown>>;
    const requestType = messages[`${rpc}Request`];
    const responseType = messages[`${rpc}Response`];
    if (!requestType || !responseType) throw new TypeError(`Unknown WorkflowService RPC: ${rpc}`);
    const bytes = requestType.encode(request).finish();
    let reply: Uint8Array;
    try {
      reply = await this.core.rpcCall('workflow', rpc, bytes, { retry: true, ...this.callOptions() });
    } catch (err) {
      throw toClientError(rpc, err, context);
    }
    return responseType.decode(reply) as WorkflowServiceResponse<N>;
  }
}
