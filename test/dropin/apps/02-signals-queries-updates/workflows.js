'use strict';
const wf = require('@temporalio/workflow');

const addItem = wf.defineSignal('addItem');
const checkout = wf.defineSignal('checkout');
const itemsQuery = wf.defineQuery('items');
const setDiscount = wf.defineUpdate('setDiscount');

exports.cart = async function cart() {
  const items = [];
  let discount = 0;
  let done = false;
  wf.setHandler(addItem, (item) => void items.push(item));
  wf.setHandler(checkout, () => void (done = true));
  wf.setHandler(itemsQuery, () => [...items]);
  wf.setHandler(
    setDiscount,
    (percent) => {
      const previous = discount;
      discount = percent;
      return previous;
    },
    {
      validator: (percent) => {
        if (percent < 0 || percent > 50) throw new Error(`discount ${percent} out of range`);
      },
    },
  );
  await wf.condition(() => done);
  return { items, discount };
};
