'use strict';
const wf = require('@temporalio/workflow');

const { work } = wf.proxyActivities({ startToCloseTimeout: '30 seconds' });

exports.fanOut = async function fanOut(n) {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => work(i)));
  return results.reduce((a, b) => a + b, 0);
};
