/**
 * The published package is ours alone: `npm run prebuild` stages the addon and the real C bridge
 * library, `npm pack` builds the tarball, and an empty project installs it with install scripts
 * disabled, without `@temporalio/core-bridge` and without a compiler on PATH. The installed package
 * must then run a workflow with an activity to completion on the `native` backend against the
 * embedded dev server, loading the addon and the core library from inside itself.
 *
 * `npm pack` runs with `--ignore-scripts`: its `prepare` would recompile `dist/` while other test
 * files (run in parallel) load it. `npm test` compiles `dist/` first (`pretest`); a direct run of
 * this file compiles it only when it is missing.
 */
import { runProcess } from '../support/run-process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '..', '..');
const PLATFORM_DIR = `${process.platform}-${process.arch}`;
const LIB = 'libtemporalio_sdk_core_c_bridge.so';
const BUILT_ADDON = path.join(REPO, 'build', 'Release', 'temporal_native.node');
const DEV_CORE = path.join(REPO, 'prebuilds', 'core', PLATFORM_DIR, LIB);
const FAKE_CORE = path.join(REPO, 'test', 'fake-core', 'build', 'Release', LIB);
// What `npm run prebuild` writes into the checkout; put back as it was afterwards, because the addon
// loader prefers prebuilds/ over build/Release and a staged copy left behind would shadow rebuilds.
const STAGED = [
  path.join(REPO, 'prebuilds', PLATFORM_DIR, 'temporal_native.node'),
  path.join(REPO, 'prebuilds', PLATFORM_DIR, LIB),
];

/** Environment for child processes: none of the variables that would pick a library or an addon. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', ...extra };
  for (const name of ['TEMPORAL_CORE_LIBRARY', 'TEMPORAL_CORE_BACKEND', 'TEMPORAL_NATIVE_ADDON', 'TEMPORAL_NATIVE_BUILD_DIR', 'NODE_PATH']) {
    delete env[name];
  }
  return env;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const result = await runProcess('npm', args, { cwd, env: cleanEnv() });
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The consumer's program: a workflow with an activity on `native`, and what the process loaded. */
const CONSUMER_PROGRAM = `
const fs = require('fs');
const path = require('path');
const { Connection, Client, Worker } = require('temporal-native');
const { DevServer } = require('temporal-native/testing');
const pkg = path.dirname(require.resolve('temporal-native/package.json'));
const core = require(path.join(pkg, 'dist', 'core', 'index.js'));

function describeError(promise) {
  return promise.then(
    (runtime) => runtime.close().then(() => ({ started: runtime.backend })),
    (err) => ({ name: err.name, coreError: err instanceof core.CoreError, message: err.message }),
  );
}

(async () => {
  const report = { path: process.env.PATH };
  try { require.resolve('@temporalio/core-bridge'); report.coreBridge = 'installed'; } catch { report.coreBridge = 'absent'; }
  report.auto = await core.selectBackend();
  report.neon = await describeError(core.createRuntime({ backend: 'neon' }));
  report.autoWithoutLibrary = await describeError(core.createRuntime({ coreLibraryPath: path.join(__dirname, 'missing', 'lib.so') }));

  const server = await DevServer.start({ port: 0 });
  const connection = await Connection.connect({ address: server.address, backend: 'native' });
  const worker = await Worker.create({
    connection,
    taskQueue: 'pack',
    workflowsPath: require.resolve('./workflows'),
    activities: { async greet(name) { return 'hello ' + name + ' from pid ' + process.pid; } },
  });
  const client = new Client({ connection });
  report.result = await worker.runUntil(
    client.workflow.execute('greeting', { taskQueue: 'pack', workflowId: 'pack-1', args: ['tarball'] }),
  );
  report.loaded = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
    .map((line) => line.trim().split(/\\s+/)[5])
    .filter((file) => file && /temporal_native\\.node|temporalio_sdk_core_c_bridge|core-bridge/.test(file)))];
  await connection.close();
  await server.stop();
  console.log(JSON.stringify(report));
})().catch((err) => { console.error(err); process.exit(1); });
`;

const CONSUMER_WORKFLOWS = `
const { proxyActivities } = require('@temporalio/workflow');
const { greet } = proxyActivities({ startToCloseTimeout: '30s' });
exports.greeting = async function greeting(name) {
  return await greet(name);
};
`;

describe('the packed tarball', () => {
  const stagedBefore = new Map<string, Buffer | undefined>();
  let work: string;
  let tarballFiles: string[];
  let packedManifest: Record<string, unknown>;
  let consumer: string;
  let installed: string;
  /** A PATH holding node alone: no gcc, g++, cc, make, cargo, python or npm. */
  let bareBin: string;

  beforeAll(async () => {
    // Not a skip: without the addon and the real library there is nothing to ship.
    if (!fs.existsSync(BUILT_ADDON)) {
      throw new Error(`${BUILT_ADDON} is missing: build the addon (npm install) before the pack test`);
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-native-pack-'));
    for (const file of STAGED) stagedBefore.set(file, fs.existsSync(file) ? fs.readFileSync(file) : undefined);

    await npm(['run', 'prebuild'], REPO);
    if (!fs.existsSync(path.join(REPO, 'dist', 'core', 'index.js'))) await npm(['run', 'compile'], REPO);
    // Lifecycle banners, if any, may precede the JSON on stdout.
    const packOutput = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO);
    const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = path.join(work, packed[0].filename);
    tarballFiles = packed[0].files.map((f) => f.path);

    consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // Dependencies come from the npm cache when present (as after `npm ci`), else the registry.
    await npm(['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], consumer);
    installed = path.join(consumer, 'node_modules', 'temporal-native');
    packedManifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(consumer, 'run.js'), CONSUMER_PROGRAM);
    fs.writeFileSync(path.join(consumer, 'workflows.js'), CONSUMER_WORKFLOWS);

    bareBin = path.join(work, 'bin');
    fs.mkdirSync(bareBin);
    fs.symlinkSync(process.execPath, path.join(bareBin, 'node'));
  }, 300_000);

  afterAll(() => {
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
    for (const [file, before] of stagedBefore) {
      if (before !== undefined) fs.writeFileSync(file, before);
      else fs.rmSync(file, { force: true });
    }
    const dir = path.join(REPO, 'prebuilds', PLATFORM_DIR);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  });

  it('ships the prebuilt addon and the real C bridge library for this platform, and the C header', () => {
    expect(tarballFiles).toContain(`prebuilds/${PLATFORM_DIR}/temporal_native.node`);
    expect(tarballFiles).toContain(`prebuilds/${PLATFORM_DIR}/${LIB}`);
    expect(tarballFiles).toContain('native/include/temporal-sdk-core-c-bridge.h');
    // The staged library is build-core's (the Rust core), not the fake core.
    const staged = fs.readFileSync(path.join(installed, 'prebuilds', PLATFORM_DIR, LIB));
    expect(staged.equals(fs.readFileSync(DEV_CORE))).toBe(true);
    expect(staged.includes('RUST_BACKTRACE')).toBe(true);
    if (fs.existsSync(FAKE_CORE)) expect(staged.equals(fs.readFileSync(FAKE_CORE))).toBe(false);
  });

  it('ships no build folder, no tests (so no fake core), and no development core folder', () => {
    expect(tarballFiles.filter((f) => f.startsWith('build/'))).toEqual([]);
    expect(tarballFiles.filter((f) => f.startsWith('test/'))).toEqual([]);
    expect(tarballFiles.filter((f) => f.startsWith('prebuilds/core/'))).toEqual([]);
    expect(tarballFiles.filter((f) => f.includes('libtemporalio_sdk_core_c_bridge'))).toEqual([`prebuilds/${PLATFORM_DIR}/${LIB}`]);
  });

  it('ships the compiled core layer', () => {
    expect(tarballFiles).toContain('dist/core/index.js');
  });

  it('depends on @temporalio/core-bridge only as an optional peer', () => {
    expect(packedManifest.dependencies).not.toHaveProperty('@temporalio/core-bridge');
    expect(packedManifest.peerDependencies).toHaveProperty('@temporalio/core-bridge');
    expect(packedManifest.peerDependenciesMeta).toEqual({ '@temporalio/core-bridge': { optional: true } });
    expect(fs.existsSync(path.join(consumer, 'node_modules', '@temporalio', 'core-bridge'))).toBe(false);
  });

  it('installs without compiling: no build folder in the installed package', () => {
    expect(fs.existsSync(path.join(installed, 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  });

  it("the package's install hook, where scripts run, uses the prebuilds and compiles nothing", async () => {
    const result = await runProcess(path.join(bareBin, 'node'), [path.join(installed, 'scripts', 'install.js')], {
      cwd: installed,
      env: cleanEnv({ PATH: bareBin }),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(`temporal-native: using the prebuilt addon prebuilds/${PLATFORM_DIR}/temporal_native.node`);
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  });

  it('runs a workflow with an activity on native, from the library inside the installed package, without core-bridge or a compiler', async () => {
    const result = await runProcess(path.join(bareBin, 'node'), ['run.js'], { cwd: consumer, env: cleanEnv({ PATH: bareBin }) });
    if (result.status !== 0) throw new Error(`the consumer failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    const report = JSON.parse(result.stdout.trim().split('\n').pop() as string) as {
      path: string;
      coreBridge: string;
      auto: string;
      neon: { name?: string; coreError?: boolean; message?: string; started?: string };
      autoWithoutLibrary: { name?: string; coreError?: boolean; message?: string; started?: string };
      result: string;
      loaded: string[];
    };
    expect(report.path).toBe(bareBin);
    expect(report.coreBridge).toBe('absent');
    // auto finds the packaged library.
    expect(report.auto).toBe('native');
    // neon is a typed CoreError naming the missing optional peer.
    expect(report.neon).toMatchObject({ name: 'CoreError', coreError: true });
    expect(report.neon.message).toMatch(/^The neon backend needs @temporalio\/core-bridge, an optional peer dependency of temporal-native that is not installed; install it \(npm install @temporalio\/core-bridge@1\.24\.0\)/);
    // auto with neither backend says what each one lacks.
    expect(report.autoWithoutLibrary).toMatchObject({ name: 'CoreError', coreError: true });
    expect(report.autoWithoutLibrary.message).toMatch(/^No core backend can run here: the native backend found no libtemporalio_sdk_core_c_bridge .*@temporalio\/core-bridge, which is not installed/);

    expect(report.result).toMatch(/^hello tarball from pid \d+$/);
    // What the process mapped: our addon and the real core, both from inside the installed package,
    // and nothing of @temporalio/core-bridge.
    const real = (f: string) => fs.realpathSync(f);
    expect(report.loaded.map(real).sort()).toEqual(
      [path.join(installed, 'prebuilds', PLATFORM_DIR, 'temporal_native.node'), path.join(installed, 'prebuilds', PLATFORM_DIR, LIB)].map(real).sort(),
    );
  }, 120_000);

  // Last: it adds a build folder to the installed package.
  it('where no prebuilt addon fits, the install hook compiles the addon from the tarball alone (shipped header, no test/, no core-bridge)', async () => {
    expect(fs.existsSync(path.join(installed, 'test'))).toBe(false);
    const result = await runProcess(process.execPath, [path.join(installed, 'scripts', 'install.js')], {
      cwd: installed,
      env: cleanEnv({ TEMPORAL_NATIVE_FORCE_BUILD: '1' }),
    });
    if (result.status !== 0) throw new Error(`install.js failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    expect(result.stdout).toMatch(/^temporal-native: compiling the addon with node-gyp in \. \(Node headers: .*include\/node\)$/m);
    expect(result.stdout).not.toMatch(/fake core/);
    const built = path.join(installed, 'build', 'Release', 'temporal_native.node');
    expect(fs.existsSync(built)).toBe(true);
    // Compiled against the header inside the package (make's dependency file names every header).
    const deps = fs.readFileSync(path.join(installed, 'build', 'Release', '.deps', 'Release', 'obj.target', 'temporal_native', 'native', 'addon.o.d'), 'utf8');
    expect(deps).toContain(path.join(fs.realpathSync(installed), 'native', 'include', 'temporal-sdk-core-c-bridge.h'));
    expect(deps).not.toMatch(/core-bridge\/sdk-core/);
    // And the addon it built runs the real core from the package.
    const script = `
      const core = require(${JSON.stringify(path.join(installed, 'dist', 'core', 'index.js'))});
      core.createRuntime({ backend: 'native' }).then((r) => r.close()).then(() => console.log('ok'), (e) => { console.error(e); process.exit(1); });
    `;
    const run = await runProcess(process.execPath, ['-e', script], { cwd: consumer, env: cleanEnv({ TEMPORAL_NATIVE_ADDON: built }) });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ok');
  }, 300_000);
});
