// `ferry release --recover` killed at any instant (issue 14): kill -9 of its process group inside every
// command the recovery runs — at the start and at the end of each (read-only ones at the start), listed
// from an uninterrupted recovery — then the same `--recover` again until it completes. Judged from the
// outside: each file of the tagged version on the index exactly once, nothing of the recovery left in
// the user's clone (worktree, lock, scratch), and a plain run afterwards is an honest NOTHING_TO_RELEASE.
// A plain `ferry release` between two kills must not take a half-done recovery for a finished one.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { git } from '../fixtures/git.js';
import { readOnlyKind } from '../harness/crash-wrappers.js';
import { ATTEST, TRIAL_RUN, spawnFerry, trialWorld, type TrialWorld } from '../harness/release-trial.js';

const FILES = ['alpha-1.1.0-py3-none-any.whl', 'alpha-1.1.0.tar.gz'];

/** A release killed right after TAG whose state file is then gone: alpha 1.1.0 tagged, never uploaded. */
async function taggedNotUploaded(): Promise<TrialWorld> {
  const w = await trialWorld();
  const killed = await spawnFerry(w, ['--run-id', TRIAL_RUN, '--gate-attestation', ATTEST], {
    FERRY_TEST_CRASH: 'AFTER:alpha/TAG',
  });
  expect(killed.exitCode, String(killed.all)).not.toBe(0);
  rmSync(join(w.home, 'state'), { recursive: true, force: true });
  expect(w.pypi.files()).toEqual([]);
  return w;
}

/** What the world says after the recovery: anything but each file once and a clean clone is listed. */
async function judgeRecovered(w: TrialWorld): Promise<string[]> {
  const bad: string[] = [];
  const files = w.pypi
    .files()
    .map((f) => f.filename)
    .sort();
  if (files.join(',') !== FILES.join(',')) bad.push(`index files: ${files.join(',') || 'none'}`);
  for (const f of FILES) if (w.pypi.stored(f) !== 1) bad.push(`${f} stored ${w.pypi.stored(f)} times`);
  const refused = w.pypi.requests.filter((r) => r.method === 'POST' && r.status === 400).length;
  if (refused) bad.push(`${refused} uploads refused as different bytes`);
  const clone = w.eco.repos.alpha!.dir;
  // (The killed release's own worktree stays: its state file is gone, and it is not the recovery's.)
  const wts = (await git(clone, ['worktree', 'list', '--porcelain']))
    .split('\n')
    .filter((l) => l.startsWith('worktree ') && l.includes(join(w.home, 'recover')));
  if (wts.length) bad.push(`recovery worktrees left in the user's clone: ${wts.join(', ')}`);
  const fetch = await execa('git', ['fetch', '--quiet', 'origin'], { cwd: clone, reject: false });
  if (fetch.exitCode !== 0) bad.push(`git fetch in the user's clone fails: ${fetch.stderr.split('\n')[0]}`);
  if (existsSync(join(w.home, 'recover', 'alpha-1.1.0'))) bad.push('the recovery scratch dir is left');
  return bad;
}

describe('--recover killed at any instant', () => {
  it(
    'every kill point inside the recovery, then the same command again, uploads each file once',
    { timeout: 900_000 },
    async () => {
      // 1. The kill points: every command an uninterrupted recovery runs.
      const first = await taggedNotUploaded();
      const log = join(mkdtempSync(join(tmpdir(), 'ferry-recover-log-')), 'commands.tsv');
      let points: string[];
      try {
        const rec = await spawnFerry(first, ['--recover'], { FERRY_CRASH_LOG: log });
        expect(rec.exitCode, String(rec.all)).toBe(0);
        expect(await judgeRecovered(first)).toEqual([]);
        const kinds = [
          ...new Set(
            readFileSync(log, 'utf8')
              .split('\n')
              .filter((l) => l.startsWith('alpha/RECOVER\t')),
          ),
        ].map((l) => l.split('\t')[1]!.trim());
        points = kinds.flatMap((k) => [
          `alpha/RECOVER|${k}|start`,
          ...(readOnlyKind(k) ? [] : [`alpha/RECOVER|${k}|end`]),
        ]);
      } finally {
        rmSync(join(log, '..'), { recursive: true, force: true });
        await first.cleanup();
      }
      expect(points).toContain('alpha/RECOVER|git worktree add|start');
      expect(points.some((p) => p.includes('twine'))).toBe(true);

      // 2. One world, the recovery killed at each point in turn; after the first kill a plain run too.
      const w = await taggedNotUploaded();
      try {
        const hitFile = join(w.eco.root, 'crash-hits.txt');
        const todo = new Set(points);
        const hit: string[] = [];
        let plainChecked = false;
        let done = false;
        for (let n = 0; n < 60 && !done; n++) {
          const before = existsSync(hitFile) ? readFileSync(hitFile, 'utf8').split('\n').filter(Boolean).length : 0;
          const r = await spawnFerry(w, ['--recover'], {
            FERRY_CRASH_HIT: hitFile,
            ...(todo.size ? { FERRY_CRASH_AT: [...todo].join(';'), FERRY_CRASH_DELAY: '0.01' } : {}),
          });
          const hits = existsSync(hitFile)
            ? readFileSync(hitFile, 'utf8').split('\n').filter(Boolean).slice(before)
            : [];
          for (const h of hits) {
            hit.push(h);
            todo.delete(h);
          }
          if (hits.length || r.signal === 'SIGKILL' || r.exitCode === 137) {
            if (!plainChecked && hit.length === 1) {
              // A plain release between two kills: never NOTHING_TO_RELEASE over a half-done recovery.
              plainChecked = true;
              const plain = await spawnFerry(w, [
                '--run-id',
                'release-20260301-c4a5h2',
                '--gate-attestation',
                ATTEST.replace(TRIAL_RUN, 'release-20260301-c4a5h2'),
              ]);
              expect(plain.exitCode, String(plain.all)).toBe(1);
              expect(String(plain.all)).toMatch(/error\[TAGGED_NOT_PUBLISHED\]: tagged, not published: alpha 1\.1\.0/);
            }
            continue;
          }
          expect(r.exitCode, `after ${hit.at(-1) ?? 'no kill'}:\n${String(r.all)}`).toBe(0);
          done = true;
        }
        expect(done, `the recovery never completed; kills: ${hit.join(', ')}`).toBe(true);
        expect([...todo], 'kill points never reached').toEqual([]);
        expect(hit.length).toBe(points.length);
        expect(await judgeRecovered(w)).toEqual([]);

        // Once more, and a plain dry run: nothing left to do, nothing uploaded twice.
        const again = await spawnFerry(w, ['--recover']);
        expect(again.exitCode, String(again.all)).toBe(0);
        expect(String(again.all)).toMatch(/nothing to recover/);
        const next = await spawnFerry(w, ['--dry-run']);
        expect(String(next.all)).not.toMatch(/tagged, not published/);
        expect(String(next.all)).toMatch(/NOTHING_TO_RELEASE/);
        expect(await judgeRecovered(w)).toEqual([]);
        process.stdout.write(`recover crash chain: ${hit.length} kills (${hit.join(', ')}), each file uploaded once\n`);
      } finally {
        await w.cleanup();
      }
    },
  );
});
