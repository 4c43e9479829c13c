/**
 * The README's parity table against the code: every name the official client, worker, activity and
 * testing packages export is either exported by the matching entry point of ours or has a decision
 * (supported differently, or refused) with a reason; decisions follow the exports; and the table in
 * README.md is the one scripts/parity-table.js generates.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

type ExportKind = 'value' | 'type';

interface ParityRow {
  pkg: string;
  ours: string;
  name: string;
  kind: ExportKind | '';
  status: 'supported' | 'supported differently' | 'refused' | 'undecided' | 'stale';
  note: string;
  problem?: string;
}

/** What `node scripts/parity-table.js --json` prints: `report()` of the script. */
interface ParityReport {
  rows: ParityRow[];
  /** Official package → its exported names. */
  official: Record<string, Record<string, ExportKind>>;
  /** Official package → the exports of the entry point of ours that stands in for it. */
  ours: Record<string, Record<string, ExportKind>>;
  /** The table as `--write` writes it. */
  rendered: string;
  /** README.md between (and including) the parity markers; null without markers. */
  readme: string | null;
  /** What `--check` reports. */
  problems: string[];
}

const ROOT = path.join(__dirname, '..', '..');
const decisions = require('../../scripts/parity-decisions.js') as Record<string, { status: string; why: string }>;
const { PACKAGES } = require('../../scripts/parity-table.js') as { PACKAGES: { official: string; ours: string; source: string }[] };

let report: ParityReport;
let all: ParityRow[];

// The compiler reads every declaration of both sides: seconds of synchronous work, done in a child
// process so that this test process stays responsive on a loaded machine.
beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'parity-table.js'), '--json'], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  report = JSON.parse(stdout) as ParityReport;
  all = report.rows;
}, 240_000);

function ourKind(pkg: string, name: string): ExportKind | undefined {
  return report.ours[pkg]?.[name];
}

/** The rows of one status, as `package:name` keys (so a failure lists the names). */
function keysWith(status: ParityRow['status']): string[] {
  return all.filter((r) => r.status === status).map((r) => `${r.pkg}:${r.name}`);
}

describe('the parity table', () => {
  it('has one row for every name each official package exports', () => {
    expect(Object.keys(report.official).sort()).toEqual(PACKAGES.map((p) => p.official).sort());
    for (const { official: pkg } of PACKAGES) {
      const rowNames = all.filter((r) => r.pkg === pkg && r.status !== 'stale').map((r) => r.name).sort();
      expect(rowNames.length, pkg).toBeGreaterThan(0);
      expect(rowNames, pkg).toEqual(Object.keys(report.official[pkg]!).sort());
    }
  });

  it('leaves no official name undecided: each is exported by us or has a decision', () => {
    expect(keysWith('undecided')).toEqual([]);
  });

  it('gives a reason for every decision', () => {
    const withoutReason = Object.entries(decisions)
      .filter(([, d]) => typeof d.why !== 'string' || d.why.trim().length < 20)
      .map(([key]) => key);
    expect(withoutReason).toEqual([]);
  });

  it('uses only the statuses supported, differently and refused in decisions', () => {
    const unknown = Object.entries(decisions)
      .filter(([, d]) => !['supported', 'differently', 'refused'].includes(d.status))
      .map(([key]) => key);
    expect(unknown).toEqual([]);
  });

  it('has no stale decision: every decided name is still exported by an official package', () => {
    expect(keysWith('stale')).toEqual([]);
    const officialKeys = new Set(Object.entries(report.official).flatMap(([pkg, names]) => Object.keys(names).map((n) => `${pkg}:${n}`)));
    expect(Object.keys(decisions).filter((key) => !officialKeys.has(key))).toEqual([]);
  });

  it('refuses no name that we export', () => {
    const exportedButRefused = Object.entries(decisions)
      .filter(([, d]) => d.status === 'refused')
      .map(([key]) => key)
      .filter((key) => {
        const [pkg, name] = splitKey(key);
        return ourKind(pkg, name) !== undefined;
      });
    expect(exportedButRefused).toEqual([]);
  });

  it('says "supported differently" only of names we do not export under the official name and kind', () => {
    const exportedButDifferent = Object.entries(decisions)
      .filter(([, d]) => d.status === 'differently')
      .map(([key]) => key)
      .filter((key) => {
        const [pkg, name] = splitKey(key);
        const kind = ourKind(pkg, name);
        return kind !== undefined && (report.official[pkg]?.[name] === 'type' || kind === 'value');
      });
    expect(exportedButDifferent).toEqual([]);
  });

  it('marks a name supported only when we export it, as a value where the official one is a value', () => {
    const wrong = all
      .filter((r) => r.status === 'supported')
      .filter((r) => {
        const kind = ourKind(r.pkg, r.name);
        return kind === undefined || (r.kind === 'value' && kind !== 'value');
      })
      .map((r) => `${r.pkg}:${r.name}`);
    expect(wrong).toEqual([]);
  });

  it('never says "ignored": a name is supported, supported differently or refused', () => {
    const { rendered } = report;
    const statuses = new Set(all.map((r) => r.status));
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['refused', 'supported', 'supported differently']));
    expect([...statuses].filter((s) => !['supported', 'supported differently', 'refused'].includes(s))).toEqual([]);
    expect(rendered).not.toMatch(/\bignored\b/i);
  });

  it('is in README.md exactly as the generator writes it', () => {
    expect(report.readme, 'README.md has no parity markers').not.toBeNull();
    expect(report.readme).toBe(report.rendered);
  });

  it('passes --check with no problem', () => {
    expect(report.problems).toEqual([]);
  });
});

function splitKey(key: string): [pkg: string, name: string] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
