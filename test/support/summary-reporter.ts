import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest';

function collectTests(tasks: RunnerTask[], out: RunnerTask[]): RunnerTask[] {
  for (const task of tasks) {
    if (task.type === 'test') out.push(task);
    else if ('tasks' in task) collectTests(task.tasks, out);
  }
  return out;
}

/**
 * Ends the run with the plain `N passed, N failed, N skipped` line that CI reads, after vitest's own
 * summary. Unhandled errors count as failures: vitest fails the run for them too.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const tests = collectTests(files, []);
    const passed = tests.filter((t) => t.result?.state === 'pass').length;
    const failed = tests.filter((t) => t.result?.state === 'fail').length + errors.length;
    const skipped = tests.filter((t) => t.mode === 'skip' || t.mode === 'todo').length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
