/**
 * Random bytes below the protobuf layer, against a dev server in a child process: gRPC calls over a
 * raw `node:http2` client whose length-prefixed messages carry random compression flags, length
 * prefixes that lie, truncated or extra bytes, random encodings and content types; and raw TCP
 * connections that send garbage (with and without the HTTP/2 preface) and random HTTP/2 frames.
 * Properties: every gRPC-shaped call ends with a status (a `grpc-status`, an HTTP error status, or a
 * stream reset) before a deadline, the server process never crashes, it still answers afterwards,
 * and its heap after a forced GC is within 20% of what it was after a warm-up.
 *
 * Seeded: the seed is printed; `FUZZ_SEED=<seed>` replays the same inputs.
 */
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordReliability, reliabilityScale } from '../support/reliability';
import { fuzzSeed, protoRoot, runPool, startChildDevServer, type ChildDevServer } from './fuzz-support';

const CALLS = reliabilityScale(1_500, 20_000);
const CONNECTIONS = reliabilityScale(150, 2_000);
const STREAM_DEADLINE_MS = 10_000;

const PATHS = [
  '/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace',
  '/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution',
  '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
  '/temporal.api.operatorservice.v1.OperatorService/ListSearchAttributes',
  '/grpc.health.v1.Health/Check',
  '/no.such.Service/Method',
  '/',
];

interface Framed {
  path: string;
  contentType: string;
  encoding: string | undefined;
  body: Uint8Array;
}

/** One length-prefixed message with a random flag and a length that may not match its payload. */
const message = fc
  .record({
    flag: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 255 })),
    payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(protoRoot.lookupType('temporal.api.workflowservice.v1.DescribeNamespaceRequest').encode({ namespace: 'default' }).finish())),
    lengthDelta: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 1 << 20 }) }, { weight: 1, arbitrary: fc.constant(0xffffffff) }),
  })
  .map(({ flag, payload, lengthDelta }) => {
    const header = Buffer.alloc(5);
    header[0] = flag;
    header.writeUInt32BE(Math.max(0, Math.min(0xffffffff, payload.length + lengthDelta)), 1);
    return Buffer.concat([header, payload]);
  });

const framed: fc.Arbitrary<Framed> = fc.record({
  path: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `/${s}`) }),
  contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/grpc') }, { weight: 1, arbitrary: fc.constantFrom('application/grpc+proto', 'application/json', 'text/plain', '') }),
  encoding: fc.option(fc.constantFrom('identity', 'gzip', 'deflate', 'snappy', 'br'), { nil: undefined }),
  body: fc.oneof(
    fc.array(message, { maxLength: 3 }).map((parts) => new Uint8Array(Buffer.concat(parts))),
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(message, fc.nat()).map(([m, cut]) => new Uint8Array(m.subarray(0, cut % (m.length + 1)))),
  ),
});

/** What a raw TCP client sends: garbage, or the HTTP/2 preface followed by random frames. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const frame = fc.record({ type: fc.integer({ min: 0, max: 12 }), flags: fc.integer({ min: 0, max: 255 }), stream: fc.integer({ min: 0, max: 9 }), payload: fc.uint8Array({ maxLength: 40 }), lengthDelta: fc.integer({ min: -3, max: 3 }) }).map((f) => {
  const header = Buffer.alloc(9);
  header.writeUIntBE(Math.max(0, f.payload.length + f.lengthDelta), 0, 3);
  header[3] = f.type;
  header[4] = f.flags;
  header.writeUInt32BE(f.stream, 5);
  return Buffer.concat([header, f.payload]);
});
const rawConnection = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 400 }).map((b) => Buffer.from(b)),
  fc.array(frame, { minLength: 1, maxLength: 6 }).map((frames) => Buffer.concat([PREFACE, ...frames])),
);

let server: ChildDevServer;
beforeAll(async () => {
  server = await startChildDevServer();
});
afterAll(async () => {
  await server?.stop();
});

type Outcome = 'grpc-status' | 'http-error' | 'reset' | 'session-error' | 'hang';

class Sessions {
  private session: http2.ClientHttp2Session | undefined;
  constructor(private readonly address: string) {}
  get(): http2.ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) {
      this.session = http2.connect(`http://${this.address}`);
      this.session.on('error', () => {});
    }
    return this.session;
  }
  close(): void {
    this.session?.close();
  }
}

function send(sessions: Sessions, req: Framed): Promise<{ outcome: Outcome; status?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome, status?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ outcome, status });
    };
    const timer = setTimeout(() => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      done('hang');
    }, STREAM_DEADLINE_MS);
    const headers: http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': req.path, 'content-type': req.contentType, te: 'trailers' };
    if (req.encoding) headers['grpc-encoding'] = req.encoding;
    const stream = sessions.get().request(headers);
    let grpcStatus: string | undefined;
    let httpStatus = 200;
    stream.on('response', (h) => {
      httpStatus = Number(h[':status']);
      if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']);
    });
    stream.on('trailers', (t) => {
      if (t['grpc-status'] !== undefined) grpcStatus = String(t['grpc-status']);
    });
    stream.on('data', () => {});
    stream.on('error', () => {});
    stream.on('close', () => {
      if (grpcStatus !== undefined) done('grpc-status', grpcStatus);
      else if (httpStatus !== 200) done('http-error', String(httpStatus));
      else if (stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) done('reset', String(stream.rstCode));
      else done('session-error');
    });
    stream.end(Buffer.from(req.body));
  });
}

function rawSend(address: string, bytes: Buffer): Promise<void> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = net.connect(port, host, () => socket.end(bytes));
    socket.on('data', () => {});
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    // The server may keep a half-open connection waiting for more frames; ours ends it after 2 s.
    socket.setTimeout(2_000, () => socket.destroy());
  });
}

async function healthy(address: string): Promise<boolean> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<boolean>((resolve) =>
      client.makeUnaryRequest('/grpc.health.v1.Health/Check', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + 10_000 }, (err) => resolve(!err)),
    );
  } finally {
    client.close();
  }
}

it(`answers ${CALLS} malformed gRPC calls and survives ${CONNECTIONS} garbage connections`, { timeout: reliabilityScale(90_000, 1_800_000) }, async () => {
  const seed = fuzzSeed('framing');
  const calls = fc.sample(framed, { seed, numRuns: CALLS });
  const raws = fc.sample(rawConnection, { seed: seed + 1, numRuns: CONNECTIONS });
  const outcomes = new Map<string, number>();
  const hangs: string[] = [];
  const sessions = new Sessions(server.address);
  const round = async (from: number, to: number) => {
    await runPool(calls.slice(from, to), 16, async (req, i) => {
      const { outcome, status } = await send(sessions, req);
      const key = status === undefined ? outcome : `${outcome}:${status}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      if (outcome === 'hang') hangs.push(`#${from + i} ${req.path} ${req.contentType} ${req.encoding ?? '-'} ${Buffer.from(req.body).toString('hex').slice(0, 120)}`);
    });
  };
  const warmup = Math.floor(CALLS / 5);
  await round(0, warmup);
  const before = await server.memory();
  await round(warmup, CALLS);
  await runPool(raws, 16, (bytes) => rawSend(server.address, bytes));
  sessions.close();
  // Closed connections are torn down on the server a moment later (the raw sockets end after their
  // 2 s timeout); memory is compared once they are gone, not while their buffers are still held.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const after = await server.memory();
  const alive = await healthy(server.address);

  recordReliability('fuzz-framing', {
    seed,
    calls: CALLS,
    rawConnections: CONNECTIONS,
    outcomes: JSON.stringify(Object.fromEntries(outcomes)),
    hangs: hangs.length,
    crashed: server.exited() !== null,
    heapBeforeMB: Math.round(before.heapUsed / 1e5) / 10,
    heapAfterMB: Math.round(after.heapUsed / 1e5) / 10,
    rssBeforeMB: Math.round(before.rss / 1e5) / 10,
    rssAfterMB: Math.round(after.rss / 1e5) / 10,
  });
  expect(server.exited()).toBeNull();
  expect(hangs).toEqual([]);
  expect(outcomes.get('session-error') ?? 0).toBe(0);
  expect(alive).toBe(true);
  expect(server.stderr()).not.toMatch(/failed:/);
  expect(after.heapUsed).toBeLessThanOrEqual(before.heapUsed * 1.2);
});
