'use strict';
const wf = require('@temporalio/workflow');

const { longTask } = wf.proxyActivities({ startToCloseTimeout: '1 minute', heartbeatTimeout: '5 seconds', cancellationType: wf.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });
const { cleanup } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });

exports.scoped = async function scoped() {
  const log = [];
  // A scope cancelled from inside the workflow after a timer.
  const scope = new wf.CancellationScope();
  const task = scope.run(() => longTask());
  await wf.sleep('300 milliseconds');
  scope.cancel();
  try {
    // WAIT_CANCELLATION_COMPLETED: the activity sees the cancellation and decides how it ends.
    log.push(`inner scope: ${await task}`);
  } catch (err) {
    log.push(`inner scope: ${wf.isCancellation(err) ? 'cancelled' : err.message}`);
  }
  // A timeout scope around a timer that cannot finish in time.
  try {
    await wf.CancellationScope.withTimeout('100 milliseconds', () => wf.sleep('1 hour'));
  } catch (err) {
    log.push(`withTimeout: ${wf.isCancellation(err) ? 'cancelled' : err.message}`);
  }
  // The workflow itself is cancelled by the client; cleanup runs in a non-cancellable scope.
  try {
    await wf.sleep('1 day');
  } catch (err) {
    if (!wf.isCancellation(err)) throw err;
    log.push(await wf.CancellationScope.nonCancellable(() => cleanup('order')));
    return log;
  }
  return log;
};
