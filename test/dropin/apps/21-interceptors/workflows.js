'use strict';
const wf = require('@temporalio/workflow');

const { whoAmI } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });

exports.tenantAware = async function tenantAware() {
  return await whoAmI();
};
