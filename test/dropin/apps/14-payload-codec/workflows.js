'use strict';
const wf = require('@temporalio/workflow');

const { shout } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });
const lastQuery = wf.defineQuery('last');

exports.loud = async function loud(text) {
  let last;
  wf.setHandler(lastQuery, () => last);
  last = await shout(text);
  return last;
};
