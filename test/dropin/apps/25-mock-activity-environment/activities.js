'use strict';
const { Context, activityInfo, heartbeat, CancelledFailure } = require('@temporalio/activity');

exports.download = async (url, chunks) => {
  const got = [];
  for (let i = 0; i < chunks; i++) {
    heartbeat({ url, chunk: i });
    got.push(`${url}#${i}`);
    await Context.current().sleep(10);
  }
  return { attempt: activityInfo().attempt, got };
};

exports.waitForCancel = async () => {
  try {
    await Context.current().sleep(60_000);
    return 'not cancelled';
  } catch (err) {
    return err instanceof CancelledFailure ? 'cancelled' : `unexpected ${err.name}`;
  }
};
