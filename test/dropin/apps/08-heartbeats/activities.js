'use strict';
const { Context, activityInfo, heartbeat } = require('@temporalio/activity');
const { ApplicationFailure } = require('@temporalio/common');

/** Processes items 1..n, heartbeating progress; the first attempt dies after item 3 and the retry resumes. */
exports.processItems = async (n) => {
  const info = activityInfo();
  const start = info.heartbeatDetails === undefined ? 1 : info.heartbeatDetails + 1;
  const done = [];
  for (let i = start; i <= n; i++) {
    done.push(i);
    heartbeat(i);
    if (info.attempt === 1 && i === 3) {
      // Give the heartbeat time to reach the server before the attempt fails.
      await Context.current().sleep(300);
      throw ApplicationFailure.retryable('worker lost its lease', 'Transient');
    }
  }
  return { attempt: info.attempt, resumedFrom: start, done };
};
