/**
 * `scripts/build-core`: the C bridge library is cached outside the clone, keyed by the core-bridge
 * version and a hash of our Cargo.lock and the core patches, so a second clone reuses it in seconds
 * (without cargo); a miss checks every prerequisite first and stops with one sentence naming the
 * missing piece. Nothing here starts a real (cold, ~10 minute) build: each case runs the script in
 * a throwaway "clone" (the script, the lock, the patches, package.json, and this checkout's
 * node_modules) against a temporary cache (TEMPORAL_NATIVE_CACHE).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type ProcessResult } from '../support/run-process';

const REPO = path.resolve(__dirname, '..', '..');
const PLATFORM_DIR = `${process.platform}-${process.arch}`;
const LIB = 'libtemporalio_sdk_core_c_bridge.so';
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
  .devDependencies['@temporalio/core-bridge'];

let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-native-build-core-'));
});

afterAll(() => {
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

let counter = 0;
function tempDir(name: string): string {
  const dir = path.join(scratch, `${name}-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A second clone on this machine, as far as build-core can tell (optionally with its lock edited). */
function makeClone(lockSuffix = '', editLock: (lock: string) => string = (lock) => lock): string {
  const clone = tempDir('clone');
  for (const rel of ['scripts/build-core', 'package.json', 'third_party/core/Cargo.lock']) {
    fs.mkdirSync(path.dirname(path.join(clone, rel)), { recursive: true });
    fs.copyFileSync(path.join(REPO, rel), path.join(clone, rel));
  }
  const lock = path.join(clone, 'third_party/core/Cargo.lock');
  fs.writeFileSync(lock, editLock(fs.readFileSync(lock, 'utf8')) + lockSuffix);
  fs.cpSync(path.join(REPO, 'third_party', 'core-patches'), path.join(clone, 'third_party', 'core-patches'), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(clone, 'node_modules'));
  return clone;
}

/** A PATH directory with every command of /usr/bin (and node) except the ones named. */
function pathWithout(excluded: string[]): string {
  const bin = tempDir('bin');
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', path.dirname(process.execPath)]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (excluded.includes(name) || fs.existsSync(path.join(bin, name))) continue;
      fs.symlinkSync(path.join(dir, name), path.join(bin, name));
    }
  }
  return bin;
}

function cargoDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && fs.existsSync(path.join(dir, 'cargo'))) return dir;
  }
  const home = path.join(os.homedir(), '.cargo', 'bin');
  return fs.existsSync(path.join(home, 'cargo')) ? home : undefined;
}

function buildCore(clone: string, env: Record<string, string | undefined>, args: string[] = []): Promise<ProcessResult> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete merged.TEMPORAL_CORE_LIBRARY;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return runProcess('bash', [path.join(clone, 'scripts', 'build-core'), ...args], { cwd: clone, env: merged });
}

/** The one sentence a failure ends with: the last stderr line, a single sentence ending in a period. */
function lastSentence(result: ProcessResult): string {
  const lines = result.stderr.trim().split('\n');
  const sentence = lines[lines.length - 1];
  expect(sentence).toMatch(/^build-core: /);
  expect(sentence.endsWith('.')).toBe(true);
  expect(sentence.match(/\.\s/g) ?? []).toHaveLength(0);
  return sentence;
}

describe('scripts/build-core cache', () => {
  it('keys the cache entry by the core-bridge version and the lock', async () => {
    const cache = tempDir('cache');
    const a = await buildCore(makeClone(), { TEMPORAL_NATIVE_CACHE: cache }, ['--print-cache-entry']);
    const b = await buildCore(makeClone(), { TEMPORAL_NATIVE_CACHE: cache }, ['--print-cache-entry']);
    const changed = await buildCore(makeClone('\n# another lock\n'), { TEMPORAL_NATIVE_CACHE: cache }, ['--print-cache-entry']);
    expect(a.status).toBe(0);
    const entry = a.stdout.trim();
    expect(entry).toMatch(new RegExp(`^${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/core/${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{12}$`));
    expect(b.stdout.trim()).toBe(entry);
    expect(changed.stdout.trim()).not.toBe(entry);
    // Outside the clone: the default root is XDG_CACHE_HOME/temporal-native.
    const xdg = await buildCore(makeClone(), { TEMPORAL_NATIVE_CACHE: undefined, XDG_CACHE_HOME: cache }, ['--print-cache-entry']);
    expect(xdg.stdout.trim()).toBe(path.join(cache, 'temporal-native', 'core', path.basename(entry)));
  });

  it('a second clone reuses the cached library without cargo (a copy), then finds it up to date', async () => {
    const cache = tempDir('cache');
    const clone = makeClone();
    const noCargo = { TEMPORAL_NATIVE_CACHE: cache, PATH: pathWithout(['cargo', 'rustc', 'rustup']) };
    const entry = (await buildCore(clone, noCargo, ['--print-cache-entry'])).stdout.trim();
    const library = Buffer.alloc(3 * 1024 * 1024, 7);
    fs.mkdirSync(entry, { recursive: true });
    fs.writeFileSync(path.join(entry, LIB), library);

    const hit = await buildCore(clone, noCargo);
    expect(hit.stdout).toBe('');
    expect(hit.status).toBe(0);
    expect(hit.stderr).toMatch(new RegExp(`^build-core: reused the cached build .*: installed prebuilds/core/${PLATFORM_DIR}/${LIB} in [\\d.]+s, 3\\.0 MB \\(3145728 bytes\\)\\.\\n$`));
    const installed = path.join(clone, 'prebuilds', 'core', PLATFORM_DIR, LIB);
    expect(fs.readFileSync(installed).equals(library)).toBe(true);
    expect(fs.readFileSync(path.join(clone, 'prebuilds', 'core', PLATFORM_DIR, 'BUILD_KEY'), 'utf8').trim()).toBe(path.basename(entry));

    const again = await buildCore(clone, noCargo);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/is up to date \(core .*, 3\.0 MB \(3145728 bytes\)\)\.\n$/);
  });

  it("reuses this machine's real cached build, when there is one, by copying it", async (ctx) => {
    const clone = makeClone();
    const env = { TEMPORAL_NATIVE_CACHE: process.env.TEMPORAL_NATIVE_CACHE };
    const entry = (await buildCore(clone, env, ['--print-cache-entry'])).stdout.trim();
    // A machine that never built the core has nothing to reuse (npm install builds it where cargo exists).
    if (!fs.existsSync(path.join(entry, LIB))) ctx.skip();
    const hit = await buildCore(clone, env);
    expect(hit.status).toBe(0);
    // A hit copies the cached library: no cargo run (the time it took is in the message, not asserted).
    expect(hit.stderr).toMatch(/reused the cached build/);
    const installed = fs.readFileSync(path.join(clone, 'prebuilds', 'core', PLATFORM_DIR, LIB));
    expect(installed.equals(fs.readFileSync(path.join(entry, LIB)))).toBe(true);
    expect(installed.includes('RUST_BACKTRACE')).toBe(true);
  });
});

describe('scripts/build-core on a miss, before building', () => {
  it('without cargo: exit 2 and one sentence naming cargo, the fallback and TEMPORAL_CORE_LIBRARY', async () => {
    const result = await buildCore(makeClone(), { TEMPORAL_NATIVE_CACHE: tempDir('cache'), PATH: pathWithout(['cargo', 'rustc', 'rustup']) });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const sentence = lastSentence(result);
    expect(sentence).toMatch(/^build-core: cargo is not installed, so libtemporalio_sdk_core_c_bridge cannot be built here and the SDK falls back to the neon backend;/);
    expect(sentence).toMatch(/TEMPORAL_CORE_LIBRARY/);
  });

  it('without protoc (none on PATH, PROTOC unset, no apt-get): exit 4 and one sentence naming protoc', async (ctx) => {
    const cargo = cargoDir();
    if (cargo === undefined) ctx.skip();
    const bin = pathWithout(['protoc', 'apt-get']);
    const result = await buildCore(makeClone(), { TEMPORAL_NATIVE_CACHE: tempDir('cache'), PROTOC: undefined, PATH: `${bin}:${cargo}` });
    expect(result.status).toBe(4);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(lastSentence(result)).toMatch(/^build-core: protoc \(the Protocol Buffers compiler\) is missing; install Debian's protobuf-compiler/);
  });

  it("without protoc, as root with apt-get: installs Debian's protobuf-compiler, then goes on", async (ctx) => {
    const cargo = cargoDir();
    if (cargo === undefined || process.getuid?.() !== 0) ctx.skip();
    const bin = pathWithout(['protoc', 'apt-get']);
    // An apt-get that records its arguments and "installs" protoc by linking the real one into PATH.
    const calls = path.join(tempDir('apt'), 'calls');
    fs.writeFileSync(
      path.join(bin, 'apt-get'),
      `#!/bin/sh\necho "$*" >> ${calls}\n[ "$1" = install ] && ln -s /usr/bin/protoc ${bin}/protoc\nexit 0\n`,
      { mode: 0o755 },
    );
    const result = await buildCore(makeClone(), {
      TEMPORAL_NATIVE_CACHE: tempDir('cache'),
      PROTOC: undefined,
      PATH: `${bin}:${cargo}`,
      // Stop at the next check, before any build.
      TEMPORAL_NATIVE_CORE_MIN_FREE_MB: String(1024 ** 3),
    });
    expect(fs.readFileSync(calls, 'utf8')).toBe('install -y protobuf-compiler\n');
    expect(result.stderr).toMatch(/^build-core: protoc is missing: installing Debian's protobuf-compiler with apt-get \(log: .*\)\n/);
    expect(result.status).toBe(5);
    expect(lastSentence(result)).toMatch(/^build-core: the disk holding /);
  });

  it('with PROTOC naming no executable: exit 4 and one sentence naming protoc', async (ctx) => {
    if (cargoDir() === undefined) ctx.skip();
    const result = await buildCore(makeClone(), { TEMPORAL_NATIVE_CACHE: tempDir('cache'), PROTOC: '/nonexistent/protoc', PATH: `${process.env.PATH}:${cargoDir()}` });
    expect(result.status).toBe(4);
    expect(lastSentence(result)).toMatch(/^build-core: PROTOC is set to \/nonexistent\/protoc, which is not an executable protoc;/);
  });

  it('without enough free disk: exit 5 and one sentence naming the disk', async (ctx) => {
    if (cargoDir() === undefined) ctx.skip();
    const result = await buildCore(makeClone(), {
      TEMPORAL_NATIVE_CACHE: tempDir('cache'),
      TEMPORAL_NATIVE_CORE_MIN_FREE_MB: String(1024 ** 3),
      PATH: `${process.env.PATH}:${cargoDir()}`,
    });
    expect(result.status).toBe(5);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(lastSentence(result)).toMatch(/^build-core: the disk holding .* has \d+ MB free and a core build needs about 1073741824 MB;/);
  });

  it('with a lock that does not cover the core: one sentence naming the lock (cargo --locked, offline)', async (ctx) => {
    if (cargoDir() === undefined) ctx.skip();
    // Drop one crate (xz2) from the lock: cargo would have to add it back, which --locked forbids.
    const dropXz2 = (lock: string) => {
      const edited = lock
        .split('\n[[package]]\n')
        .filter((block) => !block.startsWith('name = "xz2"'))
        .join('\n[[package]]\n');
      // Unchanged, the lock would be valid and this case would start a real build.
      if (edited === lock) throw new Error('xz2 is no longer in third_party/core/Cargo.lock: pick another crate to drop');
      return edited;
    };
    const result = await buildCore(makeClone('', dropXz2), {
      TEMPORAL_NATIVE_CACHE: tempDir('cache'),
      PATH: `${process.env.PATH}:${cargoDir()}`,
      CARGO_NET_OFFLINE: 'true',
    });
    expect(result.status).toBe(1);
    expect(lastSentence(result)).toMatch(/^build-core: third_party\/core\/Cargo\.lock does not match the core of @temporalio\/core-bridge /);
  }, 120_000);

  it('without the crates registry: exit 3 and one sentence naming crates.io', async (ctx) => {
    if (cargoDir() === undefined) ctx.skip();
    const cache = tempDir('cache');
    const result = await buildCore(makeClone(), {
      TEMPORAL_NATIVE_CACHE: cache,
      PATH: `${process.env.PATH}:${cargoDir()}`,
      // An empty cargo home (nothing downloaded yet) behind a proxy that refuses every connection.
      CARGO_HOME: tempDir('cargo-home'),
      RUSTUP_HOME: process.env.RUSTUP_HOME ?? path.join(os.homedir(), '.rustup'),
      CARGO_HTTP_PROXY: 'http://127.0.0.1:9',
      CARGO_NET_RETRY: '0',
      CARGO_HTTP_TIMEOUT: '5',
    });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    const sentence = lastSentence(result);
    expect(sentence).toMatch(/^build-core: cannot reach the crates registry \(crates\.io\), so libtemporalio_sdk_core_c_bridge cannot be built on this machine/);
    expect(sentence).toMatch(/TEMPORAL_CORE_LIBRARY/);
    // It got as far as the patched source, kept in the cache for the next attempt.
    expect(fs.readFileSync(path.join(cache, 'core', 'src', '.temporal-native-source'), 'utf8')).toMatch(new RegExp(`^${VERSION.replace(/\./g, '\\.')} [0-9a-f]{12}\\n$`));
    expect(fs.readFileSync(path.join(cache, 'core', 'src', 'crates', 'sdk-core-c-bridge', 'src', 'lib.rs'), 'utf8')).toMatch(/temporal_native_core_patches/);
  }, 120_000);
});
