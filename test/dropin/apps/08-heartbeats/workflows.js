'use strict';
const wf = require('@temporalio/workflow');

const { processItems } = wf.proxyActivities({ startToCloseTimeout: '30 seconds', heartbeatTimeout: '10 seconds', retry: { initialInterval: '100 milliseconds', maximumAttempts: 3 } });

exports.batch = async function batch(n) {
  return await processItems(n);
};
