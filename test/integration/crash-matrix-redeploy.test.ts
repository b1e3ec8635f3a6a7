// Crash matrix (issue 14) for redeploy on the real Docker engine: the seed-shaped infra workspace
// (git repos with bare remotes, a busybox image, running service containers) redeployed and killed
// with kill -9 at every step boundary, inside every git command each step runs (the git wrapper, at
// its start and its end) and inside every Docker engine call (the socket proxy: before the engine sees
// the request, and after it answered but before ferry reads the answer), then resumed with the plain
// resume command until it completes. The points are listed from an uninterrupted run, so a new step,
// command or engine call is covered without editing this file. Then >= 10 seeded random kills. Each
// chain is a new redeploy (a new run id) of the same world. Judged from outside: one container per
// service, running on the run's image, no temp or orphan container, a service not in the config
// untouched, the state and the result file say success, every health URL answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crashChain,
  recordKillPoints,
  redeployWorld,
  type ChainOutcome,
  type RedeployWorld,
} from '../harness/redeploy-trial.js';
import { crashSeed, judgeChains, rng } from '../harness/crash-chain.js';

let w: RedeployWorld;
beforeAll(async () => {
  w = await redeployWorld();
}, 120_000);
afterAll(async () => {
  await w?.cleanup();
}, 120_000);

describe('crash matrix: redeploy', () => {
  it(
    'every kill point and 10 seeded random kills resume to one container per service',
    { timeout: 900_000 },
    async () => {
      const started = Date.now();
      const rec = await recordKillPoints(w);
      expect(rec.outcome, 'the uninterrupted redeploy is exactly once').toEqual([]);
      const commands = new Set<string>();
      for (const c of rec.commands) {
        // A read-only call right after another is the same kill as that one's start.
        if (!c.readOnly || !c.afterRead) commands.add(`${c.step}|${c.kind}|start`);
        if (!c.readOnly) commands.add(`${c.step}|${c.kind}|end`);
      }
      const engineCalls = [...commands].filter((p) => p.includes('|docker '));
      expect(engineCalls.length, 'engine calls are kill points').toBeGreaterThan(15);
      const boundaries = new Set(rec.steps.flatMap((s) => [`BEFORE:${s}`, `AFTER:${s}`]));
      const points = commands.size + boundaries.size;

      const chains: ChainOutcome[] = [];
      for (let i = 0; i < 4 && commands.size + boundaries.size > 0; i++)
        chains.push(await crashChain(w, { commands, boundaries }));
      const seed = crashSeed();
      const random = rng(seed);
      // A resume that finds DEPLOY done finishes in a few seconds and ends its chain; chains go on until
      // ten random kills happened (an unloaded machine ends most chains after one kill: up to 24 chains).
      let randomKills = 0;
      for (let i = 0; i < 24 && randomKills < 10; i++) {
        const randomMs = Array.from({ length: 14 }, () => Math.floor(800 + random() * rec.durationMs * 0.45));
        const c = await crashChain(w, { commands: new Set(), boundaries: new Set(), randomMs });
        chains.push(c);
        randomKills += c.kills;
        process.stdout.write(
          `random chain ${i}: ${c.kills} kills in ${(c.durationMs / 1000).toFixed(0)} s (delays ${randomMs.slice(0, c.kills + 1).join(', ')} ms; an uninterrupted run ${rec.durationMs} ms)\n`,
        );
      }

      judgeChains(`crash matrix redeploy (seed ${seed})`, chains, {
        commands,
        boundaries,
        points,
        detail: `(${engineCalls.length} of the points in engine calls, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
      });
      expect(randomKills, 'the random chains killed').toBeGreaterThanOrEqual(10);
    },
  );
});
