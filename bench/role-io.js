'use strict';
// The child side of procs.js: read the JSON argument, answer in JSON lines, stop on request.
const { createInterface } = require('node:readline');

const args = JSON.parse(process.argv[2] ?? '{}');

function emit(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Calls `handler(message)` for each JSON line the orchestrator sends. */
function onMessage(handler) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    Promise.resolve(handler(JSON.parse(line))).catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
}

function settleWith(promise) {
  promise.catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { args, emit, onMessage, settleWith };
