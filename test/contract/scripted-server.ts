/**
 * A minimal gRPC server that answers chosen WorkflowService methods with scripted responses and
 * records what it received (metadata included).
 *
 * It lets the contract suite exercise the core's real client path (connect, rpcCall, errors with
 * status details, metadata and API key updates, abort) before the embedded dev server exists, and
 * pin down edge cases a real server would not produce on demand.
 */
import * as grpc from '@grpc/grpc-js';
import { google, temporal } from '@temporalio/proto';

const SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';

export interface ReceivedCall {
  method: string;
  metadata: Record<string, string | Buffer>;
  request: Buffer;
}

export type Answer =
  | { ok: Uint8Array }
  | { error: { code: grpc.status; message: string; details?: Uint8Array } }
  /** Never answered until the server stops (for cancellation tests). */
  | { hang: true }
  /** Answered with `answer` after `delayMs` (a slow server), or UNAVAILABLE if the server stops first. */
  | { delayMs: number; answer: Answer };

export class ScriptedServer {
  readonly calls: ReceivedCall[] = [];
  private readonly answers = new Map<string, (request: Buffer) => Answer>();
  private readonly pending = new Set<grpc.sendUnaryData<Buffer>>();

  private constructor(
    private readonly server: grpc.Server,
    readonly address: string,
  ) {}

  /** Starts on a random loopback port; GetSystemInfo (which the core calls on connect) answers empty. */
  static async start(): Promise<ScriptedServer> {
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const scripted = new ScriptedServer(server, `127.0.0.1:${port}`);
    scripted.on('GetSystemInfo', () => ({ ok: temporal.api.workflowservice.v1.GetSystemInfoResponse.encode({ capabilities: {} }).finish() }));
    scripted.register();
    return scripted;
  }

  /** Scripts the answer of one WorkflowService method. */
  on(method: string, answer: (request: Buffer) => Answer): void {
    this.answers.set(method, answer);
  }

  /** Calls received for one method, in order. */
  callsTo(method: string): ReceivedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async stop(): Promise<void> {
    for (const callback of this.pending) callback({ code: grpc.status.UNAVAILABLE, details: 'server stopping' });
    this.pending.clear();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  // Every method of the real service is routed through `handle`, so the core's hard-coded method
  // table always finds a path and unscripted methods answer UNIMPLEMENTED like a real server.
  private register(): void {
    // The proto package exposes the service as a protobufjs reflection object keyed by method name.
    const service = temporal.api.workflowservice.v1.WorkflowService as unknown as { methods: Record<string, unknown> };
    const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const method of Object.keys(service.methods)) {
      definition[method] = {
        path: `/${SERVICE}/${method}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      };
      implementation[method] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
        this.handle(method, call, callback);
    }
    this.server.addService(definition, implementation);
  }

  private handle(method: string, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>): void {
    this.calls.push({ method, metadata: call.metadata.getMap() as Record<string, string | Buffer>, request: call.request });
    const script = this.answers.get(method);
    if (script === undefined) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not scripted` });
      return;
    }
    this.respond(script(call.request), callback);
  }

  private respond(answer: Answer, callback: grpc.sendUnaryData<Buffer>): void {
    if ('delayMs' in answer) {
      this.pending.add(callback);
      const timer = setTimeout(() => {
        if (!this.pending.delete(callback)) return;
        this.respond(answer.answer, callback);
      }, answer.delayMs);
      timer.unref();
      return;
    }
    if ('hang' in answer) {
      this.pending.add(callback);
      return;
    }
    if ('ok' in answer) {
      callback(null, Buffer.from(answer.ok));
      return;
    }
    const trailers = new grpc.Metadata();
    if (answer.error.details !== undefined) trailers.set('grpc-status-details-bin', Buffer.from(answer.error.details));
    callback({ code: answer.error.code, details: answer.error.message, metadata: trailers });
  }
}

/** A `google.rpc.Status` carrying one `Any` detail, serialized as `grpc-status-details-bin`. */
export function statusDetails(code: number, message: string, detail: { typeUrl: string; value: Uint8Array }): Uint8Array {
  return google.rpc.Status.encode({ code, message, details: [{ type_url: detail.typeUrl, value: detail.value }] }).finish();
}
