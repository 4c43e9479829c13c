'use strict';
const wf = require('@temporalio/workflow');

const { double } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });

exports.doubler = async function doubler(n) {
  await wf.sleep('10 milliseconds');
  return await double(n);
};
