'use strict';
// `npm run prebuild`: stage the compiled addon as this platform's prebuilt binary, the path the
// addon loader prefers over build/Release and the one scripts/install.js checks before compiling.
// Only the addon is staged: build/Release also holds the fake core used by tests, which must never
// ship (the real core library lives in prebuilds/core/, see scripts/build-core).
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'temporal_native.node');
const destDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const dest = path.join(destDir, 'temporal_native.node');

if (!fs.existsSync(built)) {
  console.error(`prebuild: ${path.relative(root, built)} does not exist; build the addon first with npm run build:addon.`);
  process.exit(1);
}
fs.mkdirSync(destDir, { recursive: true });
// Copy to a temporary name and rename, so a process loading the old prebuild never sees half a file.
const partial = `${dest}.${process.pid}.tmp`;
fs.copyFileSync(built, partial);
fs.renameSync(partial, dest);
console.log(`prebuild: ${path.relative(root, dest)} (${fs.statSync(dest).size} bytes)`);
