import { proxyActivities } from '@temporalio/workflow';

const { crunch } = proxyActivities<{ crunch(seed: number, ms: number): Promise<{ seed: number; rounds: number; digest: string }> }>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '5 seconds',
});

const { ping } = proxyActivities<{ ping(): Promise<string> }>({ startToCloseTimeout: '10 seconds' });

/** Fans out `count` CPU-bound activities (run in the pool) and one in-process `ping`. */
export async function crunchBatch(count: number, ms: number): Promise<{ digests: string[]; ping: string }> {
  const [results, pong] = await Promise.all([Promise.all(Array.from({ length: count }, (_, i) => crunch(i, ms))), ping()]);
  return { digests: results.map((r) => r.digest), ping: pong };
}
