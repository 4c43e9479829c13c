/**
 * The chaos workflow: an activity with retries, a timer and a signal in its first run, then
 * continue-as-new; a child workflow (activity + timer) and another retried activity in its second
 * run. Written with `@temporalio/workflow` only; bundled once by the test and run by every worker process.
 */
import { condition, continueAsNew, defineSignal, executeChild, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';
import { childWorkflowId, timerMs, type ChaosInput, type ChaosResult } from './plan';

// Short timeouts so work lost with a killed worker comes back quickly; no attempt limit, so every
// activity eventually succeeds however many workers die under it.
const { effect } = proxyActivities<typeof activities>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s' },
});

export const go = defineSignal<[number]>('go');

export async function chaosWorkflow(input: ChaosInput): Promise<ChaosResult> {
  const { workflowId } = workflowInfo();
  if (!input.carried) {
    let signal: number | undefined;
    // A retried signal call can deliver the value twice; the first one counts.
    setHandler(go, (value) => {
      if (signal === undefined) signal = value;
    });
    const a = await effect(workflowId, input.index, 'a');
    await sleep(timerMs(input.index));
    await condition(() => signal !== undefined);
    return continueAsNew<typeof chaosWorkflow>({ index: input.index, carried: { a, signal: signal as number } });
  }
  setHandler(go, () => undefined);
  const child = await executeChild(chaosChild, {
    workflowId: childWorkflowId(workflowId),
    args: [input.index],
    workflowTaskTimeout: '3s',
  });
  const c = await effect(workflowId, input.index, 'c');
  return { index: input.index, a: input.carried.a, signal: input.carried.signal, child, c };
}

export async function chaosChild(index: number): Promise<string> {
  const { workflowId } = workflowInfo();
  await sleep(timerMs(index));
  return `child:${await effect(workflowId, index, 'b')}`;
}
