// Ends the run with a plain "N passed, N failed, N skipped" line: CI tooling
// that does not know Vitest's own summary reads that line.
import type { Reporter, RunnerTestFile } from 'vitest/node';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

function count(tasks: Task[], totals = { passed: 0, failed: 0, skipped: 0 }) {
  for (const task of tasks) {
    if (task.tasks) count(task.tasks, totals);
    if (task.type !== 'test') continue;
    if (task.result?.state === 'pass') totals.passed += 1;
    else if (task.result?.state === 'fail') totals.failed += 1;
    else totals.skipped += 1;
  }
  return totals;
}

export default class PlainSummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []) {
    const { passed, failed, skipped } = count(files as unknown as Task[]);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
