// Issue 14 point 7: a repo with no `origin` remote (or no release.forge.remote) is reported before the
// gate. The plan can be read from the local branch, but PUSH and TAG push to the remote, so a real run
// would trip after the release commit. The built CLI on a real ecosystem: the dry run shows the plan and
// warns with the fix; the real run stops before the gate (CONFIG_INVALID, exit 2) with nothing changed;
// with the remote added back the same command releases.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { git } from '../fixtures/git.js';
import { ferry } from '../helpers/ferry.js';

let eco: Ecosystem | undefined;
afterAll(async () => eco?.cleanup());

const RUN = 'release-20260301-n0rem0';
const gated = ['--run-id', RUN, '--gate-attestation', `1740312612.000100:${RUN}`];

describe('no origin remote (issue 14.7)', () => {
  it(
    'the dry run warns before the gate, the real run stops before it, nothing changes',
    { timeout: 300_000 },
    async () => {
      eco = await buildEcosystem({
        repos: [
          { name: 'alpha', ecosystem: 'python', version: '1.0.0', commits: [{ subject: 'feat: add alpha thing' }] },
        ],
      });
      eco.writeConfig({ release: { lint: ['true'] } });
      const repo = eco.repos.alpha!;
      await git(repo.dir, ['remote', 'remove', 'origin']);
      const home = join(eco.root, '.ferry');
      const release = (args: string[]) =>
        ferry(['--config', eco!.configPath, '--state-dir', home, 'release', ...args], { cwd: eco!.workspace });
      const before = await eco.snapshotRepos();

      const dry = await release(['--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      const warning = dry.stderr.split('\n').find((l) => l.includes('has no git remote "origin"'));
      expect(warning, dry.stderr).toBeDefined();
      expect(warning).toContain('a real run stops before the gate');
      expect(warning).toContain(`git -C ${repo.dir} remote add origin '<url>'`);
      // The plan is still shown (read from the local branch): the dry run reports every problem at once.
      expect(dry.stdout).toMatch(/alpha\s*\|\s*1\s*\|\s*1\.0\.0\s*\|\s*1\.1\.0/);

      const real = await release(gated);
      expect(real.exitCode, real.stderr).toBe(2);
      expect(real.stderr).toContain(
        'error[CONFIG_INVALID]: alpha has no git remote "origin": PUSH and TAG of alpha need it',
      );
      expect(real.stderr).toMatch(
        /fix: git -C \S+ remote add origin '<url>', or set release\.forge\.remote in .+; then: ferry release/,
      );
      expect(real.stderr).not.toContain('PUSH_FAILED');
      // Stopped before the gate: no run was opened, no branch, commit or tag was made.
      const runs = join(home, 'state', 'release');
      expect(existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.json')) : []).toEqual([]);
      expect((await eco.snapshotRepos()).lines).toEqual(before.lines);

      // The fix line works: with the remote back, the same command releases.
      await git(repo.dir, ['remote', 'add', 'origin', repo.remote]);
      const fixed = await release(gated);
      expect(fixed.exitCode, fixed.stderr).toBe(0);
      expect(await git(repo.remote, ['tag', '--list', 'alpha/v1.1.0'])).toBe('alpha/v1.1.0');
    },
  );
});
