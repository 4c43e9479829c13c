#!/usr/bin/env node
'use strict';
// The main job (`npm start`): a batch of orders, each a saga, on the embedded dev server.
const { Connection, Client, Worker, WorkflowFailedError, CancelledFailure, ConsoleLogger } = require('temporal-native');
const { DevServer } = require('temporal-native/testing');
const activities = require('./activities');
const { ledger } = require('./shop');

const TASK_QUEUE = 'order-saga';

/** What happens to each order; `plan` says what the client does while it runs. */
const ORDERS = [
  { id: 'order-01', sku: 'book', quantity: 1, amountCents: 1_999, plan: 'ship' },
  { id: 'order-02', sku: 'lamp', quantity: 2, amountCents: 8_990, plan: 'ship' },
  { id: 'order-03', sku: 'book', quantity: 3, amountCents: 5_997, plan: 'query-then-ship' },
  { id: 'order-04', sku: 'lamp', quantity: 1, amountCents: 4_495, plan: 'ship' },
  { id: 'order-05', sku: 'book', quantity: 1, amountCents: 250_000, plan: 'ship' }, // card declined
  { id: 'order-06', sku: 'chair', quantity: 1, amountCents: 12_000, plan: 'ship' }, // out of stock
  { id: 'order-07', sku: 'lamp', quantity: 1, amountCents: 4_495, plan: 'never-ship' }, // shipment timeout
  { id: 'order-08', sku: 'book', quantity: 2, amountCents: 3_998, plan: 'cancel' },
  { id: 'order-09', sku: 'book', quantity: 1, amountCents: 1_999, plan: 'ship' },
  { id: 'order-10', sku: 'lamp', quantity: 4, amountCents: 17_980, plan: 'ship' },
];
const SHIP_WITHIN_MS = 3_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the `stage` query until the order reaches `wanted`; undefined if it ended on the way. */
async function waitForStage(handle, wanted) {
  for (let tries = 0; ; tries++) {
    // A query before the first workflow task completes is refused (the workflow is not ready yet).
    const stage = await handle.query('stage').catch((err) => {
      if (tries > 400) throw err;
      return 'not-ready';
    });
    if (stage === wanted) return stage;
    if (stage === 'compensating' || stage === 'compensated' || stage === 'shipped') return undefined;
    await sleep(25);
  }
}

/** Drives one order from the outside as its plan says, and classifies how it ended. */
async function runOrder(client, order, workflowIdPrefix) {
  const handle = await client.workflow.start('processOrder', {
    taskQueue: TASK_QUEUE,
    workflowId: `${workflowIdPrefix}${order.id}`,
    args: [{ id: order.id, sku: order.sku, quantity: order.quantity, amountCents: order.amountCents, shipWithinMs: SHIP_WITHIN_MS }],
  });
  let note = '';
  const drive = (async () => {
    if (order.plan === 'never-ship') return;
    const stage = await waitForStage(handle, 'awaiting-shipment');
    if (stage === undefined) return; // a step failed before the order needed shipping
    if (order.plan === 'query-then-ship') note = `queried mid-flight: stage=${stage}; `;
    if (order.plan === 'cancel') {
      await handle.cancel();
      return;
    }
    await handle.signal('shipped', `TRK-${order.id.slice(-2)}`);
  })();
  try {
    const result = await handle.result();
    await drive;
    return { order, outcome: 'succeeded', detail: `${note}shipped, tracking ${result.tracking}` };
  } catch (err) {
    await drive.catch(() => undefined);
    if (!(err instanceof WorkflowFailedError)) throw err;
    if (err.cause instanceof CancelledFailure) {
      return { order, outcome: 'cancelled', detail: `${note}cancelled by the client, compensated` };
    }
    const cause = err.cause;
    const reason = cause && cause.cause ? cause.cause.message : cause ? cause.message : String(err);
    return { order, outcome: 'compensated', detail: `${note}${reason}` };
  }
}

function printTable(results, out) {
  const rows = results.map((r) => [r.order.id, r.outcome, r.detail]);
  const header = ['order', 'outcome', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  out.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of rows) out.write(`${line(row)}\n`);
}

async function main() {
  const out = process.stdout;
  const started = Date.now();
  const external = process.env.TEMPORAL_ADDRESS;
  const server = external ? undefined : await DevServer.start({ port: 0 });
  const address = external ?? server.address;
  out.write(`dev server: ${address}${external ? ' (TEMPORAL_ADDRESS)' : ' (embedded)'}\n`);

  const connection = await Connection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./workflows.ts'),
      activities,
      handleSignals: false,
      // Failed payment attempts and failed orders are part of the show; the table reports them.
      logger: new ConsoleLogger('ERROR'),
    });
    const client = new Client({ connection });
    const prefix = external ? `${Date.now().toString(36)}-` : '';
    const results = await worker.runUntil(async () => {
      let settled = 0;
      return Promise.all(
        ORDERS.map(async (order) => {
          const result = await runOrder(client, order, prefix);
          settled++;
          out.write(`[${String(settled).padStart(2)}/${ORDERS.length}] ${order.id} ${result.outcome}\n`);
          return result;
        }),
      );
    });
    printTable(results, out);
    const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
    out.write(
      `\nsucceeded: ${count('succeeded')}  compensated: ${count('compensated')}  cancelled: ${count('cancelled')}` +
        `  (charges ${ledger.charged}, refunds ${ledger.refunded}, releases ${ledger.released})` +
        ` in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await connection.close();
    await server?.stop();
  }
}

// No process.exit: the process ending by itself shows the worker, connection and server let go.
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
