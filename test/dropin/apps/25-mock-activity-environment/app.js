'use strict';
// Unit-tests activities without a server, as users do with @temporalio/testing.
const { MockActivityEnvironment } = require('@temporalio/testing');
const activities = require('./activities');

exports.run = async function run() {
  const env = new MockActivityEnvironment({ attempt: 2 });
  const heartbeats = [];
  env.on('heartbeat', (details) => heartbeats.push(details));
  const downloaded = await env.run(activities.download, 'file', 3);

  const cancelEnv = new MockActivityEnvironment();
  const pending = cancelEnv.run(activities.waitForCancel);
  cancelEnv.cancel();
  return { downloaded, heartbeats, cancelled: await pending };
};
