// Performance targets as ratios against a baseline measured in the same run, so they hold on any
// machine. Each case: { name, baseline(), subject(), maxRatio }. Exits 1 if a target is missed.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CASES as ENGINE_CASES } from './engine.mjs';
import { CASES as PLAN_CASES } from './release-plan.mjs';

const BIN = fileURLToPath(new URL('../bin/ferry.js', import.meta.url));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn, runs) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(out);
}

const CASES = [
  {
    name: 'start-up: ferry --version vs bare node',
    why: 'commands are lazily imported chunks; start-up must stay close to node itself',
    runs: 9,
    baseline: () => execFileSync('node', ['-e', '0']),
    subject: () => execFileSync('node', [BIN, '--version']),
    maxRatio: 2.5,
  },
  {
    name: 'start-up: ferry --help vs bare node',
    why: 'help text must not pull in pipeline code',
    runs: 9,
    baseline: () => execFileSync('node', ['-e', '0']),
    subject: () => execFileSync('node', [BIN, '--help']),
    maxRatio: 2.5,
  },
  ...ENGINE_CASES(BIN),
  ...PLAN_CASES(BIN),
];

let failed = 0;
const only = process.argv[2];
for (const c of CASES.filter((c) => !only || c.name.includes(only))) {
  await c.setup?.();
  const base = await time(c.baseline, c.runs);
  const subj = await time(c.subject, c.runs);
  await c.teardown?.();
  const ratio = subj / base;
  const ok = ratio <= c.maxRatio;
  if (!ok) failed++;
  console.log(
    `${ok ? 'PASS' : 'FAIL'}  ${c.name}: ${subj.toFixed(1)} ms vs ${base.toFixed(1)} ms = ${ratio.toFixed(2)}x (target ≤ ${c.maxRatio}x)  — ${c.why}`,
  );
}
console.log(failed ? `${failed} target(s) missed` : 'all targets met');
process.exitCode = failed ? 1 : 0;
