/**
 * A core client connection driven through the Neon addon.
 */
import { CoreError } from '../errors';
import { validateWorkerOptions, type ResolvedConnectionOptions } from '../options';
import type { CoreConnection, CoreWorker, RpcCallOptions, ServiceName, WorkerOptions } from '../types';
import type { NeonApi, NeonClientHandle, NeonRpcCall } from './bridge';
import { neonHeaders, neonWorkerOptions } from './build-options';
import { watchAbort } from '../abort-watch';
import { toCoreError } from './errors';
import type { RuntimeRefs } from './runtime-refs';
import { NeonWorker } from './worker';
import type { PollKind } from './worker-lifecycle';

// gRPC status CANCELLED: what a caller gets when its AbortSignal fires before the answer.
const GRPC_CANCELLED = 1;

type Sender = (client: NeonClientHandle, call: NeonRpcCall) => Promise<Buffer>;

export class NeonConnection implements CoreConnection {
  private closed = false;
  private metadata: Record<string, string>;
  private binaryMetadata: Record<string, Uint8Array>;

  constructor(
    private readonly api: NeonApi,
    private readonly client: NeonClientHandle,
    private readonly options: ResolvedConnectionOptions,
    private readonly refs: RuntimeRefs,
  ) {
    this.metadata = { ...options.metadata };
    this.binaryMetadata = { ...options.binaryMetadata };
  }

  // Arguments arrive validated and normalised by the core layer's facade (`validated.ts`).
  async rpcCall(service: ServiceName, rpc: string, request: Uint8Array, options: RpcCallOptions = {}): Promise<Uint8Array> {
    if (this.closed) throw new CoreError(`rpcCall ${rpc}: the connection is closed`);
    const signal = options.signal;
    if (signal?.aborted) throw abortError(rpc);

    const send = this.sender(service, rpc);
    let sent: Promise<Buffer>;
    try {
      sent = send(this.client, {
        rpc,
        req: Buffer.from(request.buffer, request.byteOffset, request.byteLength),
        retry: options.retry ?? false,
        metadata: neonHeaders(options.metadata ?? {}, {}),
        timeout: options.timeoutMs ? options.timeoutMs : null,
      });
    } catch (err) {
      throw toCoreError(err, `rpcCall ${rpc}`);
    }
    const pending = sent.catch((err: unknown) => {
      throw toCoreError(err, `rpcCall ${rpc}`);
    });
    if (signal === undefined) return pending;

    // The addon has no cancellation for RPCs: on abort we settle the caller's promise at once and
    // let the call run to its end in the core, where its result is dropped.
    return new Promise<Uint8Array>((resolve, reject) => {
      const stopWatching = watchAbort(signal, () => reject(abortError(rpc)));
      pending.then(
        (bytes) => {
          stopWatching();
          resolve(bytes);
        },
        (err: unknown) => {
          stopWatching();
          reject(err);
        },
      );
    });
  }

  updateMetadata(metadata: Record<string, string>): void {
    this.metadata = { ...metadata };
    this.pushHeaders('updateMetadata');
  }

  updateBinaryMetadata(metadata: Record<string, Uint8Array>): void {
    this.binaryMetadata = { ...metadata };
    this.pushHeaders('updateBinaryMetadata');
  }

  updateApiKey(apiKey: string | undefined): void {
    this.assertOpen('updateApiKey');
    if (apiKey === undefined) {
      // The addon only sets a key; an empty one would still send "authorization: Bearer ".
      throw new CoreError('updateApiKey: the neon backend cannot remove an API key once set; use the native backend');
    }
    try {
      this.api.clientUpdateApiKey(this.client, apiKey);
    } catch (err) {
      throw toCoreError(err, 'updateApiKey');
    }
  }

  createWorker(options: WorkerOptions): CoreWorker {
    const validated = validateWorkerOptions(options);
    this.assertOpen('createWorker');
    this.refs.acquire('createWorker');
    let handle;
    try {
      handle = this.api.newWorker(this.client, neonWorkerOptions(validated, this.options.identity));
    } catch (err) {
      this.refs.release();
      throw toCoreError(err, 'createWorker');
    }
    const polls = new Set<PollKind>();
    if (validated.taskTypes.workflows) polls.add('workflow');
    if (validated.taskTypes.activities || validated.taskTypes.localActivities) polls.add('activity');
    return new NeonWorker(this.api, handle, polls, () => this.refs.release());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Drops the addon's handle; calls already in flight keep their own clone of the client.
      this.api.clientClose(this.client);
    } finally {
      this.refs.release();
    }
  }

  private pushHeaders(call: string): void {
    this.assertOpen(call);
    try {
      this.api.clientUpdateHeaders(this.client, neonHeaders(this.metadata, this.binaryMetadata));
    } catch (err) {
      throw toCoreError(err, call);
    }
  }

  private sender(service: ServiceName, rpc: string): Sender {
    switch (service) {
      case 'workflow':
        return this.api.clientSendWorkflowServiceRequest;
      case 'operator':
        return this.api.clientSendOperatorServiceRequest;
      case 'test':
        return this.api.clientSendTestServiceRequest;
      case 'health':
        return this.api.clientSendHealthServiceRequest;
      case 'cloud':
        throw new CoreError(`rpcCall ${rpc}: the neon backend has no cloud service client; use the native backend`);
    }
  }

  private assertOpen(call: string): void {
    if (this.closed) throw new CoreError(`${call}: the connection is closed`);
  }
}

function abortError(rpc: string): CoreError {
  return new CoreError(`rpcCall ${rpc} was cancelled by its AbortSignal`, { code: GRPC_CANCELLED });
}
