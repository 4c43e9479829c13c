'use strict';
const wf = require('@temporalio/workflow');

const { charge } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });

exports.subscription = async function subscription(customer) {
  const receipts = [];
  for (let month = 1; month <= 2; month++) {
    receipts.push(await charge(customer, month));
  }
  return receipts;
};
