// One crash trial of a real release (real git repos with bare remotes, the testkit PyPI, real build and
// twine): start `ferry release`, kill it (a kill point of the wrappers, a step boundary, or after a
// seeded random delay), then run the plain resume command until the run completes; then judge from the
// outside world: one release commit and one tag per repo, each file uploaded once, state parses.
import { stuckReport, type ChainOutcome, type ChainPlan } from './crash-chain.js';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { git } from '../fixtures/git.js';
import { startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { FERRY_BIN } from '../helpers/ferry.js';
import { writeCrashWrappers, type CrashBin } from './crash-wrappers.js';
import { CANARY, canaryHits } from './canary.js';

export const TRIAL_RUN = 'release-20260301-c4a5h0';
export const ATTEST = `1740312612.000100:${TRIAL_RUN}`;
const NEW_VERSION = '1.1.0';

export interface TrialWorld {
  eco: Ecosystem;
  pypi: PypiServer;
  bin: CrashBin;
  home: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function trialWorld(): Promise<TrialWorld> {
  const [eco, pypi] = await Promise.all([
    buildEcosystem({
      repos: [
        { name: 'alpha', ecosystem: 'python', version: '1.0.0', commits: [{ subject: 'feat: add alpha thing' }] },
      ],
    }),
    startPypiServer({ simpleLagMs: 0, token: CANARY }),
  ]);
  const bin = writeCrashWrappers(join(eco.root, 'crash-bin'));
  eco.writeConfig((b) => ({
    ...b,
    packages: (b.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'pypi' })),
    registries: {
      pypi: { kind: 'pypi', url: pypi.uploadUrl, index: pypi.url, token_env: 'PYPI_TOKEN', python: bin.python },
    },
  }));
  const home = join(eco.root, '.ferry');
  const env = {
    PATH: `${bin.dir}:${process.env.PATH ?? ''}`,
    PYPI_TOKEN: pypi.token,
    FERRY_CANARY_SECRET: CANARY,
    NO_COLOR: '1',
    CI: 'true',
  };
  return {
    eco,
    pypi,
    bin,
    home,
    env,
    async cleanup() {
      await pypi.stop();
      await eco.cleanup();
    },
  };
}

export function spawnFerry(w: TrialWorld, args: string[], extra: Record<string, string> = {}) {
  return execa('node', [FERRY_BIN, '--config', w.eco.configPath, '--state-dir', w.home, 'release', ...args], {
    cwd: w.eco.workspace,
    env: { ...w.env, ...extra },
    extendEnv: true,
    reject: false,
    detached: true,
    stdin: 'ignore',
    all: true,
    timeout: 120_000,
  });
}

export const stateExists = (w: TrialWorld) =>
  existsSync(join(w.home, 'state', 'release', `${TRIAL_RUN}.json`)) ||
  existsSync(join(w.home, 'state', 'release', 'archive', `${TRIAL_RUN}.json`));

export type { ChainOutcome, ChainPlan } from './crash-chain.js';

/**
 * One world, one release, killed again and again: every run (the first, then each plain resume) is
 * armed with all points not reached yet and dies at the first it reaches; the chain ends when a run
 * completes. A run that fails without a kill gets one more plain resume; failing again, it is stuck.
 */
export async function crashChain(plan: ChainPlan, maxRuns = 200): Promise<ChainOutcome> {
  const started = Date.now();
  const w = await trialWorld();
  const hitFile = join(w.eco.root, 'crash-hits.txt');
  const out: string[] = [];
  const hit: string[] = [];
  const stuck: string[] = [];
  let kills = 0;
  let failedInARow = 0;
  let firstFailure = '';
  const random = [...(plan.randomMs ?? [])];
  try {
    for (let n = 0; n < maxRuns; n++) {
      // The plain resume command; before the run had a state file, the plain command again.
      const args =
        n > 0 && stateExists(w) ? ['--resume', TRIAL_RUN] : ['--run-id', TRIAL_RUN, '--gate-attestation', ATTEST];
      const armed = failedInARow === 0;
      const before = existsSync(hitFile) ? readFileSync(hitFile, 'utf8').split('\n').filter(Boolean).length : 0;
      const p = spawnFerry(w, args, {
        FERRY_CRASH_HIT: hitFile,
        ...(armed && plan.commands.size
          ? { FERRY_CRASH_AT: [...plan.commands].join(';'), FERRY_CRASH_DELAY: String(plan.delaySec ?? 0.01) }
          : {}),
        ...(armed && plan.boundaries.size ? { FERRY_TEST_CRASH: [...plan.boundaries].join(';') } : {}),
      });
      const delay = armed ? random.shift() : undefined;
      if (delay !== undefined) {
        await Promise.race([p, sleep(delay)]);
        try {
          process.kill(-p.pid!, 'SIGKILL');
        } catch {
          /* it had finished */
        }
      }
      const r = await p;
      out.push(String(r.all ?? ''));
      const hits = existsSync(hitFile) ? readFileSync(hitFile, 'utf8').split('\n').filter(Boolean).slice(before) : [];
      for (const h of hits) {
        hit.push(h);
        plan.commands.delete(h);
        plan.boundaries.delete(h);
      }
      const killed = r.signal === 'SIGKILL' || r.exitCode === 137 || hits.length > 0;
      if (killed) {
        kills++;
        failedInARow = 0;
        continue;
      }
      if (r.exitCode === 0) break;
      if (++failedInARow === 1) firstFailure = String(r.stderr ?? '');
      if (failedInARow >= 2) {
        stuck.push(stuckReport(hit.at(-1), r, firstFailure, /error\[|^ *fix:/));
        break;
      }
    }
    return {
      kills,
      hit,
      stuck,
      duplicates: stuck.length ? [] : await judge(w),
      canary: canaryHits(w.home, out.join('\n')),
      output: out.join('\n'),
      durationMs: Date.now() - started,
    };
  } finally {
    await w.cleanup();
  }
}

/** What the outside world says: anything other than exactly one of each is a duplicate (or a loss). */
export async function judge(w: TrialWorld): Promise<string[]> {
  const bad: string[] = [];
  const remote = w.eco.repos.alpha!.remote;
  const subjects = (await git(remote, ['log', '--format=%s', 'main'])).split('\n');
  const releases = subjects.filter((s) => s.startsWith('release: alpha')).length;
  if (releases !== 1) bad.push(`${releases} release commits on main`);
  const tags = (await git(remote, ['tag', '--list'])).split('\n').filter(Boolean).sort();
  if (tags.join(',') !== `alpha/v1.0.0,alpha/v${NEW_VERSION}`) bad.push(`tags: ${tags.join(',')}`);
  const files = w.pypi
    .files()
    .map((f) => f.filename)
    .sort();
  const expected = [`alpha-${NEW_VERSION}-py3-none-any.whl`, `alpha-${NEW_VERSION}.tar.gz`];
  if (files.join(',') !== expected.join(',')) bad.push(`index files: ${files.join(',') || 'none'}`);
  for (const f of expected) if (w.pypi.stored(f) > 1) bad.push(`${f} stored ${w.pypi.stored(f)} times`);
  const refused = w.pypi.requests.filter((r) => r.method === 'POST' && r.status === 400).length;
  if (refused) bad.push(`${refused} uploads refused as different bytes`);
  const archived = join(w.home, 'state', 'release', 'archive', `${TRIAL_RUN}.json`);
  try {
    const s = JSON.parse(readFileSync(archived, 'utf8')) as { status?: string };
    if (s.status !== 'completed') bad.push(`archived state status ${s.status}`);
  } catch (e) {
    bad.push(`archived state unreadable: ${(e as Error).message.slice(0, 80)}`);
  }
  // The user's own clone still works: no half-made worktree or lock left behind.
  const fetch = await execa('git', ['fetch', '--quiet', 'origin'], { cwd: w.eco.repos.alpha!.dir, reject: false });
  if (fetch.exitCode !== 0) bad.push(`git fetch in the user's clone fails: ${fetch.stderr.split('\n')[0]}`);
  const wts = (await git(w.eco.repos.alpha!.dir, ['worktree', 'list', '--porcelain']))
    .split('\n')
    .filter((l) => l.startsWith('worktree ')).length;
  if (wts !== 1) bad.push(`${wts - 1} worktrees left in the user's clone`);
  return bad;
}

/** Every command kind each step ran in one uninterrupted release, in order: the kill points. */
export async function recordKillPoints(): Promise<{
  steps: string[];
  commands: Array<{ step: string; kind: string }>;
  durationMs: number;
  outcome: string[];
}> {
  const w = await trialWorld();
  const log = join(mkdtempSync(join(tmpdir(), 'ferry-crashlog-')), 'commands.tsv');
  try {
    const t = Date.now();
    const r = await spawnFerry(w, ['--run-id', TRIAL_RUN, '--gate-attestation', ATTEST], { FERRY_CRASH_LOG: log });
    const durationMs = Date.now() - t;
    if (r.exitCode !== 0) throw new Error(`the uninterrupted release failed:\n${String(r.all)}`);
    const state = JSON.parse(
      readFileSync(join(w.home, 'state', 'release', 'archive', `${TRIAL_RUN}.json`), 'utf8'),
    ) as {
      step_order: string[];
    };
    const seen = new Set<string>();
    const commands: Array<{ step: string; kind: string }> = [];
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const [step, kind] = line.split('\t');
      if (!step || !kind || seen.has(line)) continue;
      seen.add(line);
      commands.push({ step, kind: kind.trim() });
    }
    return { steps: state.step_order, commands, durationMs, outcome: await judge(w) };
  } finally {
    rmSync(join(log, '..'), { recursive: true, force: true });
    await w.cleanup();
  }
}
