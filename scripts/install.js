'use strict';
// Install hook (`npm install` / `npm ci`).
//
// In an installed package (the published tarball): the prebuilt addon and core library in
// prebuilds/<platform>-<arch>/ are used as they are, so nothing is compiled. Where the tarball has
// no prebuild for this platform, the addon is compiled from native/ against the header shipped in
// native/include/; without a core library the native backend is unavailable, which is said in one
// line (the SDK then needs the optional @temporalio/core-bridge peer for the neon backend).
//
// In a development clone (test/fake-core/ exists): compiles the addon and the fake core the tests
// use, then makes sure prebuilds/core/<platform>-<arch>/ holds the real C bridge library:
// scripts/build-core copies it from the machine's cache in seconds, or builds it with cargo. Where
// cargo is missing it says so in one line and the install goes on: the SDK falls back to neon.
//
// Node's headers come from the running node's own install prefix (<prefix>/include/node, as
// Debian's nodejs and the official tarballs ship them), so node-gyp downloads nothing.
const { copyFileSync, existsSync, mkdirSync, readFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const platformDir = `${process.platform}-${process.arch}`;
const devClone = existsSync(join(root, 'test', 'fake-core', 'binding.gyp'));
const prebuiltAddon = join(root, 'prebuilds', platformDir, 'temporal_native.node');
const libName =
  process.platform === 'win32'
    ? 'temporalio_sdk_core_c_bridge.dll'
    : `libtemporalio_sdk_core_c_bridge.${process.platform === 'darwin' ? 'dylib' : 'so'}`;
const HEADER = 'temporal-sdk-core-c-bridge.h';

function log(message) {
  console.log(`temporal-native: ${message}`);
}

/** The node-gyp that npm bundles, else one on PATH. */
function nodeGypCommand() {
  if (process.env.npm_config_node_gyp) return [process.execPath, [process.env.npm_config_node_gyp]];
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, [bundled]];
  return ['node-gyp', []];
}

/**
 * Where node-gyp takes Node's headers from: the running node's prefix when it carries them (so a
 * machine without internet access builds too), else an explicit npm `nodedir`, else node-gyp's
 * default (a download).
 */
function nodeDir() {
  const prefix = join(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return process.env.npm_config_nodedir || undefined;
}

/** `node-gyp rebuild` in `dir` (saying what it builds); returns the exit status. */
function nodeGyp(dir, what) {
  const [cmd, baseArgs] = nodeGypCommand();
  const extra = process.argv.slice(2);
  const args = [...baseArgs, 'rebuild', '--jobs=max', ...extra];
  // node-gyp's own "gyp info" lines hide the compiler's; ask for them with --loglevel=info.
  if (!extra.some((arg) => arg.startsWith('--loglevel'))) args.push('--loglevel=warn');
  const nodedir = nodeDir();
  const env = { ...process.env };
  if (nodedir !== undefined) {
    args.push(`--nodedir=${nodedir}`);
    // node-gyp lets an npm `nodedir` setting (passed down as npm_config_nodedir) win over --nodedir.
    for (const name of Object.keys(env)) if (name.toLowerCase() === 'npm_config_nodedir') delete env[name];
  }
  log(`compiling ${what} with node-gyp in ${relative(root, dir) || '.'} (Node headers: ${nodedir === undefined ? 'node-gyp download' : join(nodedir, 'include', 'node')})`);
  return spawnSync(cmd, args, { stdio: 'inherit', cwd: dir, env }).status ?? 1;
}

/** Development clones: native/include/ holds the pinned package's header (binding.gyp prefers it). */
function refreshHeader() {
  let source;
  try {
    source = join(dirname(require.resolve('@temporalio/core-bridge/package.json', { paths: [root] })), 'sdk-core', 'crates', 'sdk-core-c-bridge', 'include', HEADER);
  } catch {
    return;
  }
  const dest = join(root, 'native', 'include', HEADER);
  if (existsSync(dest) && readFileSync(dest).equals(readFileSync(source))) return;
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(source, dest);
}

function installedPackage() {
  if (existsSync(prebuiltAddon) && !process.env.TEMPORAL_NATIVE_FORCE_BUILD) {
    log(`using the prebuilt addon ${relative(root, prebuiltAddon)}`);
  } else if (nodeGyp(root, 'the addon') !== 0) {
    log(`the native addon could not be compiled for ${platformDir}; the native backend is unavailable here (install @temporalio/core-bridge to use the neon backend)`);
    return;
  }
  if (!existsSync(join(root, 'prebuilds', platformDir, libName)) && !process.env.TEMPORAL_CORE_LIBRARY) {
    log(`this package has no ${libName} for ${platformDir}, so the native backend needs TEMPORAL_CORE_LIBRARY; otherwise install @temporalio/core-bridge for the neon backend`);
  }
}

function developmentClone() {
  refreshHeader();
  let status = nodeGyp(root, 'the addon');
  if (status !== 0) process.exit(status);
  status = nodeGyp(join(root, 'test', 'fake-core'), 'the fake core (tests only)');
  if (status !== 0) process.exit(status);

  if (process.env.TEMPORAL_CORE_LIBRARY) {
    log(`TEMPORAL_CORE_LIBRARY is set (${process.env.TEMPORAL_CORE_LIBRARY}); not building the C bridge library`);
    return;
  }
  // Up to date, copied from the machine's cache, or built with cargo: build-core says which.
  const result = spawnSync('bash', [join(root, 'scripts', 'build-core')], { stdio: 'inherit', cwd: root });
  if (result.status === 0) return;
  // build-core's last line said what is missing; exit 2 (no cargo) needs no more words.
  const existing = join(root, 'prebuilds', 'core', platformDir, libName);
  if (existsSync(existing)) {
    log(`keeping the existing ${relative(root, existing)}, which may predate third_party/core/Cargo.lock or the core patches`);
  } else if (result.status !== 2) {
    log('no C bridge library was built, so the SDK falls back to the neon backend');
  }
}

if (devClone) developmentClone();
else installedPackage();
