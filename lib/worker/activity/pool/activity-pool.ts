import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import { Context } from '../../../activity/context';
import { ApplicationFailure } from '../../../common/failures';
import { CompleteAsyncError } from '../../../activity/errors';
import { DefaultFailureConverter } from '../../../converter/failure-converter';
import { defaultPayloadConverter } from '../../../converter/payload-converters';
import type { Logger } from '../../logger';
import type { ActivityFunction } from '../activity-execution';
import type { CompiledActivityPoolOptions } from './options';
import type { FromPoolWorker, ToPoolWorker } from './protocol';

/** The six states of a pool worker (as in RoadRunner's supervised pools). */
export type ActivityPoolWorkerStatus = 'inactive' | 'ready' | 'working' | 'stopped' | 'errored' | 'invalid';

/** One pool worker, as {@link ActivityPool.state} reports it. */
export interface ActivityPoolWorkerState {
  readonly id: number;
  /** The child process's pid (`isolation: 'process'`). */
  readonly pid?: number;
  /** The worker thread's id (`isolation: 'thread'`). */
  readonly threadId?: number;
  readonly state: ActivityPoolWorkerStatus;
  readonly jobsDone: number;
  /** Last reported memory in bytes: the V8 heap for threads, the RSS for processes. */
  readonly memoryBytes: number;
  readonly ageMs: number;
}

/**
 * The failure types a pooled attempt can fail with besides the activity's own errors. All retryable.
 *
 * @example
 * ```ts
 * if (err.cause instanceof ApplicationFailure && err.cause.type === ActivityPoolFailureType.crashed) { ... }
 * ```
 */
export const ActivityPoolFailureType = {
  /** The pool worker exited, threw at top level or was killed while running the attempt. */
  crashed: 'ActivityPoolWorkerCrashed',
  /** The attempt ran longer than `supervisor.execTtlMs`; its worker was killed. */
  execTimeout: 'ActivityPoolExecTimeout',
  /** The worker thread hit its hard heap limit (`resourceLimits`). */
  outOfMemory: 'ActivityPoolWorkerOutOfMemory',
  /** The attempt waited longer than `allocateTimeoutMs` for a free worker. */
  allocateTimeout: 'ActivityPoolAllocateTimeout',
} as const;

/**
 * `worker.activityPool`: the supervised pool running the activities of `activityPool.modulePath`.
 *
 * @example
 * ```ts
 * for (const w of worker.activityPool!.state()) console.log(w.id, w.pid ?? w.threadId, w.state, w.jobsDone);
 * ```
 */
export interface ActivityPool {
  /** Every current pool worker: id, pid or thread id, state, jobs done, memory and age. */
  state(): ActivityPoolWorkerState[];
  /** Activities waiting for a free worker. */
  readonly queueLength: number;
}

interface Job {
  readonly id: number;
  readonly type: string;
  readonly args: unknown[];
  readonly context: Context;
  readonly enqueuedAt: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  worker?: PoolWorker;
  execTimer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  onAbort?: () => void;
  settled?: boolean;
}

interface Handle {
  send(message: ToPoolWorker): void;
  kill(): void;
  readonly pid?: number;
  readonly threadId?: number;
}

class PoolWorker {
  status: ActivityPoolWorkerStatus = 'inactive';
  jobsDone = 0;
  memoryBytes = 0;
  readonly startedAt = Date.now();
  idleSince = Date.now();
  job: Job | undefined;
  /** Why it is recycled after its current job. */
  recycle: string | undefined;
  /** Set when the supervisor killed it, to name the failure of its job. */
  killedFor: string | undefined;
  exited = false;
  onExit: (() => void)[] = [];
  constructor(readonly id: number, readonly handle: Handle) {}
}

const failureConverter = new DefaultFailureConverter();

/**
 * The supervisor: spawns pool workers, hands them jobs one at a time, enforces the limits on every
 * tick, replaces crashed and recycled workers, and scales between `numWorkers` and `maxWorkers`.
 * Written on `worker_threads` and `child_process.fork` rather than a pool library: none offers both
 * isolation modes with a per-worker state machine, per-job kill and two-way messages per job.
 */
export class ActivityPoolSupervisor implements ActivityPool {
  private readonly workers = new Map<number, PoolWorker>();
  private readonly queue: Job[] = [];
  private nextWorkerId = 1;
  private nextJobId = 1;
  private tick: NodeJS.Timeout | undefined;
  private stopping = false;
  private names: string[] = [];
  private warnedLimit = false;

  constructor(private readonly options: CompiledActivityPoolOptions, private readonly logger: Logger) {}

  /** Spawns `numWorkers` and waits for them to load the module; resolves with the activity names. */
  async start(): Promise<string[]> {
    const first = this.spawn();
    this.names = await first.ready;
    const rest = Array.from({ length: this.options.numWorkers - 1 }, () => this.spawn().ready);
    try {
      await Promise.all(rest);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.tick = setInterval(() => this.watch(), this.options.watchTickMs);
    this.tick.unref();
    return this.names;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  state(): ActivityPoolWorkerState[] {
    const now = Date.now();
    return [...this.workers.values()].map((w) => ({
      id: w.id,
      ...(w.handle.pid !== undefined ? { pid: w.handle.pid } : {}),
      ...(w.handle.threadId !== undefined ? { threadId: w.handle.threadId } : {}),
      state: w.status,
      jobsDone: w.jobsDone,
      memoryBytes: w.memoryBytes,
      ageMs: now - w.startedAt,
    }));
  }

  /** The in-process stand-in for each pooled activity: runs it in the pool with the current context. */
  activityFunctions(): Map<string, ActivityFunction> {
    const map = new Map<string, ActivityFunction>();
    for (const name of this.names) {
      map.set(name, ((...args: unknown[]) => this.run(name, args, Context.current())) as ActivityFunction);
    }
    return map;
  }

  /** Runs one attempt in the pool; rejects with the activity's error (rebuilt from its failure). */
  run(type: string, args: unknown[], context: Context): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextJobId++, type, args, context, enqueuedAt: Date.now(), resolve, reject };
      const signal = context.cancellationSignal;
      job.onAbort = () => this.cancel(job);
      signal.addEventListener('abort', job.onAbort, { once: true });
      if (this.queue.length >= this.options.maxQueueSize && this.idleWorker() === undefined) {
        this.logger.debug('Activity pool queue is over maxQueueSize (local activities are not bounded by the pool)', { queue: this.queue.length });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Drains: running jobs finish (the task loop waits for them), then every worker is stopped. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tick !== undefined) clearInterval(this.tick);
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(new ApplicationFailure('Activity pool stopped', ActivityPoolFailureType.crashed)));
    await Promise.all([...this.workers.values()].map((w) => this.stopWorker(w, 'pool stopped')));
  }

  private idleWorker(): PoolWorker | undefined {
    for (const w of this.workers.values()) if (w.status === 'ready') return w;
    return undefined;
  }

  private setStatus(w: PoolWorker, status: ActivityPoolWorkerStatus, why?: string): void {
    if (w.status === status) return;
    this.logger.debug(`Activity pool worker ${w.id}: ${w.status} -> ${status}`, {
      poolWorkerId: w.id, pid: w.handle.pid, threadId: w.handle.threadId, from: w.status, to: status, ...(why ? { reason: why } : {}),
    });
    w.status = status;
  }

  private spawn(): { worker: PoolWorker; ready: Promise<string[]> } {
    const id = this.nextWorkerId++;
    let readyResolve!: (names: string[]) => void;
    let readyReject!: (error: Error) => void;
    const ready = new Promise<string[]>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => undefined);
    const onMessage = (m: FromPoolWorker): void => this.onMessage(w, m, readyResolve, readyReject);
    const onExit = (code: number | null, signal: string | null, oom: boolean): void => {
      readyReject(new Error(`Activity pool worker exited before it was ready (code ${code}, signal ${signal})`));
      this.onExit(w, code, signal, oom);
    };
    const handle = this.options.isolation === 'thread' ? this.spawnThread(onMessage, onExit) : this.spawnProcess(onMessage, onExit);
    const w = new PoolWorker(id, handle);
    this.workers.set(id, w);
    this.logger.debug(`Activity pool worker ${id}: spawned (inactive)`, { poolWorkerId: id, pid: handle.pid, threadId: handle.threadId });
    const startTimer = setTimeout(() => {
      if (w.status === 'inactive') {
        readyReject(new Error(`Activity pool worker did not load ${this.options.modulePath} within allocateTimeoutMs`));
        this.kill(w, 'did not start within allocateTimeoutMs');
      }
    }, this.options.allocateTimeoutMs);
    startTimer.unref();
    void ready.then(() => clearTimeout(startTimer), () => clearTimeout(startTimer));
    return { worker: w, ready };
  }

  private spawnThread(onMessage: (m: FromPoolWorker) => void, onExit: (code: number | null, signal: string | null, oom: boolean) => void): Handle {
    const limit = this.options.maxWorkerMemoryMb;
    const thread = new Thread(threadBootstrapSource(), {
      eval: true,
      workerData: { entry: entryPath(), modulePath: this.options.modulePath },
      ...(limit > 0 ? { resourceLimits: { maxOldGenerationSizeMb: limit * 2 } } : {}),
    });
    let oom = false;
    thread.on('message', onMessage);
    thread.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') oom = true;
      this.logger.debug('Activity pool thread error', { error });
    });
    thread.on('exit', (code) => onExit(code, null, oom));
    return { send: (m) => thread.postMessage(m), kill: () => void thread.terminate(), threadId: thread.threadId };
  }

  private spawnProcess(onMessage: (m: FromPoolWorker) => void, onExit: (code: number | null, signal: string | null, oom: boolean) => void): Handle {
    const limit = this.options.maxWorkerMemoryMb;
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--inspect'));
    if (limit > 0) execArgv.push(`--max-old-space-size=${limit * 2}`);
    const child: ChildProcess = spawn(process.execPath, [...execArgv, '-e', processBootstrapSource(), entryPath(), this.options.modulePath], {
      serialization: 'advanced',
      // stderr goes through the worker's logger (WARN, with the pid): a process that dies of a V8
      // fatal error writes its dump there, and it belongs next to the supervisor's own lines.
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.logger.warn('Activity pool process stderr', { pid: child.pid, text: text.trimEnd() }));
    child.on('message', (m) => onMessage(m as FromPoolWorker));
    child.on('error', (error) => this.logger.debug('Activity pool process error', { error }));
    child.on('exit', (code, signal) => onExit(code, signal, false));
    return {
      send: (m) => {
        if (child.connected) child.send(m);
      },
      kill: () => child.kill('SIGKILL'),
      pid: child.pid,
    };
  }

  private onMessage(w: PoolWorker, m: FromPoolWorker, ready: (names: string[]) => void, failed: (e: Error) => void): void {
    switch (m.t) {
      case 'ready':
        w.memoryBytes = m.memory;
        if (this.options.maxWorkerMemoryMb > 0 && m.memory > this.options.maxWorkerMemoryMb * 1024 * 1024 && !this.warnedLimit) {
          this.warnedLimit = true;
          this.logger.warn(
            `activityPool.supervisor.maxWorkerMemoryMb (${this.options.maxWorkerMemoryMb}) is below what a fresh pool worker uses (${Math.round(m.memory / 1048576)} MB): every worker will be recycled after one job`,
          );
        }
        w.idleSince = Date.now();
        this.setStatus(w, 'ready');
        ready(m.names);
        this.dispatch();
        return;
      case 'loadError':
        failed(new TypeError(`activityPool.modulePath: ${this.options.modulePath} could not be loaded: ${m.message}`));
        this.kill(w, 'module failed to load');
        return;
      case 'stats':
        w.memoryBytes = m.memory;
        this.checkMemory(w);
        return;
      case 'heartbeat':
        if (w.job?.id === m.jobId) w.job.context.heartbeat(m.details);
        return;
      case 'log':
        if (w.job?.id === m.jobId) w.job.context.log.log(m.level, m.message, m.meta);
        return;
      case 'done': {
        const job = w.job;
        if (job === undefined || job.id !== m.jobId) return;
        w.memoryBytes = m.memory;
        this.finishJob(w, job);
        if (m.ok) this.settle(job, () => job.resolve(m.value));
        else if (m.completeAsync) this.settle(job, () => job.reject(new CompleteAsyncError()));
        else this.settle(job, () => job.reject(failureConverter.failureToError(m.failure ?? { message: 'unknown failure' }, defaultPayloadConverter)));
        this.afterJob(w);
        return;
      }
    }
  }

  private finishJob(w: PoolWorker, job: Job): void {
    clearTimeout(job.execTimer);
    clearTimeout(job.killTimer);
    w.job = undefined;
    w.jobsDone++;
    w.idleSince = Date.now();
  }

  private settle(job: Job, fn: () => void): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.execTimer);
    clearTimeout(job.killTimer);
    if (job.onAbort) job.context.cancellationSignal.removeEventListener('abort', job.onAbort);
    fn();
  }

  /** After a job: recycle if a soft limit says so, else take the next job. */
  private afterJob(w: PoolWorker): void {
    this.checkMemory(w);
    if (this.options.maxJobs > 0 && w.jobsDone >= this.options.maxJobs) w.recycle ??= `maxJobs (${this.options.maxJobs}) reached`;
    if (this.options.ttlMs > 0 && Date.now() - w.startedAt >= this.options.ttlMs) w.recycle ??= 'ttlMs exceeded';
    if (w.recycle !== undefined) {
      void this.stopWorker(w, w.recycle);
      this.replenish();
      return;
    }
    this.setStatus(w, 'ready');
    this.dispatch();
  }

  private checkMemory(w: PoolWorker): void {
    const limit = this.options.maxWorkerMemoryMb;
    if (limit > 0 && w.memoryBytes > limit * 1024 * 1024 && w.recycle === undefined) {
      w.recycle = `maxWorkerMemoryMb (${limit}) exceeded`;
      if (w.status === 'ready') {
        void this.stopWorker(w, w.recycle);
        this.replenish();
      } else if (w.status === 'working') this.setStatus(w, 'invalid', w.recycle);
    }
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const w = this.idleWorker();
      if (w === undefined) return;
      const job = this.queue.shift()!;
      w.job = job;
      job.worker = w;
      this.setStatus(w, 'working');
      const c = job.context;
      if (this.options.execTtlMs > 0) {
        job.execTimer = setTimeout(() => this.kill(w, ActivityPoolFailureType.execTimeout), this.options.execTtlMs);
      }
      try {
        w.handle.send({ t: 'run', jobId: job.id, type: job.type, args: job.args, info: c.info });
      } catch (error) {
        w.job = undefined;
        this.setStatus(w, 'ready');
        this.settle(job, () => job.reject(ApplicationFailure.create({
          message: `The arguments of activity ${job.type} cannot be sent to the pool: ${error instanceof Error ? error.message : String(error)}`,
          type: 'DataCloneError',
          nonRetryable: true,
        })));
      }
    }
  }

  /** A cancelled job: dropped from the queue, or told to stop; killed if it does not within destroyTimeoutMs. */
  private cancel(job: Job): void {
    const reason = job.context.cancellationSignal.reason as Error | undefined;
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.settle(job, () => job.reject(reason));
      return;
    }
    const w = job.worker;
    if (w === undefined || w.job !== job) return;
    w.handle.send({ t: 'cancel', jobId: job.id, reason: reason?.message ?? 'CANCELLED', details: job.context.cancellationDetails });
    job.killTimer = setTimeout(() => this.kill(w, 'cancelled activity did not end within destroyTimeoutMs'), this.options.destroyTimeoutMs);
  }

  /** Kills a worker now; its job (if any) fails on exit. */
  private kill(w: PoolWorker, why: string): void {
    if (w.exited) return;
    w.killedFor ??= why;
    this.setStatus(w, 'errored', why);
    w.handle.kill();
  }

  /** Gracefully stops a worker that has no job (or lets its job end first when it has one). */
  private stopWorker(w: PoolWorker, why: string): Promise<void> {
    if (w.exited) return Promise.resolve();
    const exited = new Promise<void>((resolve) => w.onExit.push(resolve));
    if (w.job !== undefined) {
      // The task loop waits for the job; stop right after it.
      w.recycle ??= why;
      if (w.status === 'working') this.setStatus(w, 'invalid', why);
      return exited;
    }
    if (w.status !== 'errored') this.setStatus(w, 'stopped', why);
    w.handle.send({ t: 'stop' });
    const timer = setTimeout(() => this.kill(w, 'did not stop within destroyTimeoutMs'), this.options.destroyTimeoutMs);
    timer.unref();
    return exited.then(() => clearTimeout(timer));
  }

  private onExit(w: PoolWorker, code: number | null, signal: string | null, oom: boolean): void {
    w.exited = true;
    const job = w.job;
    const expected = w.status === 'stopped';
    if (!expected) this.setStatus(w, 'errored', w.killedFor ?? `exited (code ${code}, signal ${signal})`);
    this.workers.delete(w.id);
    this.logger.debug(`Activity pool worker ${w.id}: exited`, { poolWorkerId: w.id, code, signal });
    for (const fn of w.onExit.splice(0)) fn();
    if (job !== undefined) {
      w.job = undefined;
      const failure =
        w.killedFor === ActivityPoolFailureType.execTimeout
          ? new ApplicationFailure(`Activity ${job.type} ran longer than execTtlMs (${this.options.execTtlMs} ms); its pool worker was killed`, ActivityPoolFailureType.execTimeout)
          : oom
            ? new ApplicationFailure(`Activity ${job.type}: its pool worker ran out of memory`, ActivityPoolFailureType.outOfMemory)
            : new ApplicationFailure(
                `Activity ${job.type}: its pool worker ${w.killedFor !== undefined ? `was killed (${w.killedFor})` : `crashed (exit code ${code}, signal ${signal})`}`,
                ActivityPoolFailureType.crashed,
              );
      // A cancelled job reports its cancellation (the execution maps any error to it).
      this.settle(job, () => job.reject(job.context.cancellationSignal.aborted ? job.context.cancellationSignal.reason : failure));
    }
    this.replenish();
  }

  /** Keeps the pool at numWorkers (or more while jobs wait). */
  private replenish(): void {
    if (this.stopping) return;
    let live = 0;
    for (const w of this.workers.values()) if (w.status !== 'stopped' && w.status !== 'errored' && w.status !== 'invalid') live++;
    for (; live < this.options.numWorkers; live++) {
      this.spawn().ready.catch((error) => this.logger.error('Activity pool could not replace a worker', { error }));
    }
  }

  /** One supervisor tick: limits, scaling, queue timeouts. */
  private watch(): void {
    if (this.stopping) return;
    const now = Date.now();
    for (const job of [...this.queue]) {
      if (now - job.enqueuedAt > this.options.allocateTimeoutMs) {
        this.queue.splice(this.queue.indexOf(job), 1);
        this.settle(job, () => job.reject(new ApplicationFailure(`Activity ${job.type} waited longer than allocateTimeoutMs for a pool worker`, ActivityPoolFailureType.allocateTimeout)));
      }
    }
    let live = 0;
    let idleExtra = this.workers.size - this.options.numWorkers;
    for (const w of this.workers.values()) {
      if (w.status === 'ready' || w.status === 'working' || w.status === 'inactive') live++;
      if (w.status === 'ready') {
        w.handle.send({ t: 'stats' });
        const idle = now - w.idleSince;
        if (this.options.ttlMs > 0 && now - w.startedAt >= this.options.ttlMs) {
          void this.stopWorker(w, 'ttlMs exceeded');
        } else if (this.options.idleTtlMs > 0 && idle >= this.options.idleTtlMs) {
          void this.stopWorker(w, 'idleTtlMs exceeded');
        } else if (idleExtra > 0 && idle >= this.options.idleTimeoutMs) {
          idleExtra--;
          live--;
          void this.stopWorker(w, 'dynamic: idle extra worker');
          continue;
        }
      } else if (w.status === 'working' && this.options.ttlMs > 0 && now - w.startedAt >= this.options.ttlMs) {
        w.recycle ??= 'ttlMs exceeded';
        this.setStatus(w, 'invalid', w.recycle);
      }
    }
    if (this.queue.length > 0 && live < this.options.maxWorkers) {
      const n = Math.min(this.options.spawnRate, this.options.maxWorkers - live, this.queue.length);
      for (let i = 0; i < n; i++) this.spawn().ready.catch((error) => this.logger.error('Activity pool could not grow', { error }));
    }
    this.replenish();
  }
}

/** The pool worker's entry module: TypeScript when running from source, JavaScript from dist. */
function entryPath(): string {
  return path.join(__dirname, `pool-worker-main${path.extname(__filename)}`);
}

/**
 * The thread's bootstrap. From source (tests), `.ts` files are compiled with esbuild on load, inside
 * the pool worker's own module system only.
 */
function threadBootstrapSource(): string {
  return `
const { workerData, parentPort } = require('node:worker_threads');
${tsHook}
const main = require(workerData.entry);
main.markThread();
main.startPoolWorker(workerData.modulePath, (m) => parentPort.postMessage(m), (fn) => parentPort.on('message', fn));
`;
}

/** The child process's bootstrap (argv: entry, modulePath); it exits when the supervisor goes away. */
function processBootstrapSource(): string {
  return `
${tsHook}
const main = require(process.argv[1]);
process.on('disconnect', () => process.exit(0));
main.startPoolWorker(process.argv[2], (m) => process.send(m), (fn) => process.on('message', fn));
`;
}

const tsHook = `
if (!require.extensions['.ts']) {
  const fs = require('node:fs');
  let esbuild;
  require.extensions['.ts'] = (module, filename) => {
    esbuild ??= require(${JSON.stringify(require.resolve('esbuild'))});
    const { code } = esbuild.transformSync(fs.readFileSync(filename, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'inline' });
    module._compile(code, filename);
  };
}`;
