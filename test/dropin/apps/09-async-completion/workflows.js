'use strict';
const wf = require('@temporalio/workflow');

const { requestApproval } = wf.proxyActivities({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 1 } });

exports.approvals = async function approvals() {
  const approved = await requestApproval('expense 1');
  let rejected;
  try {
    await requestApproval('expense 2');
  } catch (err) {
    rejected = err.cause && err.cause.message;
  }
  return { approved, rejected };
};
