'use strict';
const wf = require('@temporalio/workflow');

const ping = wf.defineSignal('ping');

exports.receiver = async function receiver() {
  const pings = [];
  wf.setHandler(ping, (from) => void pings.push(from));
  try {
    await wf.condition(() => false);
  } catch (err) {
    if (wf.isCancellation(err)) return { pings, cancelled: true };
    throw err;
  }
  return { pings, cancelled: false };
};

exports.sender = async function sender(receiverId) {
  const receiver = wf.getExternalWorkflowHandle(receiverId);
  await receiver.signal(ping, 'sender-1');
  await receiver.signal(ping, 'sender-2');
  await receiver.cancel();
  let missing;
  try {
    await wf.getExternalWorkflowHandle(`${receiverId}-missing`).signal(ping, 'nobody');
  } catch (err) {
    missing = err.name;
  }
  return { missing };
};
