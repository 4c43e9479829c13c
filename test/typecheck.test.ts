/**
 * The whole project type-checks (lib, tests, examples in tsconfig.test.json), so the type-level
 * assertions in tests (expectTypeOf) and the typed protocol boundaries are enforced by `npm test`,
 * not only by `npm run typecheck`.
 */
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { runProcess } from './support/run-process';

it('tsc -p tsconfig.test.json reports no errors', async () => {
  const root = path.join(__dirname, '..');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const run = await runProcess(process.execPath, [tsc, '-p', 'tsconfig.test.json', '--noEmit'], { cwd: root });
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
}, 300_000);
