'use strict';
const wf = require('@temporalio/workflow');

const { unstable, invalid } = wf.proxyActivities({ startToCloseTimeout: '10 seconds', retry: { initialInterval: '50 milliseconds', nonRetryableErrorTypes: ['ValidationError'] } });
const { slow } = wf.proxyActivities({ startToCloseTimeout: '300 milliseconds', retry: { maximumAttempts: 2, initialInterval: '10 milliseconds' } });

function describeFailure(err) {
  return { name: err.name, cause: err.cause && { name: err.cause.name, type: err.cause.type, message: err.cause.message, timeoutType: err.cause.timeoutType, details: err.cause.details } };
}

exports.resilient = async function resilient(mode) {
  const out = { attempts: await unstable() };
  try {
    await invalid();
  } catch (err) {
    out.invalid = { ...describeFailure(err), retryState: err.retryState };
  }
  try {
    await slow();
  } catch (err) {
    out.slow = { ...describeFailure(err), retryState: err.retryState };
  }
  if (mode === 'fail') throw wf.ApplicationFailure.nonRetryable('workflow gives up', 'GaveUp', { reason: 'demo' });
  return out;
};
