/** Activities the peer tests register on the official worker. */
import { ApplicationFailure, Context } from '@temporalio/activity';

/** What activities observed, for tests to check (one worker process per test file). */
export const observed: string[] = [];

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

export async function failNonRetryable(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'BadInput');
}

export async function heartbeatUntilCancelled(): Promise<string> {
  const ctx = Context.current();
  try {
    for (;;) {
      ctx.heartbeat('beat');
      await ctx.sleep(200);
    }
  } catch (err) {
    observed.push(`heartbeatUntilCancelled: ${(err as Error).name}`);
    throw err;
  }
}

export async function sleepFor(ms: number): Promise<string> {
  await Context.current().sleep(ms);
  return 'woke';
}
