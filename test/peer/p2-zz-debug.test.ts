import { afterAll, beforeAll, it } from 'vitest';
import { eventTypeName, startP2Env, uniqueId, type P2Env } from './p2-support/harness';
import { longLocalActivity } from './p2-support/workflows';
let env: P2Env;
beforeAll(async () => { env = await startP2Env(); });
afterAll(async () => { await env?.stop(); });
it('debug', async () => {
  const t0 = Date.now();
  const handle = await env.client.workflow.start(longLocalActivity, { taskQueue: env.taskQueue, workflowId: uniqueId('long-local'), args: [2_500], workflowTaskTimeout: '1s' });
  console.log(await handle.result());
  const history = await handle.fetchHistory();
  for (const e of history.events ?? []) {
    const t = Number(e.eventTime?.seconds) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6) - t0;
    const attrs = Object.entries(e).find(([k]) => k.endsWith('Attributes'));
    console.log(e.eventId?.toString(), t, eventTypeName(e), JSON.stringify(attrs?.[1]).slice(0, 300));
  }
});
