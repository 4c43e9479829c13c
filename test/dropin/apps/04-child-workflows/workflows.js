'use strict';
const wf = require('@temporalio/workflow');

exports.square = async function square(n) {
  return n * n;
};

exports.failing = async function failing() {
  throw wf.ApplicationFailure.nonRetryable('child gave up', 'ChildError');
};

exports.parent = async function parent(numbers) {
  const squares = await Promise.all(numbers.map((n) => wf.executeChild('square', { args: [n], workflowId: `${wf.workflowInfo().workflowId}-sq-${n}` })));
  const started = await wf.startChild('square', { args: [12], workflowId: `${wf.workflowInfo().workflowId}-started` });
  const viaHandle = await started.result();
  let failure;
  try {
    await wf.executeChild('failing', { workflowId: `${wf.workflowInfo().workflowId}-failing` });
  } catch (err) {
    failure = { type: err.name, causeType: err.cause && err.cause.type, message: err.cause && err.cause.message };
  }
  return { squares, viaHandle, failure };
};
