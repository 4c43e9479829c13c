import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testServerKind, type TestServer } from '../support/real-server';
import { runProcess, type ProcessResult } from '../support/run-process';

const root = path.resolve(__dirname, '../..');

type Run = ProcessResult;

/**
 * Exactly what a newcomer types. Without `address`, TEMPORAL_ADDRESS is unset so the example starts
 * its embedded server; with it (the real server under TEMPORAL_TEST_SERVER=cli), the example uses it.
 */
function npmStart(address?: string): Promise<Run> {
  const env = { ...process.env };
  delete env.TEMPORAL_ADDRESS;
  if (address) env.TEMPORAL_ADDRESS = address;
  return runProcess('npm', ['start', '--silent'], { cwd: root, env });
}

describe('npm start (the order-saga example)', () => {
  let run: Run;
  let server: TestServer | undefined;

  beforeAll(async () => {
    // The embedded run is the example as shipped; the cli run points it at the real server.
    if (testServerKind() === 'cli') server = await startTestServer('cli');
    run = await npmStart(server?.address);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('uses the server it was given', () => {
    expect(run.stdout).toMatch(server ? new RegExp(`dev server: ${server.address} \\(TEMPORAL_ADDRESS\\)`) : /dev server: 127\.0\.0\.1:\d+ \(embedded\)/);
  });

  it('ends by itself with exit code 0 and nothing on stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('prints a progress line for each of the ten orders', () => {
    const progress = run.stdout.split('\n').filter((line) => /^\[\s*\d+\/10\] order-\d\d /.test(line));
    expect(progress).toHaveLength(10);
  });

  it('reports six succeeded, three compensated and one cancelled order', () => {
    const summary = /succeeded: (\d+)\s+compensated: (\d+)\s+cancelled: (\d+)/.exec(run.stdout);
    expect(summary?.slice(1).map(Number)).toEqual([6, 3, 1]);
  });

  it('shows the order queried mid-flight and why each compensated order was undone', () => {
    expect(run.stdout).toMatch(/order-03\s+succeeded\s+queried mid-flight: stage=awaiting-shipment/);
    expect(run.stdout).toMatch(/order-05\s+compensated\s+.*card declined/);
    expect(run.stdout).toMatch(/order-06\s+compensated\s+.*out of stock/);
    expect(run.stdout).toMatch(/order-07\s+compensated\s+.*not shipped within/);
    expect(run.stdout).toMatch(/order-08\s+cancelled/);
  });

  it('refunds and releases exactly what the compensated and cancelled orders took', () => {
    expect(run.stdout).toMatch(/charges 8, refunds 2, releases 3/);
  });
});
