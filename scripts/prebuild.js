'use strict';
// `npm run prebuild` (also the `prepack` hook): stage the packed product, which is ours alone.
//
//   prebuilds/<platform>-<arch>/temporal_native.node            the addon, from build/Release
//   prebuilds/<platform>-<arch>/libtemporalio_sdk_core_c_bridge  the REAL C bridge library, from
//                                                                 prebuilds/core/<platform>-<arch>/,
//                                                                 brought up to date by scripts/build-core
//                                                                 (from the machine's cache, else cargo)
//   native/include/temporal-sdk-core-c-bridge.h                  the C header, so that the tarball's
//                                                                 fallback compile (scripts/install.js)
//                                                                 needs no @temporalio/core-bridge
//
// The addon loader prefers prebuilds/<platform>-<arch>/ over build/Release, and an installed package
// finds the core library there. The fake core (test/fake-core/build) is never staged: a library
// without the Rust runtime in it is refused.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const platformDir = `${process.platform}-${process.arch}`;
const libName =
  process.platform === 'win32'
    ? 'temporalio_sdk_core_c_bridge.dll'
    : `libtemporalio_sdk_core_c_bridge.${process.platform === 'darwin' ? 'dylib' : 'so'}`;
const destDir = path.join(root, 'prebuilds', platformDir);
const HEADER = 'temporal-sdk-core-c-bridge.h';

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

/** Copies to a temporary name and renames, so a process loading the old file never sees half a file. */
function stage(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const partial = `${to}.${process.pid}.tmp`;
  fs.copyFileSync(from, partial);
  fs.renameSync(partial, to);
  console.log(`prebuild: ${path.relative(root, to)} (${fs.statSync(to).size} bytes)`);
}

// 1. The addon.
const addon = path.join(root, 'build', 'Release', 'temporal_native.node');
if (!fs.existsSync(addon)) fail(`${path.relative(root, addon)} does not exist; build the addon first with npm install (or npm run build:addon).`);

// 2. The real core library, up to date with third_party/core/Cargo.lock and the core patches.
const buildCore = spawnSync('bash', [path.join(root, 'scripts', 'build-core')], { stdio: 'inherit', cwd: root });
if (buildCore.status !== 0) fail('the C bridge library is not available (see the line above), so there is no product to stage.');
const library = path.join(root, 'prebuilds', 'core', platformDir, libName);
if (!fs.existsSync(library)) fail(`scripts/build-core succeeded but ${path.relative(root, library)} is missing.`);
// Every Rust cdylib carries its standard library's RUST_BACKTRACE handling; the C++ fake core does not.
if (!fs.readFileSync(library).includes('RUST_BACKTRACE')) fail(`${path.relative(root, library)} is not the Rust core (the fake core?); run npm run build-core.`);

// 3. The header of the pinned core.
let header;
try {
  header = path.join(path.dirname(require.resolve('@temporalio/core-bridge/package.json', { paths: [root] })), 'sdk-core', 'crates', 'sdk-core-c-bridge', 'include', HEADER);
} catch {
  fail('@temporalio/core-bridge (a devDependency: the C header and the core source) is not installed; run npm ci first.');
}

stage(addon, path.join(destDir, 'temporal_native.node'));
stage(library, path.join(destDir, libName));
stage(header, path.join(root, 'native', 'include', HEADER));
