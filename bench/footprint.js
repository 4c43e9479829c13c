'use strict';
// install_footprint: the bytes `npm install` adds to an empty project, for our packed tarball and for
// @temporalio/client + @temporalio/worker from the npm registry, both installed the same way
// (`--ignore-scripts --prefer-offline`, so the local npm cache serves whatever it holds) into an
// empty project of their own, measured with `du -sb node_modules` (apparent bytes, recursive).
//
// Our tarball is made as the pack test makes it (test/pack/pack.test.ts): `npm run prebuild` stages
// the addon, the real C bridge library and the header, then `npm pack --ignore-scripts`; the staged
// files are put back as they were afterwards.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.join(__dirname, '..');
const PLATFORM_DIR = `${process.platform}-${process.arch}`;
const LIB = 'libtemporalio_sdk_core_c_bridge.so';
const STAGED = [path.join(REPO, 'prebuilds', PLATFORM_DIR, 'temporal_native.node'), path.join(REPO, 'prebuilds', PLATFORM_DIR, LIB)];

function env() {
  const out = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  for (const name of ['TEMPORAL_CORE_LIBRARY', 'TEMPORAL_CORE_BACKEND', 'TEMPORAL_NATIVE_ADDON', 'TEMPORAL_NATIVE_BUILD_DIR', 'NODE_PATH']) delete out[name];
  return out;
}

function npm(args, cwd, { tolerant = false } = {}) {
  const result = spawnSync('npm', args, { cwd, env: env(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0 && !tolerant) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Apparent bytes under `dir`, recursively (`du -sb`). */
function duBytes(dir) {
  const result = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`du -sb ${dir} failed: ${result.stderr}`);
  return Number(result.stdout.split(/\s/)[0]);
}

function emptyProject(root, name) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  return dir;
}

/** The biggest top-level packages under `node_modules` (scoped ones by scope/name), in bytes. */
function biggest(nodeModules, n = 6) {
  const sizes = [];
  for (const entry of fs.readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const full = path.join(nodeModules, entry);
    if (entry.startsWith('@')) for (const sub of fs.readdirSync(full)) sizes.push([`${entry}/${sub}`, duBytes(path.join(full, sub))]);
    else sizes.push([entry, duBytes(full)]);
  }
  return Object.fromEntries(sizes.sort((a, b) => b[1] - a[1]).slice(0, n));
}

function install(project, specs) {
  npm(['install', ...specs, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], project);
  const nodeModules = path.join(project, 'node_modules');
  const packages = JSON.parse(npm(['ls', '--all', '--json'], project, { tolerant: true }) || '{}');
  return { bytes: duBytes(nodeModules), packageCount: countPackages(packages), biggest: biggest(nodeModules) };
}

function countPackages(tree) {
  const seen = new Set();
  const walk = (deps) => {
    for (const [name, dep] of Object.entries(deps ?? {})) {
      const key = `${name}@${dep.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      walk(dep.dependencies);
    }
  };
  walk(tree.dependencies);
  return seen.size;
}

/** Packs our tarball into `dir`; returns its path and size. */
function packOurs(dir) {
  const before = new Map(STAGED.map((file) => [file, fs.existsSync(file) ? fs.readFileSync(file) : undefined]));
  try {
    npm(['run', 'prebuild'], REPO);
    const out = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], REPO);
    const packed = JSON.parse(out.slice(out.search(/^\[/m)));
    const tarball = path.join(dir, packed[0].filename);
    return { tarball, tarballBytes: fs.statSync(tarball).size, unpackedBytes: packed[0].unpackedSize, files: packed[0].files.length };
  } finally {
    for (const [file, content] of before) {
      if (content !== undefined) fs.writeFileSync(file, content);
      else fs.rmSync(file, { force: true });
    }
    const staged = path.join(REPO, 'prebuilds', PLATFORM_DIR);
    if (fs.existsSync(staged) && fs.readdirSync(staged).length === 0) fs.rmdirSync(staged);
  }
}

/** Measures both installs; `officialVersion` is the official SDK version to install. */
function measureFootprint(officialVersion) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-footprint-'));
  try {
    const packed = packOurs(work);
    const ours = install(emptyProject(work, 'ours'), [packed.tarball]);
    const official = install(emptyProject(work, 'official'), [`@temporalio/client@${officialVersion}`, `@temporalio/worker@${officialVersion}`]);
    return { ours: { ...ours, tarballBytes: packed.tarballBytes, tarballFiles: packed.files }, official };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { measureFootprint };
