'use strict';
// Install hook: builds the addon and the fake core (one binding.gyp) with node-gyp.
// A consumer that received a prebuilt addon for this platform must not need a compiler, so the
// build runs only when no prebuild matches. Node's headers are taken from the running node's own
// install prefix when it ships them (Debian's nodejs, official tarballs), so nothing is downloaded.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'temporal_native.node');
if (existsSync(prebuilt) && !process.env.TEMPORAL_NATIVE_FORCE_BUILD) {
  console.log(`temporal-native: using prebuilt addon ${prebuilt}`);
  process.exit(0);
}

/** The node-gyp that npm bundles, else one on PATH. */
function nodeGypCommand() {
  if (process.env.npm_config_node_gyp) return [process.execPath, [process.env.npm_config_node_gyp]];
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, [bundled]];
  return ['node-gyp', []];
}

/** A node install prefix that carries node_api.h for this node, if any. */
function localNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

const [cmd, baseArgs] = nodeGypCommand();
const args = [...baseArgs, 'rebuild', '--jobs=max', ...process.argv.slice(2)];
const nodedir = localNodeDir();
if (nodedir !== undefined) args.push(`--nodedir=${nodedir}`);
const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
