/**
 * The published package: `npm run prebuild` stages the addon, `npm pack` builds the tarball, and
 * an empty project installs it with install scripts disabled. The installed package must load the
 * prebuilt addon: there is no compiler run and no `build/` folder to fall back on.
 *
 * `npm pack` runs with `--ignore-scripts`: its `prepare` would recompile `dist/` while other test
 * files (run in parallel) load it. `npm test` compiles `dist/` first (`pretest`); a direct run of
 * this file compiles it only when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { runProcess } from '../support/run-process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '..', '..');
const PLATFORM_DIR = `${process.platform}-${process.arch}`;
const BUILT_ADDON = path.join(REPO, 'build', 'Release', 'temporal_native.node');
// The fake core stands in for the C bridge library so the native runtime can start; it lives in
// the repository's build folder, outside the installed package.
const FAKE_CORE = path.join(REPO, 'build', 'Release', 'libtemporalio_sdk_core_c_bridge.so');

async function npm(args: string[], cwd: string): Promise<string> {
  const result = await runProcess('npm', args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

const STAGED_ADDON = path.join(REPO, 'prebuilds', PLATFORM_DIR, 'temporal_native.node');

describe('the packed tarball', () => {
  let stagedBefore: Buffer | undefined;
  let work: string;
  let tarball: string;
  let tarballFiles: string[];
  let installed: string;

  beforeAll(async () => {
    // Not a skip: without the addon there is nothing to ship, and that must be visible.
    if (!fs.existsSync(BUILT_ADDON)) {
      throw new Error(`${BUILT_ADDON} is missing: build the addon (npm run build:addon) before the pack test`);
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-native-pack-'));

    // The addon loader prefers prebuilds/ over build/Release, so a staged copy left behind would
    // shadow every later rebuild in this checkout: remember what was there and put it back after.
    stagedBefore = fs.existsSync(STAGED_ADDON) ? fs.readFileSync(STAGED_ADDON) : undefined;
    await npm(['run', 'prebuild'], REPO);
    if (!fs.existsSync(path.join(REPO, 'dist', 'core', 'index.js'))) await npm(['run', 'compile'], REPO);
    // Lifecycle banners, if any, may precede the JSON on stdout.
    const packOutput = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO);
    const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, packed[0].filename);
    tarballFiles = packed[0].files.map((f) => f.path);

    const consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // Dependencies come from the npm cache when present (as after `npm ci`), else the registry.
    await npm(['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], consumer);
    installed = path.join(consumer, 'node_modules', 'temporal-native');
  }, 180_000);

  afterAll(() => {
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
    if (stagedBefore !== undefined) {
      fs.writeFileSync(STAGED_ADDON, stagedBefore);
    } else {
      fs.rmSync(STAGED_ADDON, { force: true });
      for (const dir of [path.dirname(STAGED_ADDON), path.join(REPO, 'prebuilds')]) {
        if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      }
    }
  });

  it('ships the prebuilt addon for this platform', () => {
    expect(tarballFiles).toContain(`prebuilds/${PLATFORM_DIR}/temporal_native.node`);
  });

  it('ships no build folder and no fake core', () => {
    expect(tarballFiles.filter((f) => f.startsWith('build/'))).toEqual([]);
    expect(tarballFiles.filter((f) => f.includes('libtemporalio_sdk_core_c_bridge'))).toEqual([]);
  });

  it('ships the compiled core layer', () => {
    expect(tarballFiles).toContain('dist/core/index.js');
  });

  it('installs without compiling: no build folder in the installed package', () => {
    expect(fs.existsSync(path.join(installed, 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  });

  it('loads the addon from the installed prebuilt folder when the native runtime starts', () => {
    if (!fs.existsSync(FAKE_CORE)) throw new Error(`${FAKE_CORE} is missing: build it with npm run build:addon`);
    // Record every addon Node loads, then start a native runtime through the installed package.
    const script = `
      const loaded = [];
      const dlopen = process.dlopen;
      process.dlopen = function (module, filename, ...rest) { loaded.push(filename); return dlopen.call(this, module, filename, ...rest); };
      const pkg = require('path').dirname(require.resolve('temporal-native/package.json'));
      const core = require(require('path').join(pkg, 'dist', 'core', 'index.js'));
      core.createRuntime({ backend: 'native', coreLibraryPath: ${JSON.stringify(FAKE_CORE)} })
        .then((runtime) => runtime.close())
        .then(() => console.log(JSON.stringify(loaded)), (err) => { console.error(err); process.exit(1); });
    `;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.dirname(path.dirname(installed)), encoding: 'utf8' });
    const loaded = JSON.parse(out.trim().split('\n').pop() as string) as string[];
    const addons = loaded.filter((f) => f.endsWith('temporal_native.node')).map((f) => fs.realpathSync(f));
    expect(addons).toEqual([fs.realpathSync(path.join(installed, 'prebuilds', PLATFORM_DIR, 'temporal_native.node'))]);
  });
});
