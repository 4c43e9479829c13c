'use strict';
// The markdown table of a results file, as `npm run bench` prints it and the README shows it.
//   node bench/report.js [bench/results/latest.json]
const fs = require('node:fs');
const path = require('node:path');

const fmt = (n) => (n == null ? '—' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

/** The goal as written in the table: `≤ 0.5x` for a ratio, `≥ 300 workflows/s` for an absolute goal. */
function goalText(f) {
  if (f.goal == null) return '—';
  return `${f.lowerIsBetter ? '≤' : '≥'} ${f.goal}${f.goalApplies === 'ours' ? ` ${f.unit}` : 'x'}`;
}

function markdown(report) {
  const lines = [
    `Node ${report.node}, ${report.cpus} CPUs, ${report.date}; our SDK on ${report.core.backend} (${report.core.library.path}, core-bridge ${report.core.coreBridgeVersion}); load average at start ${report.machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}`,
    '',
    '| figure | unit | ours | theirs | against | ratio | goal | met |',
    '| --- | --- | ---: | ---: | --- | ---: | --- | --- |',
  ];
  for (const f of report.figures) {
    const met = f.met == null ? '—' : f.met ? 'yes' : 'no';
    lines.push(`| ${f.name} | ${f.unit} | ${fmt(f.ours)} | ${fmt(f.theirs)} | ${f.against ?? '—'} | ${f.ratio == null ? '—' : `${f.ratio.toFixed(2)}x`} | ${goalText(f)} | ${met} |`);
  }
  // Figures merged in from a later run of some suites (`--merge`) say when they were measured.
  const runs = new Map();
  for (const f of report.figures) if (f.run) runs.set(f.run.date, f.run);
  for (const run of runs.values()) {
    lines.push('', `- ${run.suites.join(', ')}: measured separately on ${run.date}, load average at start ${run.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${run.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')}`);
  }
  const failures = report.figures.filter((f) => f.oursError || f.theirsError || f.error);
  for (const f of failures) lines.push('', `- ${f.name}: ${[f.error, f.oursError && `ours: ${f.oursError}`, f.theirsError && `theirs: ${f.theirsError}`].filter(Boolean).join('; ')}`);
  return lines.join('\n');
}

module.exports = { markdown };

if (require.main === module) {
  const file = process.argv[2] ?? path.join(__dirname, 'results', 'latest.json');
  process.stdout.write(`${markdown(JSON.parse(fs.readFileSync(file, 'utf8')))}\n`);
}
