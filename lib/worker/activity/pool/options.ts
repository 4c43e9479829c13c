import { checkedOptions } from '../../../common/options-validation';
import * as os from 'node:os';

/**
 * `Worker.create({ activityPool })`: runs the activities exported by `modulePath` in a supervised
 * pool of worker threads or child processes, so that CPU-heavy, leaking or hanging activities cannot
 * block or take down the worker's event loop.
 *
 * @example
 * ```ts
 * const worker = await Worker.create({
 *   connection, taskQueue: 'images', activities: { notify },            // in-process
 *   activityPool: { modulePath: require.resolve('./cpu-activities'), numWorkers: 2,
 *                   maxJobs: 1000, supervisor: { execTtlMs: 60_000, maxWorkerMemoryMb: 512 } },
 * });
 * ```
 */
export interface ActivityPoolOptions {
  /** Module whose exported functions are the pooled activities (loaded in each pool worker). */
  modulePath: string;
  /** `'thread'` (worker_threads, default) or `'process'` (child processes with IPC). */
  isolation?: 'thread' | 'process';
  /** Workers kept ready. Default: the number of available cores. */
  numWorkers?: number;
  /** Recycle a worker after this many activities; 0 (default) = never. */
  maxJobs?: number;
  /**
   * Activities that may wait for a free worker. The worker takes at most (max workers +
   * maxQueueSize) activity tasks at once. Local activities the module exports run in the pool too,
   * with slots of their own (`maxConcurrentLocalActivityExecutions`), so they may queue beyond this;
   * `allocateTimeoutMs` bounds their wait. Default: the number of workers.
   */
  maxQueueSize?: number;
  /** How long a worker may take to start, and an activity may wait in the queue. Default 60000. */
  allocateTimeoutMs?: number;
  /**
   * How long a stopping worker, or a cancelled activity, gets before its worker is killed. Default 5000.
   */
  destroyTimeoutMs?: number;
  supervisor?: {
    /** How often the supervisor checks limits and scales. Default 1000. */
    watchTickMs?: number;
    /** Recycle a worker older than this after its current job; 0 (default) = never. */
    ttlMs?: number;
    /** Recycle a worker idle for longer than this; 0 (default) = never. */
    idleTtlMs?: number;
    /**
     * Recycle a worker above this memory after its current job (heap for threads, RSS for
     * processes). Threads also get a hard heap limit of twice this (`resourceLimits`), processes
     * `--max-old-space-size` of twice this. 0 (default) = no limit.
     */
    maxWorkerMemoryMb?: number;
    /** Kill the worker running an activity for longer than this and fail the attempt; 0 (default) = none. */
    execTtlMs?: number;
  };
  dynamic?: {
    /** Grow up to this many workers while activities wait. Default: numWorkers (no growth). */
    maxWorkers?: number;
    /** Workers added per supervisor tick while the queue is not empty. Default 1. */
    spawnRate?: number;
    /** Extra workers idle for this long are stopped. Default 10000. */
    idleTimeoutMs?: number;
  };
}

/** {@link ActivityPoolOptions} validated, every default resolved. */
export interface CompiledActivityPoolOptions {
  readonly modulePath: string;
  readonly isolation: 'thread' | 'process';
  readonly numWorkers: number;
  readonly maxJobs: number;
  readonly maxQueueSize: number;
  readonly allocateTimeoutMs: number;
  readonly destroyTimeoutMs: number;
  readonly watchTickMs: number;
  readonly ttlMs: number;
  readonly idleTtlMs: number;
  readonly maxWorkerMemoryMb: number;
  readonly execTtlMs: number;
  readonly maxWorkers: number;
  readonly spawnRate: number;
  readonly idleTimeoutMs: number;
  /** Activity tasks the pool can hold: max workers + queue. */
  readonly capacity: number;
}

const TOP = new Set(['modulePath', 'isolation', 'numWorkers', 'maxJobs', 'maxQueueSize', 'allocateTimeoutMs', 'destroyTimeoutMs', 'supervisor', 'dynamic']);
const SUPERVISOR = new Set(['watchTickMs', 'ttlMs', 'idleTtlMs', 'maxWorkerMemoryMb', 'execTtlMs']);
const DYNAMIC = new Set(['maxWorkers', 'spawnRate', 'idleTimeoutMs']);

/** Validates `activityPool`; every problem is a `TypeError` naming the field (`activityPool.x`). */
export function compileActivityPoolOptions(value: unknown): CompiledActivityPoolOptions {
  const o = plainObject(value, 'activityPool', TOP);
  if (typeof o.modulePath !== 'string' || o.modulePath.length === 0) {
    throw new TypeError(`activityPool.modulePath must be a non-empty string, got ${describe(o.modulePath)}`);
  }
  const isolation = o.isolation === undefined ? 'thread' : o.isolation;
  if (isolation !== 'thread' && isolation !== 'process') {
    throw new TypeError(`activityPool.isolation must be 'thread' or 'process', got ${describe(o.isolation)}`);
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const numWorkers = int(o.numWorkers, 'activityPool.numWorkers', Math.max(1, cores), 1);
  const maxJobs = int(o.maxJobs, 'activityPool.maxJobs', 0, 0);
  const allocateTimeoutMs = int(o.allocateTimeoutMs, 'activityPool.allocateTimeoutMs', 60_000, 1);
  const destroyTimeoutMs = int(o.destroyTimeoutMs, 'activityPool.destroyTimeoutMs', 5_000, 1);
  const s = o.supervisor === undefined ? {} : plainObject(o.supervisor, 'activityPool.supervisor', SUPERVISOR);
  const d = o.dynamic === undefined ? {} : plainObject(o.dynamic, 'activityPool.dynamic', DYNAMIC);
  const maxWorkers = int(d.maxWorkers, 'activityPool.dynamic.maxWorkers', numWorkers, 1);
  if (maxWorkers < numWorkers) {
    throw new TypeError(`activityPool.dynamic.maxWorkers must be at least numWorkers (${numWorkers}), got ${maxWorkers}`);
  }
  const maxQueueSize = int(o.maxQueueSize, 'activityPool.maxQueueSize', maxWorkers, 0);
  return {
    modulePath: o.modulePath,
    isolation,
    numWorkers,
    maxJobs,
    maxQueueSize,
    allocateTimeoutMs,
    destroyTimeoutMs,
    watchTickMs: int(s.watchTickMs, 'activityPool.supervisor.watchTickMs', 1000, 1),
    ttlMs: int(s.ttlMs, 'activityPool.supervisor.ttlMs', 0, 0),
    idleTtlMs: int(s.idleTtlMs, 'activityPool.supervisor.idleTtlMs', 0, 0),
    maxWorkerMemoryMb: int(s.maxWorkerMemoryMb, 'activityPool.supervisor.maxWorkerMemoryMb', 0, 0),
    execTtlMs: int(s.execTtlMs, 'activityPool.supervisor.execTtlMs', 0, 0),
    maxWorkers,
    spawnRate: int(d.spawnRate, 'activityPool.dynamic.spawnRate', 1, 1),
    idleTimeoutMs: int(d.idleTimeoutMs, 'activityPool.dynamic.idleTimeoutMs', 10_000, 1),
    capacity: maxWorkers + maxQueueSize,
  };
}

/** The one option-key check of the public API: a misspelled key is an `UnknownOptionError` suggesting the right one. */
function plainObject(value: unknown, field: string, known: Set<string>): Record<string, unknown> {
  return checkedOptions(value, field, { kind: 'valid activityPool option', supported: [...known] });
}

function int(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${field} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
