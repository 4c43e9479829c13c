/** Workflows of the parity refusal tests. */
import assert from 'assert';
import { defineQuery, setHandler } from '@temporalio/workflow';

export const stage = defineQuery<string>('stage');

/** Answers `stage` and completes at once, so that it can be queried closed. */
export async function closesAtOnce(): Promise<string> {
  setHandler(stage, () => 'done');
  return 'closed';
}

/** Fails an `assert`, as a test's workflow might. */
export async function assertsWrongly(): Promise<void> {
  assert.strictEqual(1 + 1, 3, 'arithmetic is broken');
}
