import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { Saga } from 'temporal-native/workflow';

export interface Order {
  id: string;
  sku: string;
  quantity: number;
  amountCents: number;
  /** How long to wait for the `shipped` signal before giving up and compensating. */
  shipWithinMs: number;
}

export type OrderStage = 'reserving' | 'charging' | 'awaiting-shipment' | 'shipped' | 'compensating' | 'compensated';

export interface OrderResult {
  orderId: string;
  tracking: string;
}

export interface Reservation {
  orderId: string;
  sku: string;
  quantity: number;
}

export interface Charge {
  orderId: string;
  amountCents: number;
  chargeId: string;
}

/** The activities of `activities.js`, as the workflow sees them. */
export interface ShopActivities {
  reserveStock(orderId: string, sku: string, quantity: number): Promise<Reservation>;
  releaseStock(reservation: Reservation): Promise<void>;
  chargePayment(orderId: string, amountCents: number): Promise<Charge>;
  refundPayment(charge: Charge): Promise<string>;
}

export const shippedSignal = defineSignal<[string]>('shipped');
export const stageQuery = defineQuery<OrderStage>('stage');

const { reserveStock, releaseStock, chargePayment, refundPayment } = proxyActivities<ShopActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '50 milliseconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * Reserve stock, charge the payment, wait for the warehouse to confirm shipment. Any failure (or a
 * cancellation) undoes the steps already taken, last first.
 */
export async function processOrder(order: Order): Promise<OrderResult> {
  let stage: OrderStage = 'reserving';
  let tracking: string | undefined;
  setHandler(stageQuery, () => stage);
  setHandler(shippedSignal, (trackingNumber) => {
    tracking = trackingNumber;
  });

  const saga = new Saga();
  try {
    const reservation = await reserveStock(order.id, order.sku, order.quantity);
    saga.add(() => releaseStock(reservation));

    stage = 'charging';
    const charge = await chargePayment(order.id, order.amountCents);
    saga.add(() => refundPayment(charge));

    stage = 'awaiting-shipment';
    if (!(await condition(() => tracking !== undefined, order.shipWithinMs))) {
      throw ApplicationFailure.nonRetryable(`order ${order.id} was not shipped within ${order.shipWithinMs} ms`, 'ShipmentTimeout');
    }
    stage = 'shipped';
    return { orderId: order.id, tracking: tracking as string };
  } catch (err) {
    stage = 'compensating';
    await saga.compensate();
    stage = 'compensated';
    // Re-throwing a cancellation reports the workflow as cancelled; anything else fails it.
    throw err;
  }
}
