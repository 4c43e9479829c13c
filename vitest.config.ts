import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The e2e suites that also run against the real Temporal server (the Temporal CLI's dev server, see
 * scripts/temporal-server.js and test/support/real-server.ts), in the `e2e-cli` project. The
 * `default` project runs every file against the server `TEMPORAL_TEST_SERVER` picks (default: our
 * embedded one). Run one project with `npx vitest run --project e2e-cli test/e2e/client`.
 */
const REAL_SERVER_SUITES = [
  'test/e2e/client/**/*.test.ts',
  'test/e2e/activities/activities.test.ts',
  'test/e2e/activities/worker-with-workflows.test.ts',
  'test/e2e/workflows/**/*.test.ts',
  'test/e2e/worker/**/*.test.ts',
  'test/replay/replay.test.ts',
  'test/examples/**/*.test.ts',
  'test/e2e/schedules/**/*.test.ts',
  'test/hardening/tls-real-server.test.ts',
];

/**
 * Suites that need what our dev server (lib/devserver) does not implement, or that exist only to
 * meet the real server, so they run only against it (`e2e-cli`) and are left out of `default` on
 * purpose, not skipped. test/e2e/schedules runs on both since lib/devserver serves schedules; the
 * TLS suite runs on our dev server's own TLS in `default` (test/hardening/tls.test.ts) and here
 * meets the real server behind a TLS-terminating proxy, as start-dev serves no TLS.
 */
const REAL_SERVER_ONLY_SUITES: string[] = [
  'test/hardening/tls-real-server.test.ts',
  // lib/devserver has no Nexus endpoints (OperatorService answers UNIMPLEMENTED).
  'test/e2e/client/nexus-endpoints.test.ts',
];

const script = require('./scripts/temporal-server.js') as { binaryPath(): string; findGo(): string | undefined; isExecutable(file: string): boolean };

/**
 * The real-server project runs whenever the CLI can be had: it is cached, or Go is there to build it.
 * In CI it always runs, so a machine that cannot get it fails the run instead of skipping.
 */
function realServerProject(): TestProjectInlineConfiguration[] {
  const available = script.isExecutable(script.binaryPath()) || script.findGo() !== undefined;
  if (!available && process.env.CI !== 'true') {
    console.warn(`vitest: no Go and no cached Temporal CLI (${script.binaryPath()}): the e2e-cli project (e2e suites against the real Temporal server) does not run`);
    return [];
  }
  return [
    {
      extends: true,
      test: {
        name: 'e2e-cli',
        include: REAL_SERVER_SUITES,
        env: { TEMPORAL_TEST_SERVER: 'cli' },
        globalSetup: ['./test/support/real-server-setup.ts'],
      },
    },
  ];
}

// One test command for everything. Forks (not threads) so a native crash or a SIGKILL test cannot
// take the runner down with it, and so each file gets a clean addon/env lifetime.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...REAL_SERVER_ONLY_SUITES] } },
      ...realServerProject(),
    ],
  },
});
