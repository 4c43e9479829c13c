/**
 * Task queues and long polls. Queues are keyed by (namespace, task-queue kind, name); sticky queues
 * have unique names so they need no separate kind. A waiting poll is only handed a task while it is
 * live and has at least a safety margin before its deadline: a task given to a poll whose client has
 * gone is lost until its timeout fires. Tasks are references; the dispatcher re-validates them
 * against execution state and returns null for stale ones, which are then dropped.
 */
import type { CallContext } from './transport';

/** Margin kept before a poll's deadline: answer empty rather than risk the client giving up mid-reply. */
export const POLL_SAFETY_MARGIN_MS = 1_000;
/** Longest a poll is held, like the real server's ~1 min long poll. */
export const MAX_POLL_WAIT_MS = 60_000;

export type TaskQueueType = 'workflow' | 'activity';

export type TaskRef =
  | { kind: 'workflowTask'; runKey: string; scheduledEventId: number; attempt: number }
  | { kind: 'activityTask'; runKey: string; scheduledEventId: number; attempt: number }
  | { kind: 'queryTask'; runKey: string; queryId: string };

interface Waiter<P, R> {
  poll: P;
  ctx: CallContext;
  resolve(result: R | null): void;
  done: boolean;
}

interface Queue<P, R> {
  tasks: TaskRef[];
  waiters: Array<Waiter<P, R>>;
}

export function queueKey(namespace: string, type: TaskQueueType, name: string): string {
  return `${namespace}\u0000${type}\u0000${name}`;
}

export class Matching<P, R> {
  private readonly queues = new Map<string, Queue<P, R>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** @param dispatch turns a task into a poll response, or null if the task went stale. */
  constructor(private readonly dispatch: (task: TaskRef, poll: P) => R | null) {}

  private queue(key: string): Queue<P, R> {
    let q = this.queues.get(key);
    if (!q) {
      q = { tasks: [], waiters: [] };
      this.queues.set(key, q);
    }
    return q;
  }

  /** Adds a task; hands it straight to a live waiting poll when there is one. */
  enqueue(key: string, task: TaskRef): void {
    const q = this.queue(key);
    q.tasks.push(task);
    this.drain(q);
  }

  /** Removes every queued task of `key` for which `predicate` holds and returns them. */
  take(key: string, predicate: (task: TaskRef) => boolean): TaskRef[] {
    const q = this.queues.get(key);
    if (!q) return [];
    const taken = q.tasks.filter(predicate);
    q.tasks = q.tasks.filter((t) => !predicate(t));
    return taken;
  }

  backlog(key: string): number {
    return this.queues.get(key)?.tasks.length ?? 0;
  }

  private usable(w: Waiter<P, R>): boolean {
    return !w.done && !w.ctx.cancelled && w.ctx.deadline - Date.now() > POLL_SAFETY_MARGIN_MS;
  }

  private drain(q: Queue<P, R>): void {
    while (q.tasks.length > 0 && q.waiters.length > 0) {
      const waiter = q.waiters[0];
      if (!this.usable(waiter)) {
        q.waiters.shift();
        waiter.done = true;
        waiter.resolve(null);
        continue;
      }
      const task = q.tasks.shift() as TaskRef;
      const result = this.dispatch(task, waiter.poll);
      if (result === null) continue;
      q.waiters.shift();
      waiter.done = true;
      waiter.resolve(result);
    }
  }

  /** Long-polls `key`: resolves with a dispatched task, or null when the poll should return empty. */
  poll(key: string, poll: P, ctx: CallContext): Promise<R | null> {
    if (this.stopped) return Promise.resolve(null);
    const q = this.queue(key);
    while (q.tasks.length > 0) {
      const task = q.tasks.shift() as TaskRef;
      const result = this.dispatch(task, poll);
      if (result !== null) return Promise.resolve(result);
    }
    const remaining = ctx.deadline - Date.now() - POLL_SAFETY_MARGIN_MS;
    if (remaining <= 0) return Promise.resolve(null);
    return new Promise<R | null>((resolve) => {
      const waiter: Waiter<P, R> = {
        poll,
        ctx,
        done: false,
        resolve: (r) => {
          clearTimeout(timer);
          this.timers.delete(timer);
          resolve(r);
        },
      };
      const giveUp = (): void => {
        if (waiter.done) return;
        waiter.done = true;
        const i = q.waiters.indexOf(waiter);
        if (i >= 0) q.waiters.splice(i, 1);
        waiter.resolve(null);
      };
      const timer = setTimeout(giveUp, Math.min(remaining, MAX_POLL_WAIT_MS));
      this.timers.add(timer);
      ctx.onCancel(giveUp);
      q.waiters.push(waiter);
    });
  }

  /** Ends every waiting poll with an empty answer (server shutdown). */
  stop(): void {
    this.stopped = true;
    for (const q of this.queues.values()) {
      for (const w of q.waiters.splice(0)) {
        if (!w.done) {
          w.done = true;
          w.resolve(null);
        }
      }
    }
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
