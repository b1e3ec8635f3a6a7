// The benchmark's smoke set in the suite: small sizes, each case paired with its floor in the same
// run and judged by a generous ratio limit, so a regression by a factor (a scan per package again,
// a heavy import on start-up) fails here, while load on a shared machine does not.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { FERRY_BIN } from '../helpers/ferry.js';

const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

describe('npm run bench -- --smoke', () => {
  it('every smoke case stays within its limit against the floor measured beside it', { timeout: 600_000 }, async () => {
    const r = await execa('node', [RUN, '--smoke'], {
      env: { FERRY_BENCH_BIN: FERRY_BIN },
      reject: false,
      timeout: 590_000,
    });
    const lines = String(r.stdout).split('\n');
    const cases = lines.filter((l) => /^(PASS|FAIL) {2}/.test(l));
    // start-up, two release plans, runs list: every one measured and reported.
    expect(cases.map((l) => l.replace(/^(PASS|FAIL) {2}([^:]+):.*/, '$2'))).toEqual([
      'start-up',
      'release plan',
      'release plan',
      'runs list',
    ]);
    expect(
      cases.filter((l) => l.startsWith('FAIL')),
      String(r.stdout) + String(r.stderr),
    ).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toMatch(/all limits met\s*$/);
  });
});
