/**
 * The "next version" of two phase-2 workflows, used only to replay histories recorded with
 * `../workflows`: `replaySubject` changes its command order without a patch (nondeterministic),
 * `patchSubject` guards its change with `patched()` (safe to replay).
 */
import { patched, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '../activities';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });

/** The timer now comes before the activity: replaying a v1 history must fail. */
export async function replaySubject(name: string): Promise<string> {
  await sleep(10);
  return await greet(name);
}

/** Guards a new activity call with a patch: a v1 history replays down the old path. */
export async function patchSubject(): Promise<string> {
  if (patched('p2-replay-patch')) {
    await greet('patched');
    await sleep(10);
    return 'v2';
  }
  await sleep(10);
  return 'v1';
}
