/**
 * What runs inside one pool worker (a worker thread or a child process): loads the pooled module,
 * runs one activity at a time inside a `temporal-native/activity` context (and the official one),
 * and talks to the supervisor over messages (see `protocol.ts`). Never imported by the main thread.
 */
import * as v8 from 'node:v8';
import { ActivityCancellation, type ActivityCancelReason, type ActivityCancellationDetails } from '../../../activity/cancellation';
import { activityContextStorage, Context } from '../../../activity/context';
import { ActivityContextError, CompleteAsyncError } from '../../../activity/errors';
import type { Info } from '../../../activity/info';
import { DefaultFailureConverter } from '../../../converter/failure-converter';
import { defaultPayloadConverter } from '../../../converter/payload-converters';
import type { Logger, LogLevel, LogMetadata } from '../../logger';
import { runWithOfficialContext } from '../official-activity-context';
import type { FromPoolWorker, ToPoolWorker } from './protocol';

const failureConverter = new DefaultFailureConverter();
let current: { jobId: number; cancellation: ActivityCancellation } | undefined;

/** Starts the pool worker; `send`/`onMessage` are the thread's port or the process's IPC channel. */
export function startPoolWorker(modulePath: string, send: (message: FromPoolWorker) => void, onMessage: (fn: (m: ToPoolWorker) => void) => void): void {
  const memory = (): number => (isThread ? v8.getHeapStatistics().used_heap_size : process.memoryUsage().rss);
  let functions: Map<string, (...args: unknown[]) => unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(modulePath) as Record<string, unknown>;
    functions = new Map();
    for (const name in mod) {
      const fn = mod[name];
      if (typeof fn === 'function') functions.set(name, fn as (...args: unknown[]) => unknown);
    }
  } catch (error) {
    send({ t: 'loadError', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    return;
  }
  // Memory reports while a job runs asynchronously (a CPU-bound job blocks them, which is fine:
  // the hard limit and execTtlMs cover that case).
  setInterval(() => send({ t: 'stats', memory: memory() }), 500).unref();
  onMessage((message) => {
    switch (message.t) {
      case 'run':
        void run(message.jobId, message.type, message.args, message.info, functions, send, memory);
        break;
      case 'cancel':
        if (current?.jobId === message.jobId) current.cancellation.cancel(message.reason as ActivityCancelReason, message.details as ActivityCancellationDetails);
        break;
      case 'stats':
        send({ t: 'stats', memory: memory() });
        break;
      case 'stop':
        process.exit(0);
    }
  });
  send({ t: 'ready', names: [...functions.keys()], memory: memory() });
}

let isThread = false;
export function markThread(): void {
  isThread = true;
}

async function run(
  jobId: number,
  type: string,
  args: unknown[],
  info: Info,
  functions: Map<string, (...args: unknown[]) => unknown>,
  send: (message: FromPoolWorker) => void,
  memory: () => number,
): Promise<void> {
  const cancellation = new ActivityCancellation();
  current = { jobId, cancellation };
  const log = forwardingLogger(jobId, send);
  const context = new Context({
    info,
    cancellation,
    heartbeat: (details) => send({ t: 'heartbeat', jobId, details }),
    log,
    client: () => {
      throw new ActivityContextError('Context.client is not available in pooled activities (the client lives on the worker\'s main thread)');
    },
  });
  let outcome: FromPoolWorker;
  try {
    const fn = functions.get(type);
    if (fn === undefined) throw new Error(`Activity ${type} is not exported by the pool module`);
    const value = await activityContextStorage.run(context, () => runWithOfficialContext(context, () => Promise.resolve(fn(...args))));
    outcome = { t: 'done', jobId, ok: true, value, memory: 0 };
  } catch (error) {
    if (error instanceof CompleteAsyncError) outcome = { t: 'done', jobId, ok: false, completeAsync: true, memory: 0 };
    else outcome = { t: 'done', jobId, ok: false, failure: failureConverter.errorToFailure(error, defaultPayloadConverter), memory: 0 };
  }
  current = undefined;
  outcome.memory = memory();
  try {
    send(outcome);
  } catch (error) {
    // The result cannot cross (a function, a class the structured clone refuses...).
    const failure = failureConverter.errorToFailure(
      new Error(`The result of activity ${type} cannot be sent to the worker: ${error instanceof Error ? error.message : String(error)}`),
      defaultPayloadConverter,
    );
    send({ t: 'done', jobId, ok: false, failure, memory: memory() });
  }
}

function forwardingLogger(jobId: number, send: (message: FromPoolWorker) => void): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    let safeMeta: LogMetadata | undefined;
    try {
      safeMeta = meta === undefined ? undefined : (v8.deserialize(v8.serialize(meta)) as LogMetadata);
    } catch {
      safeMeta = { meta: String(meta) };
    }
    send({ t: 'log', jobId, level, message, meta: safeMeta });
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}
