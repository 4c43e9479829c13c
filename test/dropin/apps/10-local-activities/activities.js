'use strict';
const { activityInfo } = require('@temporalio/activity');
const { ApplicationFailure } = require('@temporalio/common');

exports.normalize = async (text) => text.trim().toLowerCase();
exports.flaky = async () => {
  const { attempt, isLocal } = activityInfo();
  if (attempt < 3) throw ApplicationFailure.retryable(`attempt ${attempt} failed`);
  return { attempt, isLocal };
};
