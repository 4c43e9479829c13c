/** Workflows of the parity refusal tests. */
import { defineQuery, setHandler } from '@temporalio/workflow';

export const stage = defineQuery<string>('stage');

/** Answers `stage` and completes at once, so that it can be queried closed. */
export async function closesAtOnce(): Promise<string> {
  setHandler(stage, () => 'done');
  return 'closed';
}
