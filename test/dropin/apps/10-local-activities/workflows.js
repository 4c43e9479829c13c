'use strict';
const wf = require('@temporalio/workflow');

const { normalize, flaky } = wf.proxyLocalActivities({ startToCloseTimeout: '10 seconds', retry: { initialInterval: '20 milliseconds', backoffCoefficient: 1 } });

exports.clean = async function clean(words) {
  const normalized = [];
  for (const word of words) normalized.push(await normalize(word));
  return { normalized, flaky: await flaky() };
};
