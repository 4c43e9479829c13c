'use strict';
const wf = require('@temporalio/workflow');

const add = wf.defineSignal('add');
const addAndTotal = wf.defineUpdate('addAndTotal');
const close = wf.defineSignal('close');

exports.tally = async function tally(start) {
  let total = start;
  let closed = false;
  wf.setHandler(add, (n) => void (total += n));
  wf.setHandler(addAndTotal, (n) => (total += n));
  wf.setHandler(close, () => void (closed = true));
  await wf.condition(() => closed);
  return total;
};
