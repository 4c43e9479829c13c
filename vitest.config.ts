import { defineConfig } from 'vitest/config';

// One test command for everything. Forks (not threads) so a native crash or a SIGKILL test cannot
// take the runner down with it, and so each file gets a clean addon/env lifetime.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
