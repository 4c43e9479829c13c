'use strict';
// Counts how many activities run at once, to show the worker's limit holds.
let running = 0;
let peak = 0;
exports.work = async (i) => {
  running++;
  peak = Math.max(peak, running);
  await new Promise((r) => setTimeout(r, 100));
  running--;
  return i;
};
exports.peak = () => peak;
