/**
 * Activities of the conformance scenarios. Both servers' workers run in this process, so each world
 * gets its own instance (`createActivities`) whose recorded state (attempts, task tokens) is private
 * to it; the activity inputs stay identical on both servers.
 */
import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';

export interface ActivityState {
  /** Attempts seen per key, in order. */
  attempts: Map<string, number[]>;
  /** Task tokens of activities that complete asynchronously, per key. */
  tokens: Map<string, Uint8Array>;
  /** Resolves when an activity of `key` has started. */
  started(key: string): Promise<void>;
}

export function createActivities() {
  const attempts = new Map<string, number[]>();
  const tokens = new Map<string, Uint8Array>();
  const startWaiters = new Map<string, Array<() => void>>();
  const startedKeys = new Set<string>();
  const markStarted = (key: string): void => {
    startedKeys.add(key);
    for (const w of startWaiters.get(key) ?? []) w();
    startWaiters.delete(key);
  };
  const record = (key: string): number => {
    const { attempt } = Context.current().info;
    attempts.set(key, [...(attempts.get(key) ?? []), attempt]);
    markStarted(key);
    return attempt;
  };
  const state: ActivityState = {
    attempts,
    tokens,
    started: (key) =>
      startedKeys.has(key)
        ? Promise.resolve()
        : new Promise<void>((resolve) => startWaiters.set(key, [...(startWaiters.get(key) ?? []), resolve])),
  };
  const activities = {
    async echo(value: unknown): Promise<unknown> {
      return value;
    },
    /** Fails the first `failures` attempts with a retryable ApplicationFailure of `errorType`. */
    async flaky(key: string, failures: number, errorType: string): Promise<number> {
      const attempt = record(key);
      if (attempt <= failures) throw ApplicationFailure.create({ message: `attempt ${attempt} fails`, type: errorType, details: [attempt] });
      return attempt;
    },
    /** Attempt 1 fails asking for a retry after `delayMs`; attempt 2 returns its attempt number. */
    async flakyWithDelay(key: string, delayMs: number): Promise<number> {
      const attempt = record(key);
      if (attempt === 1) throw ApplicationFailure.create({ message: 'retry soon', type: 'Soon', nextRetryDelay: delayMs });
      return attempt;
    },
    async failNonRetryable(message: string): Promise<never> {
      throw ApplicationFailure.nonRetryable(message, 'Fatal', { why: 'conformance' });
    },
    /** Attempt 1 sleeps `ms` (cancellably); later attempts return at once. */
    async slowFirst(key: string, ms: number): Promise<number> {
      const attempt = record(key);
      if (attempt === 1) await Context.current().sleep(ms);
      return attempt;
    },
    /** Attempt 1 heartbeats `details` and stalls; attempt 2 returns the inherited heartbeat details. */
    async heartbeatThenStall(key: string, details: string, stallMs: number): Promise<unknown> {
      const attempt = record(key);
      const ctx = Context.current();
      if (attempt === 1) {
        ctx.heartbeat(details);
        await ctx.sleep(stallMs);
        return 'not timed out';
      }
      return ctx.info.heartbeatDetails;
    },
    /** Heartbeats every 50 ms until cancelled; reports cancellation by rethrowing. */
    async heartbeatUntilCancelled(key: string): Promise<string> {
      record(key);
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat('beat');
        await ctx.sleep(50);
      }
    },
    async sleepFor(key: string, ms: number): Promise<string> {
      record(key);
      await Context.current().sleep(ms);
      return 'woke';
    },
    /** Hands its task token to the test and completes asynchronously. */
    async completeLater(key: string): Promise<string> {
      tokens.set(key, Context.current().info.taskToken);
      record(key);
      throw new CompleteAsyncError();
    },
    /** A local activity body: sleeps `ms` without heartbeats. */
    async localSleep(ms: number): Promise<string> {
      await new Promise((r) => setTimeout(r, ms));
      return `slept ${ms}`;
    },
  };
  return { activities, state };
}

export type ConformanceActivities = ReturnType<typeof createActivities>['activities'];
