// What the release and the redeploy crash matrices share: a chain's outcome, the plan of kill points it
// still has to reach, the seeded PRNG of the random kills, and the judging of all chains (recorded in
// the harness summary line). Each pipeline's trial file builds its own world and runs its own chains.
import { expect } from 'vitest';
import { recordHarness } from './summary.js';

export interface ChainOutcome {
  /** kill -9s that happened. */
  kills: number;
  /** Points that killed a run, in order. */
  hit: string[];
  /** A resume that failed without being killed, and a plain resume after it failed too. */
  stuck: string[];
  /** What exists more than once (or the wrong thing exists), judged from the outside world. */
  duplicates: string[];
  /** Where the canary secret showed up. */
  canary: string[];
  /** Everything ferry printed. */
  output: string;
  durationMs: number;
}

export interface ChainPlan {
  /** Wrapper (and engine proxy) points `<step>|<kind>|<start|end>` still to reach. */
  commands: Set<string>;
  /** Engine points `BEFORE:<step>` / `AFTER:<step>` still to reach. */
  boundaries: Set<string>;
  /** Seeded random kills: kill -9 the process group after each of these delays (ms), one per run. */
  randomMs?: number[];
  delaySec?: number;
}

/** The day's seed, or FERRY_CRASH_SEED to replay a failing random trial. */
export function crashSeed(): number {
  return Number(process.env.FERRY_CRASH_SEED ?? Math.floor(Date.now() / 86_400_000));
}

/** mulberry32: a tiny seeded PRNG, so a failing random trial can be replayed with its seed. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Records the chains in the harness summary, prints `<label>: <trials> trials … / N duplicates / N stuck`
 * (with `detail` after the trial count), and fails on a stuck run, a duplicate, the canary, a stack trace,
 * more than two kill points never reached, or fewer trials than points.
 */
export function judgeChains(
  label: string,
  chains: readonly ChainOutcome[],
  plan: { commands: Set<string>; boundaries: Set<string>; points: number; detail?: string },
): void {
  const trials = chains.reduce((n, c) => n + c.kills, 0);
  const stuck = chains.flatMap((c) => c.stuck);
  const duplicates = chains.flatMap((c) => c.duplicates);
  const canary = chains.flatMap((c) => c.canary);
  const traces = chains.filter((c) => /\n\s+at .+:\d+:\d+\)?\n|this is a bug/.test(c.output)).length;
  recordHarness({
    crash: { trials, duplicates: duplicates.length, stuck: stuck.length, points: plan.points },
    canary: { hits: canary.length },
  });
  process.stdout.write(
    `${label}: ${trials} trials${plan.detail ? ` ${plan.detail}` : ''} over ${plan.points} kill points / ` +
      `${duplicates.length} duplicates / ${stuck.length} stuck\n`,
  );
  expect(stuck).toEqual([]);
  expect(duplicates).toEqual([]);
  expect(canary).toEqual([]);
  expect(traces).toBe(0);
  // A point only a first attempt runs (its resume takes the idempotent shortcut) can stay unreached
  // after all chains; they are printed, and at most two may be.
  const unreached = [...plan.commands, ...plan.boundaries];
  if (unreached.length) process.stdout.write(`kill points not reached: ${unreached.join(', ')}\n`);
  expect(unreached.length, unreached.join(', ')).toBeLessThanOrEqual(2);
  expect(trials).toBeGreaterThanOrEqual(plan.points);
}

/**
 * A stuck chain's report: the last kill point, the resume's error and fix lines (or its output's tail), and
 * the whole stderr of both failing resumes — the cause (git's `fatal: …`) is often not on the error line.
 */
export function stuckReport(
  lastHit: string | undefined,
  r: { exitCode?: number; all?: unknown; stderr?: unknown },
  firstStderr: string,
  lines: RegExp,
): string {
  const all = String(r.all ?? '');
  const why = all
    .split('\n')
    .filter((l) => lines.test(l))
    .join(' | ');
  return (
    `after ${lastHit ?? 'start'}: exit ${r.exitCode}: ${why || all.slice(-300)}\n` +
    `--- stderr of the first failing resume ---\n${firstStderr}\n` +
    `--- stderr of the plain resume after it ---\n${String(r.stderr ?? '')}`
  );
}
