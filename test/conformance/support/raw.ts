/**
 * Typed raw gRPC access to a server's WorkflowService and OperatorService: the protobufjs service
 * classes from @temporalio/proto over a plain @grpc/grpc-js channel, with no retry interceptor and
 * no SDK error mapping, so a scenario sees the status code, message and detail type a server sends.
 */
import * as grpc from '@grpc/grpc-js';
import { google, temporal } from '@temporalio/proto';

export type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
export type OperatorService = temporal.api.operatorservice.v1.OperatorService;

/** What a failed call showed: gRPC code name, message and the type names of its details. */
export interface RawError {
  code: string;
  message: string;
  details: string[];
}

export type RawResult<T> = { ok: true; value: T } | { ok: false; error: RawError };

export interface RawClient {
  /** WorkflowService; each call has a 10 s deadline unless `withDeadline` sets another. */
  readonly workflow: WorkflowService;
  readonly operator: OperatorService;
  /** Runs `fn` with calls carrying a deadline `ms` from their start (long polls need one on the real server). */
  withDeadline<T>(ms: number, fn: () => Promise<T>): Promise<T>;
  close(): void;
}

type RpcImpl = Parameters<typeof temporal.api.workflowservice.v1.WorkflowService.create>[0];

const STATUS_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k])) as Record<number, string>;

/** Decodes a grpc-js error into code name, message and detail type names. */
export function rawErrorOf(err: unknown): RawError {
  const e = err as grpc.ServiceError;
  const details: string[] = [];
  const bin = e.metadata?.get('grpc-status-details-bin')?.[0];
  if (bin) {
    const status = google.rpc.Status.decode(Buffer.isBuffer(bin) ? bin : Buffer.from(bin));
    for (const d of status.details ?? []) details.push(String(d.type_url ?? '').replace(/^type\.googleapis\.com\//, ''));
  }
  return { code: STATUS_NAMES[e.code] ?? String(e.code), message: e.details ?? e.message, details };
}

/** Awaits a raw call and returns its value or its decoded error instead of throwing. */
export async function attempt<T>(call: Promise<T>): Promise<RawResult<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    if (typeof (err as grpc.ServiceError).code !== 'number') throw err;
    return { ok: false, error: rawErrorOf(err) };
  }
}

export function connectRaw(address: string): RawClient {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 128 * 1024 * 1024,
  });
  let deadlineMs = 10_000;
  const rpc =
    (serviceName: string): RpcImpl =>
    (method, requestData, callback) => {
      client.makeUnaryRequest(
        `/${serviceName}/${method.name}`,
        (arg: Uint8Array) => Buffer.from(arg),
        (arg: Buffer) => arg,
        Buffer.from(requestData),
        new grpc.Metadata(),
        { deadline: Date.now() + deadlineMs },
        (err, value) => callback(err, value),
      );
    };
  const workflow = temporal.api.workflowservice.v1.WorkflowService.create(rpc('temporal.api.workflowservice.v1.WorkflowService'));
  const operator = temporal.api.operatorservice.v1.OperatorService.create(rpc('temporal.api.operatorservice.v1.OperatorService'));
  return {
    workflow,
    operator,
    async withDeadline(ms, fn) {
      const previous = deadlineMs;
      deadlineMs = ms;
      try {
        // The deadline is read when each call starts, so only calls started synchronously by fn see it.
        const pending = fn();
        deadlineMs = previous;
        return await pending;
      } finally {
        deadlineMs = previous;
      }
    },
    close: () => client.close(),
  };
}
