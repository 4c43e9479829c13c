'use strict';
const wf = require('@temporalio/workflow');

const { addTax } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });
const lastTotal = wf.defineQuery('lastTotal');
const addTip = wf.defineSignal('addTip');
const done = wf.defineUpdate('done');

exports.bill = async function bill(amount) {
  let total;
  let finished = false;
  wf.setHandler(lastTotal, () => total);
  wf.setHandler(addTip, (tip) => void (total = { cents: total.cents + tip.cents, currency: total.currency }));
  wf.setHandler(done, () => {
    finished = true;
    return total;
  });
  total = await addTax(amount);
  await wf.condition(() => finished);
  if (total.cents > 100000) throw wf.ApplicationFailure.create({ message: 'too expensive', details: [total] });
  return { received: amount, total };
};
