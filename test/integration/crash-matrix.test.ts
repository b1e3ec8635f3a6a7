// Crash matrix (issue 14): a real release (bare remotes, testkit PyPI, real build and twine) killed with
// kill -9 at every step boundary and inside every external command each step runs, at its start and
// at its end (read-only commands at their start), then resumed with the plain resume command until it
// completes. The kill points are listed from an uninterrupted run of the pipeline itself, so a new step
// or command is covered without editing this file. Then ≥ 10 seeded random kills. Judged from outside:
// one release commit and one tag per repo, one upload per file, state parses, the user's clone clean.
//
// Replay: FERRY_CRASH_SEED=<n> repeats a CI run's random kills. FERRY_CRASH_ONLY=<substring> keeps only
// the kill points containing it (e.g. `alpha/WORKTREE` or `git worktree add|start`), runs their chains
// FERRY_CRASH_REPEAT times (default 1) and skips the random chains and the coverage counts; a stuck run
// prints the whole stderr of its failing resumes:
//   npm run build && FERRY_CRASH_ONLY='alpha/WORKTREE' FERRY_CRASH_REPEAT=5 npx vitest run test/integration/crash-matrix.test.ts
import { describe, expect, it } from 'vitest';
import { crashChain, recordKillPoints, type ChainOutcome } from '../harness/release-trial.js';
import { readOnlyKind } from '../harness/crash-wrappers.js';
import { crashSeed, judgeChains, rng } from '../harness/crash-chain.js';

describe('crash matrix: release', () => {
  it('every kill point and 10 seeded random kills resume to exactly once', { timeout: 1_500_000 }, async () => {
    const rec = await recordKillPoints();
    expect(rec.outcome, 'the uninterrupted run is exactly once').toEqual([]);
    const commands = new Set<string>();
    for (const c of rec.commands) {
      commands.add(`${c.step}|${c.kind}|start`);
      if (!readOnlyKind(c.kind)) commands.add(`${c.step}|${c.kind}|end`);
    }
    const boundaries = new Set(rec.steps.flatMap((s) => [`BEFORE:${s}`, `AFTER:${s}`]));
    const points = commands.size + boundaries.size;
    expect(commands.size).toBeGreaterThan(30);
    const only = process.env.FERRY_CRASH_ONLY;
    if (only) {
      const keep = (set: Set<string>) => new Set([...set].filter((p) => p.includes(only)));
      const picked = [...keep(commands), ...keep(boundaries)];
      expect(picked.length, `no kill point contains ${only}`).toBeGreaterThan(0);
      const chains: ChainOutcome[] = [];
      for (let n = 0; n < Number(process.env.FERRY_CRASH_REPEAT ?? 1); n++) {
        const c = keep(commands);
        const b = keep(boundaries);
        for (let i = 0; i < 8 && c.size + b.size > 0; i++)
          chains.push(await crashChain({ commands: c, boundaries: b }));
      }
      const stuck = chains.flatMap((c) => c.stuck);
      process.stdout.write(
        `crash matrix (only ${only}: ${picked.join(', ')}): ${chains.reduce((n, c) => n + c.kills, 0)} trials / ` +
          `${chains.flatMap((c) => c.duplicates).length} duplicates / ${stuck.length} stuck\n${stuck.join('\n')}\n`,
      );
      expect(stuck).toEqual([]);
      expect(chains.flatMap((c) => c.duplicates)).toEqual([]);
      return;
    }

    const chains: ChainOutcome[] = [];
    // A chain ends when a run completes; points its resumes never reached start the next chain.
    for (let i = 0; i < 8 && commands.size + boundaries.size > 0; i++)
      chains.push(await crashChain({ commands, boundaries }));
    const seed = crashSeed();
    const random = rng(seed);
    // A chain ends when a resume outruns its delay (a machine less loaded than when the uninterrupted run
    // was timed ends it after 3 kills): further seeded chains, each in a fresh world, until 10 kills.
    let randomKills = 0;
    for (let i = 0; i < 6 && randomKills < 10; i++) {
      const randomMs = Array.from({ length: 14 }, () => Math.floor(random() * rec.durationMs * 0.5));
      const c = await crashChain({ commands: new Set(), boundaries: new Set(), randomMs, delaySec: 0 });
      chains.push(c);
      randomKills += c.kills;
    }

    judgeChains(`crash matrix (seed ${seed})`, chains, {
      commands,
      boundaries,
      points,
      detail: `(${randomKills} random)`,
    });
    expect(randomKills, 'the seeded random chains killed').toBeGreaterThanOrEqual(10);
  });
});
