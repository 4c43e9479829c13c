'use strict';
// The shop's state, in memory so the example needs nothing but Node. The activities change it; the
// summary line reads the ledger to show that every compensation really ran.
const stock = new Map([
  ['book', 100],
  ['lamp', 100],
  ['chair', 0], // sold out: orders for it fail at the first step
]);
const ledger = { charged: 0, refunded: 0, released: 0 };

module.exports = { stock, ledger };
