'use strict';
// Activities are ordinary async functions running in the worker's own process.
const { ApplicationFailure } = require('temporal-native');
const { Context } = require('temporal-native/activity');
const { stock, ledger } = require('./shop');

async function reserveStock(orderId, sku, quantity) {
  const available = stock.get(sku) ?? 0;
  if (available < quantity) {
    throw ApplicationFailure.nonRetryable(`${sku} is out of stock`, 'OutOfStock');
  }
  stock.set(sku, available - quantity);
  return { orderId, sku, quantity };
}

async function releaseStock(reservation) {
  stock.set(reservation.sku, (stock.get(reservation.sku) ?? 0) + reservation.quantity);
  ledger.released++;
}

async function chargePayment(orderId, amountCents) {
  const { attempt } = Context.current().info;
  // The payment gateway is flaky: the first attempt of every charge times out and is retried.
  if (attempt === 1) {
    throw ApplicationFailure.retryable(`gateway timeout charging ${orderId}`, 'GatewayTimeout');
  }
  if (amountCents > 100_000) {
    throw ApplicationFailure.nonRetryable(`card declined for ${orderId}`, 'CardDeclined');
  }
  ledger.charged++;
  return { orderId, amountCents, chargeId: `ch_${orderId}_${attempt}` };
}

async function refundPayment(charge) {
  ledger.refunded++;
  return `refunded ${charge.chargeId}`;
}

module.exports = { reserveStock, releaseStock, chargePayment, refundPayment };
