'use strict';
// Runs one drop-in app in this process and prints its result as the last stdout line:
//   node run-app.js <app directory> <task queue>   (TEMPORAL_ADDRESS names the server)
// The app's own module decides which SDK it uses, by its imports alone.
const path = require('node:path');

const [appDir, taskQueue] = process.argv.slice(2);
const app = require(path.resolve(appDir, 'app.js'));

app
  .run({ address: process.env.TEMPORAL_ADDRESS, namespace: 'default', taskQueue })
  .then((result) => {
    process.stdout.write(`\nDROPIN-RESULT ${JSON.stringify(result === undefined ? null : result)}\n`);
    // Official SDK runtimes keep native handles alive after the worker stops; the result is in.
    process.exit(0);
  })
  .catch((err) => {
    process.stderr.write(`DROPIN-ERROR ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  });
