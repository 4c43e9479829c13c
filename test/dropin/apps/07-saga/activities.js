'use strict';
const { ApplicationFailure } = require('@temporalio/common');

exports.reserveHotel = async (trip) => `hotel for ${trip}`;
exports.reserveFlight = async (trip) => `flight for ${trip}`;
exports.reserveCar = async (trip) => {
  throw ApplicationFailure.nonRetryable(`no cars left for ${trip}`, 'SoldOut');
};
exports.cancelHotel = async (trip) => `hotel cancelled for ${trip}`;
exports.cancelFlight = async (trip) => `flight cancelled for ${trip}`;
