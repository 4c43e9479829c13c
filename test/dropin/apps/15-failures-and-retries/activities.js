'use strict';
const { activityInfo } = require('@temporalio/activity');
const { ApplicationFailure } = require('@temporalio/common');

exports.unstable = async () => {
  const { attempt } = activityInfo();
  if (attempt < 3) throw new Error(`boom on attempt ${attempt}`);
  return attempt;
};
exports.invalid = async () => {
  throw ApplicationFailure.create({ message: 'bad input', type: 'ValidationError', details: [{ field: 'email' }] });
};
exports.slow = async () => new Promise((resolve) => setTimeout(resolve, 2_000));
