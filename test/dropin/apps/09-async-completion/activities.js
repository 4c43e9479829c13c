'use strict';
const { CompleteAsyncError, activityInfo } = require('@temporalio/activity');

/** Hands its task token to an "external system" (a list the app reads) and completes later. */
exports.requestApproval = async (request) => {
  exports.pending.push({ taskToken: Buffer.from(activityInfo().taskToken).toString('base64'), request });
  throw new CompleteAsyncError();
};
exports.pending = [];
