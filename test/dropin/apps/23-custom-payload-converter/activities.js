'use strict';
exports.addTax = async (amount) => ({ cents: Math.round(amount.cents * 1.2), currency: amount.currency, activitySawConverter: amount.viaMoneyConverter === true });
