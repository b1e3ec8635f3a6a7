// Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own
// summary: CI tooling that reads a run's last lines recognises this form in any language.
import { rmSync } from 'node:fs';
import type { Reporter } from 'vitest/reporters';
import { harnessFile, harnessSummary } from './harness/summary.js';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

function count(tasks: readonly Task[], into: { passed: number; failed: number; skipped: number }): void {
  for (const t of tasks) {
    if (t.tasks) count(t.tasks, into);
    if (t.type !== 'test') continue;
    const state = t.result?.state;
    if (state === 'pass') into.passed++;
    else if (state === 'fail') into.failed++;
    else into.skipped++;
  }
}

export default class SummaryReporter implements Reporter {
  onInit(): void {
    rmSync(harnessFile(), { force: true });
  }

  onFinished(files: readonly Task[] = [], errors: readonly unknown[] = []): void {
    const n = { passed: 0, failed: 0, skipped: 0 };
    count(files, n);
    // A file that failed to load has no tests to count: it is a failure all the same.
    const broken = files.filter((f) => f.result?.state === 'fail' && !(f.tasks ?? []).length).length + errors.length;
    // The reliability harness (crash matrix, faults, bad inputs, canary) in one line, when it ran.
    const harness = harnessSummary();
    rmSync(harnessFile(), { force: true });
    if (harness) process.stdout.write(`\n${harness}\n`);
    process.stdout.write(`\ntests: ${n.passed} passed, ${n.failed + broken} failed, ${n.skipped} skipped\n`);
  }
}
