/**
 * Workflows the schedule e2e tests start through schedules. They run in the official
 * `@temporalio/worker` (the worker is not what these tests are about), so they use the standard
 * `@temporalio/workflow` API only.
 */
import { ApplicationFailure, condition, defineSignal, setHandler } from '@temporalio/workflow';

export const release = defineSignal('release');

/** Returns its arguments at once. */
export async function quick(...args: unknown[]): Promise<unknown[]> {
  return args;
}

/** Runs until signalled `release` (or cancelled/terminated): keeps an action "running". */
export async function blockUntilReleased(): Promise<void> {
  let released = false;
  setHandler(release, () => void (released = true));
  await condition(() => released);
}

/** Fails without retrying. */
export async function failAtOnce(): Promise<never> {
  throw ApplicationFailure.create({ message: 'scheduled run fails', nonRetryable: true });
}
