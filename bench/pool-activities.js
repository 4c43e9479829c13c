'use strict';
// The activities of the `pool` suite. The same functions run in-process (the official worker, and
// ours without a pool) and in our activity pool (this file is its `modulePath`, so every function it
// exports is a pooled activity: nothing else is exported).
const { hashRounds } = require('./hash');

/** The CPU-bound activity: `rounds` calibrated to about 20 ms of hashing; returns a short digest. */
async function cpuHash(rounds) {
  return hashRounds(rounds).toString('hex').slice(0, 16);
}

async function noop() {}

module.exports = { cpuHash, noop };
