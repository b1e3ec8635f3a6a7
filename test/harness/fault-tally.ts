// Counts a faults file's faults for the harness summary line: every fault declared is in `total`, one
// counts as recovered only when its test ran to its last assertion (the fault hit with its documented
// code, then the documented fix completed the run exactly once). A fault that cannot run here (no
// mount) is in the total, not recovered, and says why.
import { afterAll, it } from 'vitest';
import { recordHarness } from './summary.js';

export interface FaultTally {
  /** One fault: a test that counts as recovered when `body` resolves. */
  fault(name: string, body: () => Promise<void>, timeoutMs?: number): void;
  /** A fault this machine cannot inject: counted, not recovered, the reason printed. */
  cannot(name: string, reason: string): void;
}

export function faultTally(file: string): FaultTally {
  // Only faults whose test started count (a `-t` filter leaves the others out); the ones this machine
  // cannot inject count as not recovered.
  const all: string[] = [];
  const recovered = new Set<string>();
  const skipped: string[] = [];
  afterAll(() => {
    if (!all.length) return;
    recordHarness({ faults: { total: all.length, recovered: recovered.size } });
    const missing = all.filter((n) => !recovered.has(n));
    process.stdout.write(
      `faults (${file}): ${recovered.size}/${all.length} recovered${missing.length ? `; not recovered: ${missing.join(', ')}` : ''}\n`,
    );
    for (const s of skipped) process.stdout.write(`faults (${file}): ${s}\n`);
  });
  return {
    fault(name, body, timeoutMs = 120_000) {
      it(name, { timeout: timeoutMs }, async () => {
        all.push(name);
        await body();
        recovered.add(name);
      });
    },
    cannot(name, reason) {
      all.push(name);
      skipped.push(`${name}: NOT RUN — ${reason}`);
      it.skip(`${name} (not run: ${reason})`, () => {});
    },
  };
}
