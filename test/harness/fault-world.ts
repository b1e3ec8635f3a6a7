// The faults harness's world: one testkit PyPI index shared by every fault (each fault releases its own
// uniquely named one-package repo, so their uploads never meet), the built CLI run as a user would, and
// the judges — a fault must end with its documented code (one line + a fix line, no stack trace), and
// the documented fix must then complete the run exactly once, judged from the remote, the index and
// the state files.
import { execa } from 'execa';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { git } from '../fixtures/git.js';
import { normalize, type PypiServer } from '../fixtures/pypi-server.js';
import { FERRY_BIN } from '../helpers/ferry.js';
import { CANARY, canaryHits } from './canary.js';

export interface FaultRun {
  exitCode: number;
  /** stdout and stderr interleaved. */
  out: string;
  ms: number;
}

export interface FaultWorld {
  /** The repo and its one Python package (unique per fault: the index is shared). */
  name: string;
  eco: Ecosystem;
  home: string;
  runId: string;
  /** `ferry --config … --state-dir <home> release <args>` in the workspace. */
  release(args: string[], env?: Record<string, string>): Running;
  /** The first run: the run id and a gate attestation for it. */
  start(env?: Record<string, string>): Running;
  /** The plain resume command. */
  resume(env?: Record<string, string>): Promise<FaultRun>;
  /** Everything ferry printed in this world, for the canary. */
  outputs: string[];
  cleanup(): Promise<void>;
}

/** A ferry process started and not yet awaited: its pid is known at once. */
export type Running = Promise<FaultRun> & { pid: number };

/** `--run-id <id> --gate-attestation <a valid attestation for id>`. */
export const attested = (id: string): string[] => ['--run-id', id, '--gate-attestation', `1740312612.000100:${id}`];

export const NEW_VERSION = '1.1.0';

let serial = 0;

/** A one-repo Python ecosystem publishing `name` to the shared index; `home` defaults to `<root>/.ferry`. */
export async function faultWorld(
  pypi: PypiServer,
  name: string,
  o: { home?: string; registry?: Record<string, unknown>; release?: Record<string, unknown> } = {},
): Promise<FaultWorld> {
  const eco = await buildEcosystem({
    repos: [{ name, ecosystem: 'python', version: '1.0.0', commits: [{ subject: `feat: ${name} learns a trick` }] }],
  });
  eco.writeConfig((b) => ({
    ...b,
    packages: (b.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'pypi' })),
    registries: {
      pypi: { kind: 'pypi', url: pypi.uploadUrl, index: pypi.url, token_env: 'PYPI_TOKEN', ...o.registry },
    },
    release: { ...(b.release as Record<string, unknown>), lint: ['true'], ...o.release },
  }));
  const home = o.home ?? join(eco.root, '.ferry');
  const runId = `release-20260301-fa${String(++serial).padStart(4, '0')}`;
  const outputs: string[] = [];
  const release = (args: string[], env: Record<string, string> = {}): Running => {
    const t = Date.now();
    const child = execa('node', [FERRY_BIN, '--config', eco.configPath, '--state-dir', home, 'release', ...args], {
      cwd: eco.workspace,
      env: { PYPI_TOKEN: pypi.token, FERRY_CANARY_SECRET: CANARY, NO_COLOR: '1', CI: 'true', ...env },
      reject: false,
      stdin: 'ignore',
      all: true,
      timeout: 150_000,
    });
    const done = child.then((r) => {
      const out = String(r.all ?? '');
      outputs.push(out);
      return { exitCode: r.exitCode ?? -1, out, ms: Date.now() - t };
    });
    return Object.assign(done, { pid: child.pid ?? -1 });
  };
  return {
    name,
    eco,
    home,
    runId,
    release,
    start: (env) => release(attested(runId), env),
    resume: (env) => release(['--resume', runId], env),
    outputs,
    cleanup: () => eco.cleanup(),
  };
}

/**
 * How long the run kept trying after its first refused connection: from the first "waiting for … refused"
 * log event to the failed step, read from the run's events (immune to how long builds take on a
 * loaded machine). A dead address must be given up on in seconds, not after the 5-minute retry budget.
 */
export function refusalWindowMs(w: FaultWorld): number {
  const events = readFileSync(join(w.home, 'runs', w.runId, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { ts: string; type: string; message?: string });
  const first = events.find((e) => /^waiting for .*(ECONNREFUSED|connection refused)/i.test(e.message ?? ''));
  const failed = events.find((e) => e.type === 'step.failed');
  expect(first, 'a refused connection was logged').toBeDefined();
  expect(failed, 'a step failed').toBeDefined();
  return Date.parse(failed!.ts) - Date.parse(first!.ts);
}

/** An executable hook (`pre-receive`, `post-receive`, …) in the world's bare remote; returns its path. */
export function remoteHook(w: FaultWorld, name: string, script: string): string {
  const path = join(w.eco.repos[w.name]!.remote, 'hooks', name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

const STACK = /\n\s+at .+:\d+:\d+\)?\n|this is a bug/;

/**
 * The run failed with `code` the way ferry promises: a non-zero exit, one line naming the code — the
 * CLI's `error[CODE]: …` or the engine's `✗ <pipeline> <run id> failed: [CODE] …` — followed by its
 * `fix:` line, and no stack trace. Returns the fix (without `fix:`).
 */
export function expectFault(r: FaultRun, code: string): string {
  expect(r.exitCode, r.out).not.toBe(0);
  expect(r.out, r.out).not.toMatch(STACK);
  const lines = r.out.split('\n');
  const at = lines.findIndex(
    (l) => l.startsWith(`error[${code}]: `) || new RegExp(`^✗ \\S+ \\S+ failed: \\[${code}\\] `).test(l),
  );
  expect(at, `no error[${code}] line in:\n${r.out}`).toBeGreaterThanOrEqual(0);
  expect(lines[at]!.length, lines[at]).toBeGreaterThan(`error[${code}]: `.length + 10);
  const fix = lines[at + 1] ?? '';
  expect(fix, `[${code}] is one line followed by its fix:\n${r.out}`).toMatch(/^ {2}fix:\s+\S/);
  return fix.replace(/^ {2}fix:\s+/, '');
}

/** The run completed (exit 0, no stack trace). */
export function expectCompleted(r: FaultRun): void {
  expect(r.exitCode, r.out).toBe(0);
  expect(r.out).not.toMatch(STACK);
}

/**
 * What the outside world says about `w`'s release: one release commit on the remote's main, exactly
 * the old and the new tag, the sdist and the wheel of the new version each stored once, the run's
 * state archived as completed and parseable, the user's clone still fetching. Empty when all is right.
 */
export async function judgeRelease(w: FaultWorld, pypi: PypiServer, o: { archived?: boolean } = {}): Promise<string[]> {
  const bad: string[] = [];
  const remote = w.eco.repos[w.name]!.remote;
  const subjects = (await git(remote, ['log', '--format=%s', 'main'])).split('\n');
  const releases = subjects.filter((s) => s.startsWith(`release: ${w.name}`)).length;
  if (releases !== 1) bad.push(`${releases} release commits on main`);
  const tags = (await git(remote, ['tag', '--list'])).split('\n').filter(Boolean).sort();
  if (tags.join(',') !== `${w.name}/v1.0.0,${w.name}/v${NEW_VERSION}`) bad.push(`tags: ${tags.join(',')}`);
  const branches = (await git(remote, ['branch', '--list', 'release/*'])).trim();
  if (branches.split('\n').filter(Boolean).length > 1) bad.push(`release branches: ${branches}`);
  const mine = pypi.files().filter((f) => normalize(f.name) === normalize(w.name));
  const files = mine.map((f) => f.filename).sort();
  const expected = [`${w.name}-${NEW_VERSION}-py3-none-any.whl`, `${w.name}-${NEW_VERSION}.tar.gz`];
  if (files.join(',') !== expected.join(',')) bad.push(`index files: ${files.join(',') || 'none'}`);
  for (const f of expected) if (pypi.stored(f) > 1) bad.push(`${f} stored ${pypi.stored(f)} times`);
  if (o.archived !== false) {
    try {
      const s = JSON.parse(readFileSync(join(w.home, 'state', 'release', 'archive', `${w.runId}.json`), 'utf8')) as {
        status?: string;
      };
      if (s.status !== 'completed') bad.push(`archived state status ${s.status}`);
    } catch (e) {
      bad.push(`archived state unreadable: ${(e as Error).message.slice(0, 120)}`);
    }
  }
  const fetch = await execa('git', ['fetch', '--quiet', 'origin'], { cwd: w.eco.repos[w.name]!.dir, reject: false });
  if (fetch.exitCode !== 0) bad.push(`git fetch in the user's clone fails: ${fetch.stderr.split('\n')[0]}`);
  const canary = canaryHits(w.home, w.outputs.join('\n'));
  if (canary.length) bad.push(`canary secret in: ${canary.join(', ')}`);
  return bad;
}
