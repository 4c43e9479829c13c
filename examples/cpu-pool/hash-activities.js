'use strict';
// The pooled activities: loaded only inside the pool's workers (threads or processes), never on the
// worker's main thread. CPU-bound on purpose: ~`ms` of SHA-256 chaining per call.
const { createHash } = require('node:crypto');
const { heartbeat, activityInfo } = require('temporal-native/activity');

/** Hashes for about `ms` milliseconds, heartbeating as it goes; returns a short digest. */
async function crunch(seed, ms) {
  const end = Date.now() + ms;
  let digest = Buffer.from(String(seed));
  let rounds = 0;
  while (Date.now() < end) {
    digest = createHash('sha256').update(digest).digest();
    if (++rounds % 5000 === 0) heartbeat(rounds);
  }
  return { seed, rounds, digest: digest.toString('hex').slice(0, 12), attempt: activityInfo().attempt };
}

module.exports = { crunch };
