'use strict';
// Our dev server in a process of its own, so its CPU and RSS can be read from outside.
const { emit, onMessage, settleWith } = require('../role-io');

settleWith(
  (async () => {
    const { DevServer } = require('../../dist/testing');
    const server = await DevServer.start({ port: 0 });
    emit({ ready: true, address: server.address });
    onMessage(async (message) => {
      if (message.stop) {
        await server.stop();
        process.exit(0);
      }
    });
  })(),
);
