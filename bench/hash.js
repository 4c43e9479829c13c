'use strict';
// The CPU work of the `pool` suite's activity, and its calibration to a target CPU time.
const { createHash } = require('node:crypto');

/** 16 KiB of fixed input: each round hashes it together with the previous digest. */
const BLOCK = Buffer.alloc(16 * 1024, 0x5a);

/** `rounds` chained SHA-256 hashes of the block, on the calling thread. */
function hashRounds(rounds) {
  let digest = Buffer.alloc(32);
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(digest).update(BLOCK).digest();
  return digest;
}

/**
 * The number of rounds that take `targetMs` of CPU on this machine. CPU time (not wall time), and the
 * least of several samples, because the machine is shared: other processes stretch wall time and
 * evict caches, never make the work itself cheaper.
 */
function calibrate(targetMs, samples = 9, probeRounds = 400) {
  hashRounds(probeRounds); // warm up
  const perRound = [];
  for (let i = 0; i < samples; i++) {
    const c0 = process.cpuUsage();
    hashRounds(probeRounds);
    const c = process.cpuUsage(c0);
    perRound.push((c.user + c.system) / 1000 / probeRounds);
  }
  const best = Math.min(...perRound);
  return { rounds: Math.max(1, Math.round(targetMs / best)), msPerRound: best, samplesMsPerRound: perRound };
}

module.exports = { hashRounds, calibrate };
