/** Activities run by the pool in the activity-pool tests (loaded inside pool workers only). */
import { createHash } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { ApplicationFailure, Context, heartbeat, sleep } from '../../../lib/activity';
import * as official from '@temporalio/activity';

export async function echo(value: unknown): Promise<unknown> {
  return value;
}

/** Where it ran: pid and thread id, plus what the contexts said. */
export async function whereAmI(): Promise<{ pid: number; threadId: number; activityType: string; officialType: string; isLocal: boolean }> {
  const info = Context.current().info;
  return { pid: process.pid, threadId, activityType: info.activityType, officialType: official.activityInfo().activityType, isLocal: info.isLocal };
}

/** Busy CPU for `ms`, heartbeating from the pool between slices. */
export async function cpu(ms: number): Promise<string> {
  const end = Date.now() + ms;
  let digest = Buffer.alloc(32);
  let i = 0;
  while (Date.now() < end) {
    digest = createHash('sha256').update(digest).digest();
    if (++i % 2000 === 0) heartbeat(i);
  }
  heartbeat(i);
  return digest.toString('hex').slice(0, 8);
}

/** CPU-bound without ever yielding: only heartbeats (sent synchronously) get out. */
export function failTyped(): never {
  throw ApplicationFailure.create({ message: 'nope', type: 'PoolTyped', nonRetryable: true, details: [{ code: 7 }] });
}

export function crash(): never {
  setImmediate(() => {
    throw new Error('crash at top level');
  });
  // Never settles: the uncaught error kills the pool worker.
  return new Promise<never>(() => undefined) as never;
}

export function exitNow(): void {
  process.exit(3);
}

export async function hang(): Promise<void> {
  for (;;) {
    // Blocks the pool worker's event loop for good.
  }
}

export const retained: unknown[] = [];
/** Grows the heap until the hard limit stops it. */
export async function leak(): Promise<void> {
  for (;;) {
    retained.push(new Array(1_000_000).fill(retained.length));
    if (retained.length % 4 === 0) await new Promise((r) => setImmediate(r));
  }
}

/** Grows the heap by `mb` and keeps it (a soft-limit leak). */
export async function retain(mb: number): Promise<number> {
  for (let i = 0; i < mb; i++) retained.push(new Array(128 * 1024).fill(i));
  return retained.length;
}

/** Waits for cancellation; reports what the AbortSignal said. */
export async function waitCancel(): Promise<string> {
  heartbeat('started');
  const signal = Context.current().cancellationSignal;
  while (!signal.aborted) {
    await sleep(50).catch(() => undefined);
    heartbeat('waiting');
  }
  throw signal.reason;
}

export async function slow(ms: number): Promise<string> {
  await new Promise((r) => setTimeout(r, ms));
  return 'slow done';
}

/** One randomised-test attempt: does what `plan[i]` says. */
export async function chaos(plan: string[], i: number): Promise<string> {
  switch (plan[i]) {
    case 'return':
      return `ok ${i}`;
    case 'throw':
      throw ApplicationFailure.create({ message: `thrown ${i}`, type: 'Chaos', nonRetryable: true });
    case 'crash':
      process.exit(9);
      break;
    case 'hang':
      return hang() as never;
    case 'leak':
      return leak() as never;
  }
  throw new Error(`unknown plan ${plan[i]}`);
}
