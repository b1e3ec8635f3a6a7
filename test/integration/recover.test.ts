// Truth from the world, not only from tags (issue 14 point 3): a release killed right after TAG, its
// state file then removed (the old STATE_CORRUPT fix line), must not read as NOTHING_TO_RELEASE. The
// dry run warns, a real run stops with TAGGED_NOT_PUBLISHED before the gate, and `--recover` uploads
// exactly the tagged commit's build — once, even when it is run again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../fixtures/git.js';
import { ATTEST, TRIAL_RUN, spawnFerry, trialWorld, type TrialWorld } from '../harness/release-trial.js';

let w: TrialWorld;
beforeAll(async () => {
  w = await trialWorld();
});
afterAll(async () => w?.cleanup());

describe('tagged, not published', () => {
  it(
    'kill after TAG + state removed → dry run warns, release refuses, --recover uploads once',
    { timeout: 600_000 },
    async () => {
      const killed = await spawnFerry(w, ['--run-id', TRIAL_RUN, '--gate-attestation', ATTEST], {
        FERRY_TEST_CRASH: 'AFTER:alpha/TAG',
      });
      expect(killed.exitCode).not.toBe(0);
      expect(await git(w.eco.repos.alpha!.remote, ['tag', '--list', 'alpha/v1.1.0'])).toBe('alpha/v1.1.0');
      expect(w.pypi.files()).toEqual([]);
      // What the STATE_CORRUPT fix line used to say: the run's memory is gone, only the world is left.
      rmSync(join(w.home, 'state'), { recursive: true, force: true });

      const dry = await spawnFerry(w, ['--dry-run']);
      expect(dry.exitCode, dry.all).toBe(0);
      expect(dry.all).toMatch(/tagged, not published: alpha 1\.1\.0 \(tag alpha\/v1\.1\.0, registry pypi\)/);
      expect(dry.all).toMatch(/ferry release --recover/);

      const plain = await spawnFerry(w, [
        '--gate-attestation',
        ATTEST.replace(TRIAL_RUN, 'release-20260301-c4a5h1'),
        '--run-id',
        'release-20260301-c4a5h1',
      ]);
      expect(plain.exitCode, plain.all).toBe(1);
      expect(plain.all).toMatch(/error\[TAGGED_NOT_PUBLISHED\]: tagged, not published: alpha 1\.1\.0/);
      expect(plain.all).toMatch(/fix: ferry release --recover/);
      expect(plain.all).not.toMatch(/NOTHING_TO_RELEASE/);
      expect(w.pypi.files()).toEqual([]);

      const rec = await spawnFerry(w, ['--recover']);
      expect(rec.exitCode, rec.all).toBe(0);
      expect(rec.all).toMatch(/alpha 1\.1\.0: publishing from tag alpha\/v1\.1\.0/);
      expect(rec.all).toMatch(/recovered alpha 1\.1\.0: uploaded/);
      const files = w.pypi.files();
      expect(files.map((f) => f.version)).toEqual(files.map(() => '1.1.0'));
      expect(files.length).toBeGreaterThanOrEqual(1);
      for (const f of files) {
        expect(w.pypi.stored(f.filename)).toBe(1);
        expect(w.pypi.uploadAttempts(f.filename)).toBe(1);
      }

      // Again: nothing to do, nothing uploaded twice; and the next release is an honest NOTHING_TO_RELEASE.
      const again = await spawnFerry(w, ['--recover']);
      expect(again.exitCode, again.all).toBe(0);
      expect(again.all).toMatch(/nothing to recover/);
      for (const f of files) expect(w.pypi.uploadAttempts(f.filename)).toBe(1);
      const next = await spawnFerry(w, ['--dry-run']);
      expect(next.exitCode, next.all).toBe(0);
      expect(next.all).not.toMatch(/tagged, not published/);
      expect(next.all).toMatch(/NOTHING_TO_RELEASE/);
      // The recovery left no worktree or scratch behind in the user's clone.
      expect(await git(w.eco.repos.alpha!.dir, ['worktree', 'list'])).not.toMatch(/recover/);
    },
  );
});
