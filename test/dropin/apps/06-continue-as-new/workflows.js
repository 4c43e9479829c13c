'use strict';
const wf = require('@temporalio/workflow');

exports.counter = async function counter(count, limit, sum, runs) {
  // Each run adds its count to the sum and continues as new until `count` reaches `limit`.
  if (count < limit) await wf.continueAsNew(count + 1, limit, sum + count, runs + 1);
  return { count, sum, runs, continuedFromPrevious: wf.workflowInfo().continuedFromExecutionRunId !== undefined };
};
