'use strict';
// Install hook: a consumer that received a prebuilt addon for this platform must not need a
// compiler, so the build runs only when no prebuild matches.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const prebuilt = join(__dirname, '..', 'prebuilds', `${process.platform}-${process.arch}`, 'temporal_native.node');
if (existsSync(prebuilt) && !process.env.TEMPORAL_NATIVE_FORCE_BUILD) {
  console.log(`temporal-native: using prebuilt addon ${prebuilt}`);
  process.exit(0);
}
const npmNodeGyp = process.env.npm_config_node_gyp;
const [cmd, args] = npmNodeGyp ? [process.execPath, [npmNodeGyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: join(__dirname, '..') });
process.exit(result.status ?? 1);
