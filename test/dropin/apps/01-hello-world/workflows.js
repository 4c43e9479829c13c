'use strict';
const { proxyActivities } = require('@temporalio/workflow');

const { greet } = proxyActivities({ startToCloseTimeout: '10 seconds' });

exports.hello = async function hello(name) {
  return await greet(name);
};
