'use strict';
const wf = require('@temporalio/workflow');

const { double } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });

// The timer was removed without a patch: replaying an old history must fail.
exports.doubler = async function doubler(n) {
  return await double(n);
};
