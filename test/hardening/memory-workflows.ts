/** The workflow of the bounded-memory load test: one activity, its result returned. */
import { proxyActivities } from '@temporalio/workflow';

const { echo } = proxyActivities<{ echo(n: number): Promise<number> }>({ startToCloseTimeout: '1 minute' });

export async function oneActivity(n: number): Promise<number> {
  return await echo(n);
}
