// The harness's one summary line: each harness test file records its figures here (one JSON line per
// record, in a file beside this test run's private build), and the summary reporter prints them as
// one line after vitest's own summary.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HarnessRecord {
  crash?: { trials: number; duplicates: number; stuck: number; points: number };
  faults?: { total: number; recovered: number };
  badInputs?: { cases: number; stackTraces: number; hangs: number; sideEffects: number; injections: number };
  canary?: { hits: number };
}

export function harnessFile(): string {
  const build = process.env.FERRY_TEST_BUILD_DIR;
  return build ? `${build}.harness.jsonl` : join(tmpdir(), 'ferry-harness.jsonl');
}

export function recordHarness(r: HarnessRecord): void {
  appendFileSync(harnessFile(), JSON.stringify(r) + '\n');
}

/** The line, or null when no harness test ran. */
export function harnessSummary(path = harnessFile()): string | null {
  if (!existsSync(path)) return null;
  const crash = { trials: 0, duplicates: 0, stuck: 0, points: 0 };
  const faults = { total: 0, recovered: 0 };
  const bad = { cases: 0, stackTraces: 0, hangs: 0, sideEffects: 0, injections: 0 };
  let canary = 0;
  let any = { crash: false, faults: false, bad: false };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as HarnessRecord;
    if (r.crash) {
      any = { ...any, crash: true };
      for (const k of Object.keys(crash) as (keyof typeof crash)[]) crash[k] += r.crash[k];
    }
    if (r.faults) {
      any = { ...any, faults: true };
      faults.total += r.faults.total;
      faults.recovered += r.faults.recovered;
    }
    if (r.badInputs) {
      any = { ...any, bad: true };
      for (const k of Object.keys(bad) as (keyof typeof bad)[]) bad[k] += r.badInputs[k];
    }
    if (r.canary) canary += r.canary.hits;
  }
  const parts = [
    any.crash
      ? `crash ${crash.trials} trials (${crash.points} kill points) / ${crash.duplicates} duplicates / ${crash.stuck} stuck`
      : 'crash: not run',
    any.faults ? `faults ${faults.recovered}/${faults.total} recovered` : 'faults: not run',
    any.bad
      ? `bad inputs ${bad.cases} / ${bad.stackTraces} stack traces / ${bad.hangs} hangs / ${bad.sideEffects} side effects / ${bad.injections} injections`
      : 'bad inputs: not run',
    canary ? `canary FOUND ${canary}x` : 'canary found nowhere',
  ];
  return `harness: ${parts.join('; ')}`;
}
