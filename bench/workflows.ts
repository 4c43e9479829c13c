// Workflows used by every benchmark, for our worker and the official one alike.
import { proxyActivities, sleep } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

/** Completes on its first workflow task: measures start-up to the first completed task. */
export async function empty(): Promise<string> {
  return 'done';
}

/** The classic load-test shape: one no-op activity. */
export async function oneActivity(): Promise<void> {
  await noop();
}

/** Fans out `count` no-op activities at once: keeps an activity worker saturated. */
export async function manyActivities(count: number): Promise<number> {
  await Promise.all(Array.from({ length: count }, () => noop()));
  return count;
}

/**
 * Fans out `count` activities of `type` at once, each with `args`, and fails on the first failure
 * (one attempt each): the `pool` suite's load. The long timeout covers CPU-bound activities queued
 * behind each other on one thread.
 */
export async function manyActivitiesOf(type: string, count: number, args: unknown[]): Promise<number> {
  const acts = proxyActivities<Record<string, (...a: unknown[]) => Promise<unknown>>>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 1 } });
  await Promise.all(Array.from({ length: count }, () => acts[type]!(...args)));
  return count;
}

/** Sleeps long enough to stay in the worker's cache for the memory measurement. */
export async function sleeper(ms: number): Promise<void> {
  await sleep(ms);
}
