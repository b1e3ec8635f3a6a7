// One release commit per repo under kill -9 (issue 19.7 with 19.1): a changesets workspace whose
// release spans three tiers of one repo is killed after a package consumed half a changeset, and
// again after the first TAG; each plain --resume finishes it with one release commit holding every
// bump, changelog and consumed changeset, and each tag exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ferry } from '../helpers/ferry.js';
import { addChangeset, changesetsShape } from '../fixtures/shapes/changesets.js';
import { shapeWorkspace, type ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { git } from '../../src/testkit/git.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

describe('one release commit per repo, killed and resumed', () => {
  it(
    'kill after a half-consumed changeset and after the first tag → one commit, each tag once',
    { timeout: 240_000 },
    async () => {
      const ws = await shapeWorkspace('ferry-onecommit-');
      spaces.push(ws);
      const r = await changesetsShape(ws);
      await addChangeset(r, 'calm-cats', { '@acme/core': 'patch', '@acme/docs': 'patch' }, 'Fix the parser.');
      await addChangeset(r, 'shy-dogs', { '@acme/ui': 'patch' }, 'Fix button focus.');
      await r.push();
      const cli = (args: string[], env: Record<string, string> = {}) =>
        ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir, env });
      expect((await cli(['init'])).exitCode).toBe(0);
      const id = 'release-20261203-onecm1';
      const first = await cli(['release', '--run-id', id, '--gate-attestation', `1764763200.000100:${id}`], {
        FERRY_TEST_CRASH: 'AFTER:@acme/core/CHANGELOG',
      });
      expect(first.exitCode).not.toBe(0);
      const second = await cli(['release', '--resume', id], { FERRY_TEST_CRASH: 'AFTER:@acme/core/TAG' });
      expect(second.exitCode).not.toBe(0);
      expect(await git(r.remote, ['tag', '--list', '@acme/core@1.0.1'])).toBe('@acme/core@1.0.1');
      const third = await cli(['release', '--resume', id]);
      expect(third.exitCode, third.stderr).toBe(0);

      const subjects = (await git(r.remote, ['log', '--format=%s', 'main'])).split('\n');
      // core, docs (tier 1), ui (tier 2) and cli (tier 3, out of its exact range) in one commit.
      expect(subjects.filter((s) => s.startsWith('release:'))).toEqual([
        'release: web @acme/cli v0.3.1, @acme/core v1.0.1, @acme/docs v0.1.1, @acme/ui v1.0.1',
      ]);
      const changed = await git(r.remote, ['show', '--name-status', '--format=', 'main']);
      expect(changed).toMatch(/^D\t\.changeset\/calm-cats\.md$/m);
      expect(changed).toMatch(/^D\t\.changeset\/shy-dogs\.md$/m);
      for (const f of ['core', 'docs', 'ui', 'cli'])
        expect(changed).toMatch(new RegExp(`^[AM]\\tpackages/${f}/CHANGELOG\\.md$`, 'm'));
      const head = await git(r.remote, ['rev-parse', 'main']);
      for (const t of ['@acme/core@1.0.1', '@acme/docs@0.1.1', '@acme/ui@1.0.1', '@acme/cli@0.3.1'])
        expect(await git(r.remote, ['rev-parse', `${t}^{commit}`])).toBe(head);
      expect((await git(r.remote, ['tag', '--list'])).split('\n')).toHaveLength(8);
      expect(await git(r.remote, ['show', 'main:packages/core/CHANGELOG.md'])).toContain('- Fix the parser.');
    },
  );
});
