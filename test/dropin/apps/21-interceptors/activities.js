'use strict';
const { Context } = require('@temporalio/activity');

exports.whoAmI = async () => `activity sees tenant ${Context.current().tenant}`;
