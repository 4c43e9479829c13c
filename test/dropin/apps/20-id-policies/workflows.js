'use strict';
const wf = require('@temporalio/workflow');

exports.echo = async function echo(value, wait) {
  if (wait) await wf.condition(() => false);
  return value;
};
