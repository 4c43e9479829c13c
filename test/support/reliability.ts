/**
 * The hardening suites (TLS, fuzzing, chaos, bounded memory) run in two lengths: a short one inside
 * `npm test`, and a long one under `npm run test:long` (TEMPORAL_TEST_LONG=1). Each suite picks its
 * sizes with `reliabilityScale`, and reports the figures it measured with `recordReliability`, which
 * prints them in the test log always and, in the long run only, merges them into
 * bench/results/reliability.json under the suite's own section so suites never overwrite each other.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RELIABILITY_FILE = path.join(__dirname, '..', '..', 'bench', 'results', 'reliability.json');

/** True under `npm run test:long`. */
export function isLongRun(): boolean {
  return process.env.TEMPORAL_TEST_LONG === '1';
}

/** Picks the short (npm test) or the long (npm run test:long) value of a size. */
export function reliabilityScale<T>(short: T, long: T): T {
  return isLongRun() ? long : short;
}

export type ReliabilityFigures = Record<string, string | number | boolean | null | string[] | number[]>;

/**
 * Prints `figures` as one line, and in a long run merges them into reliability.json as
 * `{ [section]: { ...figures, run: 'long', recordedAt } }`. Read-modify-write under a lock file,
 * because suites run in parallel forks.
 */
export function recordReliability(section: string, figures: ReliabilityFigures): void {
  console.log(`reliability ${section}: ${JSON.stringify(figures)}`);
  if (!isLongRun()) return;
  const lock = `${RELIABILITY_FILE}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    let all: Record<string, unknown> = {};
    if (fs.existsSync(RELIABILITY_FILE)) all = JSON.parse(fs.readFileSync(RELIABILITY_FILE, 'utf8')) as Record<string, unknown>;
    all[section] = { ...figures, run: 'long', recordedAt: new Date().toISOString() };
    fs.writeFileSync(RELIABILITY_FILE, `${JSON.stringify(all, null, 2)}\n`);
  } finally {
    fs.rmdirSync(lock);
  }
}
