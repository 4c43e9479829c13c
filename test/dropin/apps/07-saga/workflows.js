'use strict';
const wf = require('@temporalio/workflow');

const acts = wf.proxyActivities({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 2, initialInterval: '50 milliseconds' } });

exports.bookTrip = async function bookTrip(trip) {
  const compensations = [];
  const log = [];
  try {
    log.push(await acts.reserveHotel(trip));
    compensations.unshift(() => acts.cancelHotel(trip));
    log.push(await acts.reserveFlight(trip));
    compensations.unshift(() => acts.cancelFlight(trip));
    log.push(await acts.reserveCar(trip));
    return { booked: true, log };
  } catch (err) {
    for (const compensate of compensations) log.push(await compensate());
    throw wf.ApplicationFailure.create({ message: `trip ${trip} rolled back`, type: 'TripFailed', nonRetryable: true, details: [log], cause: err });
  }
};
