'use strict';
const { Context, CancelledFailure } = require('@temporalio/activity');

exports.longTask = async () => {
  // Heartbeats carry the server's cancellation back to the activity.
  for (;;) {
    Context.current().heartbeat();
    try {
      await Context.current().sleep(100);
    } catch (err) {
      if (err instanceof CancelledFailure) return 'cancelled cleanly';
      throw err;
    }
  }
};

exports.cleanup = async (what) => `cleaned up ${what}`;
