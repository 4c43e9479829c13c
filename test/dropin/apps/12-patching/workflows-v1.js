'use strict';
const wf = require('@temporalio/workflow');

const proceed = wf.defineSignal('proceed');

exports.pricing = async function pricing() {
  let go = false;
  wf.setHandler(proceed, () => void (go = true));
  await wf.condition(() => go);
  return 'v1 price';
};
