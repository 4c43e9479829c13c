/**
 * Activities for the client e2e tests, run by the official worker (and `echo` by our own). Async
 * activities hand their task token to the test through `taskTokens` and leave completion to it.
 */
import { CompleteAsyncError, Context } from '@temporalio/activity';

type TokenWaiter = (token: Uint8Array) => void;
const waiters = new Map<string, TokenWaiter>();
const early = new Map<string, Uint8Array>();

/** Resolves with the task token of the `completeLater(key)` activity once it has started. */
export function taskTokenFor(key: string): Promise<Uint8Array> {
  const token = early.get(key);
  if (token) return Promise.resolve(token);
  return new Promise((resolve) => waiters.set(key, resolve));
}

/** Publishes its task token under `key`, then leaves completion to the client. */
export async function completeLater(key: string): Promise<string> {
  const { taskToken } = Context.current().info;
  const waiter = waiters.get(key);
  if (waiter) waiter(taskToken);
  else early.set(key, taskToken);
  throw new CompleteAsyncError();
}

export async function echo(value: string): Promise<string> {
  return value;
}
