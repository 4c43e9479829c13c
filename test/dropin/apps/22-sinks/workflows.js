'use strict';
const wf = require('@temporalio/workflow');

const { audit } = wf.proxySinks();

exports.audited = async function audited(order) {
  audit.record('order received', order);
  await wf.sleep('50 milliseconds');
  audit.record('order shipped', order);
  return 'done';
};
