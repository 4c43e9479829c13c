import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../support/run-process';

const root = path.resolve(__dirname, '../..');

// `npm test` runs every test, so the memory-checked run of the addon's contract tests is part of it
// (npm run test:native-memcheck runs the same script on its own).
describe('the native addon under AddressSanitizer', () => {
  it('passes the native contract tests with no AddressSanitizer report', async () => {
    const run = await runProcess('bash', [path.join(root, 'scripts/native-memcheck.sh')], {
      cwd: root,
      env: { ...process.env, TEMPORAL_MEMCHECK_DIR: path.join(root, 'build/memcheck') },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toContain('ERROR: AddressSanitizer');
    expect(output).toContain('native-memcheck: no AddressSanitizer reports; native tests passed');
    expect(run.status).toBe(0);
  }, 20 * 60_000);
});
