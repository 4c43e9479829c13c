import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest';

/**
 * Files and suites that failed on their own (an error in beforeAll/afterAll, an import that throws):
 * their tests are reported as skipped, so without these the run would look green.
 */
function countOwnFailures(tasks: RunnerTask[]): number {
  let count = 0;
  for (const task of tasks) {
    if (task.type === 'test') continue;
    if (task.result?.state === 'fail' && (task.result.errors?.length ?? 0) > 0) count++;
    if ('tasks' in task) count += countOwnFailures(task.tasks);
  }
  return count;
}

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
    const failed = tests.filter((t) => t.result?.state === 'fail').length + countOwnFailures(files) + errors.length;
    const skipped = tests.filter((t) => t.mode === 'skip' || t.mode === 'todo').length;
    // With more than one vitest project (e2e suites against the real server too), one line each first.
    const projects = [...new Set(files.map((f) => f.projectName ?? ''))];
    const perProject =
      projects.length > 1
        ? projects.map((name) => {
            const ownFiles = files.filter((f) => (f.projectName ?? '') === name);
            const own = collectTests(ownFiles, []);
            const count = (state: string) => own.filter((t) => t.result?.state === state).length;
            const skips = own.filter((t) => t.mode === 'skip' || t.mode === 'todo').length;
            return `  ${name || '(default)'}: ${count('pass')} passed, ${count('fail') + countOwnFailures(ownFiles)} failed, ${skips} skipped\n`;
          })
        : [];
    process.stdout.write(`\n${perProject.join('')}${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
