/**
 * A second build of some workflows in ../workflows: same type names, different code. Used for the
 * "fixed worker" scenario and to prove replay detects non-determinism.
 */
import { sleep } from '@temporalio/workflow';

export async function throwsPlainError(): Promise<string> {
  return 'fixed';
}

/** Changed code: a timer where v1 scheduled an activity. */
export async function hello(name: string): Promise<string> {
  await sleep(10);
  return `Hi ${name}`;
}
