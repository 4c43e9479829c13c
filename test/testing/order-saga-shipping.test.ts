/**
 * The order-saga example's workflow with a realistic shipping window (a week) instead of the demo's
 * three seconds, in a time-skipping TestWorkflowEnvironment. Everything comes from the built package,
 * as a user of the example would import it: `temporal-native` and `temporal-native/testing`.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment as Environment } from '../../lib/testing';
import type { Worker as WorkerType } from '../../lib/worker';

/* eslint-disable @typescript-eslint/no-require-imports -- the example is CommonJS on the built package */
const { ConsoleLogger, Worker, WorkflowFailedError } = require('temporal-native') as typeof import('../../lib');
const { TestWorkflowEnvironment } = require('temporal-native/testing') as typeof import('../../lib/testing');
const activities = require('../../examples/order-saga/activities') as Record<string, (...args: unknown[]) => Promise<unknown>>;
const { ledger, stock } = require('../../examples/order-saga/shop') as { ledger: { charged: number; refunded: number; released: number }; stock: Map<string, number> };

const DAY = 86_400_000;
const taskQueue = `order-saga-${randomUUID()}`;

let env: Environment;
let worker: WorkerType;
let running: Promise<void>;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: path.resolve(__dirname, '../../examples/order-saga/workflows.ts'),
    activities,
    // The example's payment gateway fails every first attempt on purpose.
    logger: new ConsoleLogger('ERROR'),
    handleSignals: false,
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const order = (id: string) => ({ id, sku: 'lamp', quantity: 1, amountCents: 4_495, shipWithinMs: 7 * DAY });

describe('order saga with a one-week shipping window, under time skipping', () => {
  it('compensates an order nobody ships: a week later the stock is released and the charge refunded', async () => {
    const before = { refunded: ledger.refunded, released: ledger.released, lamps: stock.get('lamp') ?? 0 };
    const start = await env.currentTimeMs();
    const handle = await env.client.workflow.start('processOrder', { taskQueue, workflowId: `never-shipped-${randomUUID()}`, args: [order('never-shipped')] });
    const error = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as Error & { cause?: Error }).cause?.message)).toContain('was not shipped within');
    expect(ledger.refunded - before.refunded).toBe(1);
    expect(ledger.released - before.released).toBe(1);
    expect(stock.get('lamp')).toBe(before.lamps);
    expect((await env.currentTimeMs()) - start).toBeGreaterThanOrEqual(7 * DAY);
  });

  it('ships an order signalled two days in', async () => {
    const handle = await env.client.workflow.start('processOrder', { taskQueue, workflowId: `shipped-${randomUUID()}`, args: [order('shipped')] });
    await env.sleep('2 days');
    expect(await handle.query('stage')).toBe('awaiting-shipment');
    await handle.signal('shipped', 'TRK-42');
    expect(await handle.result()).toEqual({ orderId: 'shipped', tracking: 'TRK-42' });
  });
});
