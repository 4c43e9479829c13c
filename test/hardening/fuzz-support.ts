/**
 * Shared by the fuzz suites: the seed (printed, and replayed from FUZZ_SEED), a dev server in a child
 * process whose memory the suite can measure (heap after a forced GC, and RSS, read inside the child
 * over IPC), protobuf message generators built from the protocol's own reflection, and byte mutations.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import type * as protobuf from 'protobufjs';

/**
 * The seed of a fuzz suite: FUZZ_SEED when set (to replay a reported run), otherwise a fresh one.
 * Printed so any failure can be replayed with `FUZZ_SEED=<seed> npx vitest run <file>`.
 */
export function fuzzSeed(suite: string): number {
  const fromEnv = process.env.FUZZ_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Math.random() * 2 ** 31) | 0;
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
  console.log(`fuzz ${suite}: seed=${seed} (replay with FUZZ_SEED=${seed})`);
  return seed;
}

export interface ServerMemory {
  rss: number;
  heapUsed: number;
  /** Runs the server holds in memory (open, and closed within retention). */
  runs: number;
}

/** A dev server running in a child process (so a crash shows as an exit, and its memory is its own). */
export interface ChildDevServer {
  readonly address: string;
  readonly pid: number;
  /** Runs a full GC in the child, then reports its heap and RSS. */
  memory(): Promise<ServerMemory>;
  /** The exit code or signal if the child has ended (a crash), else null. */
  exited(): string | null;
  /** Everything the child printed on stderr (the dev server logs unexpected handler errors there). */
  stderr(): string;
  stop(): Promise<void>;
}

const CHILD = path.join(__dirname, 'fuzz-server-child.js');

/** Starts `dist/devserver` in a child process (run `npx tsc -p tsconfig.build.json` first). */
export async function startChildDevServer(options: { retentionMs?: number } = {}): Promise<ChildDevServer> {
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let exit: string | null = null;
  child.on('exit', (code, signal) => {
    exit = signal ?? `exit code ${code}`;
  });
  const pending: Array<(m: ServerMemory) => void> = [];
  const address = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { address?: string; error?: string }) => (m.address ? resolve(m.address) : reject(new Error(`child dev server failed: ${m.error}`))));
    child.once('exit', () => reject(new Error(`child dev server exited before listening: ${stderr}`)));
  });
  child.on('message', (m: { memory?: ServerMemory }) => {
    if (m.memory) pending.shift()?.(m.memory);
  });
  return {
    address,
    pid: child.pid as number,
    memory: () =>
      new Promise<ServerMemory>((resolve, reject) => {
        if (exit !== null) return reject(new Error(`child dev server has exited (${exit})`));
        pending.push(resolve);
        child.send('memory');
      }),
    exited: () => exit,
    stderr: () => stderr,
    stop: async () => {
      if (exit !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

// ---- protobuf messages from reflection --------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const protoRoot = require('@temporalio/proto/protos/root') as protobuf.Root;

/** Values that reach past validation: names that exist on the server, and near-miss ones. */
const STRING_POOL = ['default', 'fuzz-ns', 'wf-1', 'wf-2', 'q', 'workflow-type', '', ' ', 'ExecutionStatus = "Running"', 'WorkflowId = "wf-1"', '00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'x'.repeat(300)];

function scalar(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...STRING_POOL) }, { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) });
    case 'bytes':
      return fc.uint8Array({ maxLength: 64 });
    case 'bool':
      return fc.boolean();
    case 'double':
    case 'float':
      return fc.double();
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return fc.oneof(fc.integer({ min: -5, max: 100 }), fc.integer());
    case 'uint32':
    case 'fixed32':
      return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.nat());
    default:
      // 64-bit integers, as decimal strings (protobufjs fromObject parses them into Long).
      return fc.oneof(fc.integer({ min: -5, max: 1000 }).map(String), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String));
  }
}

const cache = new Map<string, fc.Arbitrary<Record<string, unknown>>>();

/** Random plain objects shaped like `type` (any subset of fields, nested to `depth`), for fromObject. */
export function messageObject(type: protobuf.Type, depth = 3): fc.Arbitrary<Record<string, unknown>> {
  const key = `${type.fullName}@${depth}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    let value: fc.Arbitrary<unknown> | undefined;
    const resolved = field.resolvedType as protobuf.Type | protobuf.Enum | null;
    if (resolved && 'values' in resolved) {
      const known = Object.values(resolved.values);
      value = fc.oneof(fc.constantFrom(...known), fc.integer({ min: -1, max: 1000 }));
    } else if (resolved) {
      if (depth <= 0) continue;
      value = messageObject(resolved as protobuf.Type, depth - 1);
    } else {
      value = scalar(field.type);
    }
    if ((field as unknown as { map?: boolean }).map) fields[field.name] = fc.dictionary(fc.constantFrom(...STRING_POOL.slice(0, 6)), value, { maxKeys: 3 });
    else if (field.repeated) fields[field.name] = fc.array(value, { maxLength: 3 });
    else fields[field.name] = value;
  }
  const arb = fc.record(fields, { requiredKeys: [] });
  cache.set(key, arb);
  return arb;
}

/** Encoded random messages of `type`: a generated object, run through fromObject and encode. */
export function encodedMessage(type: protobuf.Type, depth = 3): fc.Arbitrary<Uint8Array> {
  return messageObject(type, depth).map((o) => {
    try {
      return type.encode(type.fromObject(o)).finish();
    } catch {
      // A value fromObject refuses (it is strict about a few shapes): an empty message instead.
      return new Uint8Array(0);
    }
  });
}

export type Mutation = { op: 'flip'; at: number; bit: number } | { op: 'insert'; at: number; bytes: Uint8Array } | { op: 'delete'; at: number; length: number } | { op: 'truncate'; at: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Applies byte-level mutations (positions wrap around the current length). */
export function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    switch (m.op) {
      case 'flip':
        if (out.length > 0) out[at % out.length] ^= 1 << m.bit;
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
    }
  }
  return new Uint8Array(out);
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function runPool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
}
