'use strict';
exports.report = async function report(name) {
  return `report ${name}`;
};
