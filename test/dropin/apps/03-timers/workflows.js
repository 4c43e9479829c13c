'use strict';
const wf = require('@temporalio/workflow');

const wake = wf.defineSignal('wake');

exports.reminders = async function reminders() {
  const log = [];
  await wf.sleep('200 milliseconds');
  log.push('slept');
  let woken = false;
  wf.setHandler(wake, () => void (woken = true));
  // No signal comes: the condition times out.
  log.push(`condition ${await wf.condition(() => woken, '300 milliseconds') ? 'met' : 'timed out'}`);
  // A timer raced against a signal that arrives first.
  const winner = await Promise.race([wf.sleep('1 hour').then(() => 'timer'), wf.condition(() => woken).then(() => 'signal')]);
  log.push(`race won by ${winner}`);
  return log;
};
