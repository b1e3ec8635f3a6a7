// Performance targets as ratios against a floor measured in the same run, so they hold on any
// machine. Each case runs its floor and its subject alternately (paired, so load from other
// processes hits both alike), `runs` times each; the ratio is median(subject) / median(floor).
// Peak RSS is the subject's maximum resident set (GNU time's %M, the largest process it waited for).
//
//   npm run bench                  default sizes; writes bench/results.md
//   npm run bench -- --full        also the largest sizes (monorepo 1000 × 50 000, polyrepo 200)
//   npm run bench -- --smoke       the CI smoke set (small sizes, generous ratios only)
//   npm run bench -- <filter>      only cases whose name contains <filter>
//
// A case has a `target` (the goal, reported as met/missed) and a `limit` (generous, the only thing
// that fails the run: noise on a shared machine must not fail CI, a regression by a factor must).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES as ENGINE_CASES } from './engine.mjs';
import { CASES as PLAN_CASES } from './plan.mjs';
import { CASES as RUNS_CASES } from './runs.mjs';
import { CASES as REDEPLOY_CASES } from './redeploy.mjs';

// FERRY_BENCH_BIN: the CLI to measure (the test suite passes its private build snapshot).
const BIN = process.env.FERRY_BENCH_BIN ?? fileURLToPath(new URL('../bin/ferry.js', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url));
const TIME = '/usr/bin/time';

const args = process.argv.slice(2);
const full = args.includes('--full');
const smoke = args.includes('--smoke');
const only = args.find((a) => !a.startsWith('--'));
// --runs=N overrides every case's run count (a quick look; the table notes it).
const runsOverride = Number(args.find((a) => a.startsWith('--runs='))?.slice(7)) || null;
const size = full ? 'full' : smoke ? 'smoke' : 'default';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const rssFile = join(mkdtempSync(join(tmpdir(), 'ferry-bench-rss-')), 'rss');

/** Runs one command spec ({ cmd, args, cwd?, env? }); returns wall ms and peak RSS in KiB (or null). */
function runOnce(spec) {
  const withTime = existsSync(TIME);
  const argv = withTime ? ['-f', '%M', '-o', rssFile, spec.cmd, ...spec.args] : spec.args;
  const t = process.hrtime.bigint();
  const r = spawnSync(withTime ? TIME : spec.cmd, argv, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0)
    throw new Error(`${spec.cmd} ${spec.args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(-2000)}`);
  const rss = withTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : null;
  return { ms, rss };
}

const spec = (s) => (typeof s === 'function' ? s() : s);

const CASES = [
  {
    name: 'start-up: ferry --version vs node -e 0',
    why: 'commands are lazily imported chunks; start-up must stay close to node itself',
    runs: 9,
    sizes: ['smoke', 'default', 'full'],
    baseline: { cmd: 'node', args: ['-e', '0'] },
    subject: { cmd: 'node', args: [BIN, '--version'] },
    target: 1.5,
    limit: 2.5,
  },
  {
    name: 'start-up: ferry --help vs node -e 0',
    why: 'help text must not pull in pipeline code',
    runs: 9,
    sizes: ['default', 'full'],
    baseline: { cmd: 'node', args: ['-e', '0'] },
    subject: { cmd: 'node', args: [BIN, '--help'] },
    target: 2.5,
    limit: 4,
  },
  ...ENGINE_CASES(BIN),
  ...PLAN_CASES(BIN),
  ...RUNS_CASES(BIN),
  ...REDEPLOY_CASES(BIN),
];

const rows = [];
let failed = 0;
for (const c of CASES.filter((c) => c.sizes.includes(size) && (!only || c.name.includes(only)))) {
  await c.setup?.();
  const base = [];
  const subj = [];
  let rss = 0;
  try {
    for (let i = 0; i < (runsOverride ?? c.runs); i++) {
      base.push(runOnce(spec(c.baseline)).ms);
      const s = runOnce(spec(c.subject));
      subj.push(s.ms);
      rss = Math.max(rss, s.rss ?? 0);
    }
  } finally {
    await c.teardown?.();
  }
  const b = median(base);
  const s = median(subj);
  const ratio = s / b;
  const ok = ratio <= c.limit;
  if (!ok) failed++;
  const row = {
    name: c.name,
    subject: s,
    floor: b,
    ratio,
    target: c.target,
    limit: c.limit,
    rss,
    runs: runsOverride ?? c.runs,
  };
  rows.push(row);
  console.log(
    `${ok ? 'PASS' : 'FAIL'}  ${c.name}: ${s.toFixed(0)} ms vs ${b.toFixed(0)} ms = ${ratio.toFixed(2)}x ` +
      `(target ≤ ${c.target}x ${ratio <= c.target ? 'met' : 'MISSED'}, limit ≤ ${c.limit}x) peak RSS ${(rss / 1024).toFixed(0)} MB — ${c.why}`,
  );
}
rmSync(join(rssFile, '..'), { recursive: true, force: true });

/** results.md: this run's table above the marker; whatever is below it (history) is kept. */
function writeResults() {
  const MARK = '<!-- history: kept across runs, edit by hand -->';
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const history = old.includes(MARK) ? old.slice(old.indexOf(MARK) + MARK.length) : '\n';
  const head = [
    '# Benchmark results',
    '',
    `Latest \`npm run bench${size === 'default' ? '' : ` -- --${size}`}\` (written by bench/run.mjs): ${new Date().toISOString()}, ` +
      `node ${process.version}, load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (a shared machine: ratios are paired, so load hits floor and subject alike).`,
    '',
    table(rows),
    '',
    MARK,
  ];
  writeFileSync(RESULTS, head.join('\n') + history);
}

export function table(rs) {
  const lines = [
    '| case | ferry | floor | ratio | target | peak RSS | runs |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rs.map(
      (r) =>
        `| ${r.name} | ${(r.subject / 1000).toFixed(3)} s | ${(r.floor / 1000).toFixed(3)} s | ${r.ratio.toFixed(2)}× | ` +
        `≤ ${r.target}× ${r.ratio <= r.target ? '✓' : '✗'} | ${(r.rss / 1024).toFixed(0)} MB | ${r.runs} |`,
    ),
  ];
  return lines.join('\n');
}

// The table is written for a full-length default or --full run only (a smoke check or a filtered
// or shortened run is not a result to keep).
if (!only && !smoke && !runsOverride) writeResults();
console.log(failed ? `${failed} limit(s) exceeded` : 'all limits met');
process.exitCode = failed ? 1 : 0;
