/**
 * `npm run task-factory -- --demo`, exactly as a newcomer types it: on the embedded server, or
 * (e2e-cli) on the real server through TEMPORAL_ADDRESS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testServerKind, type TestServer } from '../support/real-server';
import { runProcess, type ProcessResult } from '../support/run-process';
import { ROOT } from './task-factory-service';

type Run = ProcessResult;

function npmDemo(address?: string): Promise<Run> {
  const env = { ...process.env };
  delete env.TEMPORAL_ADDRESS;
  if (address) env.TEMPORAL_ADDRESS = address;
  return runProcess('npm', ['run', 'task-factory', '--silent', '--', '--demo'], { cwd: ROOT, env });
}

/** The run log table's rows: definition, version, source, key, tasks, status, workflow id. */
function runLog(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('definition '));
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    rows.push(line.split(/\s{2,}/));
  }
  return rows;
}

describe('npm run task-factory -- --demo', () => {
  let run: Run;
  let server: TestServer | undefined;

  beforeAll(async () => {
    if (testServerKind() === 'cli') server = await startTestServer('cli');
    run = await npmDemo(server?.address);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('uses the server it was given', () => {
    expect(run.stdout).toMatch(server ? new RegExp(`temporal server: ${server.address} \\(TEMPORAL_ADDRESS\\)`) : /temporal server: 127\.0\.0\.1:\d+ \(embedded, in memory\)/);
  });

  it('ends by itself with exit code 0 and nothing on stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('refuses the bad definition and the bad event, naming the field', () => {
    expect(run.stdout).toContain('refused a bad definition: 400 on trigger.cron');
    expect(run.stdout).toContain('refused an event: 400 on payload.orderId');
  });

  it('starts one run per order and reports both duplicate events', () => {
    expect(run.stdout.match(/order\.placed A-100\d\s+-> started/g)).toHaveLength(3);
    expect(run.stdout.match(/order\.placed A-100\d\s+-> duplicate/g)).toHaveLength(2);
    expect(run.stdout).toContain('duplicate events refused: 2');
  });

  it('prints the run log: the orders, the scheduled digests and the five backfilled standups, all completed', () => {
    const rows = runLog(run.stdout);
    const of = (definition: string) => rows.filter((r) => r[0] === definition);
    expect(of('order-fulfilment').map((r) => r[3]).sort()).toEqual(['A-1001', 'A-1002', 'A-1003']);
    expect(of('heartbeat-digest').length).toBeGreaterThanOrEqual(2);
    expect(of('heartbeat-digest').every((r) => r[2] === 'schedule')).toBe(true);
    expect(of('weekday-standup').map((r) => r[2])).toEqual(['backfill', 'backfill', 'backfill', 'backfill', 'backfill']);
    expect(rows.every((r) => r[5] === 'completed')).toBe(true);
  });
});
