/**
 * Compressed requests. The Rust core gzips every request it sends, so the dev server must read them
 * exactly as it reads plain ones. Small ones take the inline inflate and large ones keep grpc-js's
 * streaming path.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { startDevServer, type RunningDevServer } from '../../lib/devserver';
import { serviceDefinition } from '../../lib/devserver/transport';

// grpc-js's own server call class, read before our server starts, to check that it is left alone.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpcServerCalls = require('@grpc/grpc-js/build/src/server-interceptors') as { BaseServerInterceptingCall: { prototype: { decompressMessage: unknown } } };
const grpcOwnDecompress = grpcServerCalls.BaseServerInterceptingCall.prototype.decompressMessage;

type Callback = (err: grpc.ServiceError | null, res: Record<string, unknown>) => void;
type RawService = Record<string, (req: object, cb: Callback) => void> & grpc.Client;

let server: RunningDevServer;
let gzipClient: RawService;

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
  const WorkflowService = grpc.makeGenericClientConstructor(serviceDefinition('temporal.api.workflowservice.v1.WorkflowService'), 'WorkflowService');
  // Compression algorithm 2 is gzip: grpc-js then compresses every request, like the Rust core does.
  gzipClient = new WorkflowService(server.address, grpc.credentials.createInsecure(), {
    'grpc.default_compression_algorithm': 2,
  }) as unknown as RawService;
});

afterAll(async () => {
  gzipClient?.close();
  await server?.stop();
});

function call(method: string, req: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => gzipClient[method](req, (err, res) => (err ? reject(err) : resolve(res))));
}

function startRequest(workflowId: string, data: Buffer): object {
  return {
    namespace: 'default',
    workflowId,
    workflowType: { name: 'compressed' },
    taskQueue: { name: 'compressed-tq' },
    requestId: workflowId,
    input: { payloads: [{ metadata: { encoding: Buffer.from('binary/plain') }, data }] },
  };
}

async function storedInput(workflowId: string): Promise<Buffer> {
  const res = (await call('GetWorkflowExecutionHistory', { namespace: 'default', execution: { workflowId } })) as {
    history: { events: Array<{ workflowExecutionStartedEventAttributes?: { input?: { payloads?: Array<{ data?: Uint8Array }> } } }> };
  };
  const data = res.history.events[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  return Buffer.from(data ?? []);
}

describe('gzip-compressed requests', () => {
  it('serves a small compressed request (inline inflate) with the payload intact', async () => {
    const data = Buffer.from('a small payload that compresses well '.repeat(20));
    await call('StartWorkflowExecution', startRequest('gz-small', data));
    expect((await storedInput('gz-small')).equals(data)).toBe(true);
  });

  it('serves a large compressed request (streaming inflate) with the payload intact', async () => {
    // Random bytes do not compress, so the compressed message stays above the inline limit.
    const data = randomBytes(200 * 1024);
    await call('StartWorkflowExecution', startRequest('gz-large', data));
    expect((await storedInput('gz-large')).equals(data)).toBe(true);
  });

  it('leaves grpc-js itself unchanged, so other gRPC servers in the process keep its own inflate', async () => {
    await call('StartWorkflowExecution', startRequest('gz-scoped', Buffer.from('x'.repeat(500))));
    expect(grpcServerCalls.BaseServerInterceptingCall.prototype.decompressMessage).toBe(grpcOwnDecompress);
  });
});
