'use strict';
const wf = require('@temporalio/workflow');

exports.job = async function job(kind) {
  if (kind === 'fail') throw wf.ApplicationFailure.nonRetryable('job failed');
  if (kind === 'wait') await wf.condition(() => false);
  return kind;
};
