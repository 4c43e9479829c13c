'use strict';
const wf = require('@temporalio/workflow');

const proceed = wf.defineSignal('proceed');

exports.pricing = async function pricing() {
  // Decided at the start: runs whose history began on v1 replay this without the marker and keep
  // the old path; new runs record the marker and take the new one.
  const newPricing = wf.patched('new-pricing');
  let go = false;
  wf.setHandler(proceed, () => void (go = true));
  await wf.condition(() => go);
  return newPricing ? 'v2 price' : 'v1 price (kept for old runs)';
};
