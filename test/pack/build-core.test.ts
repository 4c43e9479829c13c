/**
 * `scripts/build-core` on a machine without crates.io: it must stop at once, non-zero, with one
 * sentence that says why and what to do, instead of a wall of cargo errors.
 */
import { spawnSync } from 'node:child_process';
import * as https from 'node:https';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '..', '..');

/** Whether the crates registry answers from here (then the script would really build). */
function registryReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get('https://index.crates.io/config.json', { timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

describe('scripts/build-core without access to crates.io', () => {
  it('exits non-zero with one sentence naming the registry and what to do instead', async (ctx) => {
    // Where crates.io answers, the script would start a real (long) build: not this test's case.
    if (await registryReachable()) ctx.skip();
    const result = spawnSync('bash', [path.join(REPO, 'scripts', 'build-core')], { cwd: REPO, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const [sentence] = lines;
    // Either cargo itself is missing, or cargo is there and the registry is not.
    expect(sentence).toMatch(/^build-core: (cannot reach the crates registry|cargo is not installed)/);
    expect(sentence).toMatch(/TEMPORAL_CORE_LIBRARY/);
    expect(sentence.match(/\.\s/g) ?? []).toHaveLength(0);
    expect(sentence.endsWith('.')).toBe(true);
  });
});
