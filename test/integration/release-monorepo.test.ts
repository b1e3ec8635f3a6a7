// Monorepos on a real Verdaccio: (6) three npm workspace packages where commits touch two → exactly
// those two, with the dependent pinned; (7) kill -9 after TAG, before PUBLISH, then --resume →
// uploaded exactly once; a version already on the registry with the same tarball → PUBLISH skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildEcosystem, npmMonorepo, type Ecosystem } from '../fixtures/ecosystem.js';
import { git } from '../fixtures/git.js';
import { startVerdaccio, type VerdaccioHandle } from '../fixtures/verdaccio.js';
import { ferry } from '../helpers/ferry.js';
import { exec } from '../../src/util/process.js';

let reg: VerdaccioHandle;
const ecos: Ecosystem[] = [];
const prefix = `fx${randomBytes(3).toString('hex')}`;

const configure = (eco: Ecosystem, release: Record<string, unknown> = {}) =>
  eco.writeConfig((base) => ({
    ...base,
    release: { ...(base.release as Record<string, unknown>), ...release },
    packages: (base.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'npm' })),
    registries: { npm: { kind: 'npm', url: reg.url } },
  }));
const release = (eco: Ecosystem, args: string[], env: Record<string, string> = {}) =>
  ferry(['--config', eco.configPath, '--state-dir', join(eco.root, '.ferry'), 'release', ...args], {
    cwd: eco.workspace,
    env: { NPM_TOKEN: 'local-anon', ...env },
    // A release with npm packs and publishes is CPU-bound; the helper's 110 s default kills it on a loaded machine.
    timeoutMs: 280_000,
  });
async function packument(name: string): Promise<{ versions: Record<string, unknown> }> {
  const r = await fetch(`${reg.url}${name}`);
  return (await r.json()) as { versions: Record<string, unknown> };
}

beforeAll(async () => {
  reg = await startVerdaccio();
});
afterAll(async () => {
  await reg?.stop();
  for (const e of ecos) await e.cleanup();
});

describe('release on npm monorepos', () => {
  it(
    '3 workspace packages, commits touch 2 → exactly those 2 released in one release commit, the dependent pinned',
    { timeout: 400_000 },
    async () => {
      const eco = await npmMonorepo({ prefix });
      ecos.push(eco);
      // Only the touched packages: the dependent cascade (on by default, issue 13.8) would also patch utils.
      configure(eco, { cascade: 'none' });
      const id = 'release-20260302-aaaaaa';
      // --json without a terminal is an agent, whose unverifiable attestation is refused: read the result file.
      const r = await release(eco, ['--run-id', id, '--gate-attestation', `1740312612.000100:${id}`]);
      const result = JSON.parse(readFileSync(join(eco.root, '.ferry', 'results', id, 'release.json'), 'utf8')) as {
        status: string;
        details: { repo: string; new_version: string | null; phase: string }[];
      };
      expect(r.exitCode, r.stderr).toBe(0);
      expect(result.status).toBe('SUCCESS');
      expect(result.details.map((d) => [d.repo, d.new_version, d.phase])).toEqual([
        [`${prefix}-core`, '1.1.0', 'DONE'],
        [`${prefix}-utils`, null, 'NOTHING_TO_RELEASE'],
        [`${prefix}-cli`, '1.0.1', 'DONE'],
      ]);
      const remote = eco.repos[`${prefix}-mono`]!.remote;
      expect(
        (await git(remote, ['log', '--format=%s', 'main'])).split('\n').filter((s) => s.startsWith('release:')),
      ).toEqual([`release: ${prefix}-mono ${prefix}-cli v1.0.1, ${prefix}-core v1.1.0`]);
      const cli = JSON.parse(await git(remote, ['show', 'main:packages/cli/package.json']));
      expect(cli.version).toBe('1.0.1');
      // npm pins preserve the range operator by default (release.pin_style.npm: preserve, issue 19.8).
      expect(cli.dependencies[`${prefix}-core`]).toBe('^1.1.0');
      expect(cli.dependencies[`${prefix}-utils`]).toBe('^1.0.0');
      expect(JSON.parse(await git(remote, ['show', 'main:packages/utils/package.json'])).version).toBe('1.0.0');
      expect(await git(remote, ['tag', '--list', `${prefix}-*/v*`])).toBe(
        [
          `${prefix}-cli/v1.0.0`,
          `${prefix}-cli/v1.0.1`,
          `${prefix}-core/v1.0.0`,
          `${prefix}-core/v1.1.0`,
          `${prefix}-utils/v1.0.0`,
        ].join('\n'),
      );
      expect(Object.keys((await packument(`${prefix}-core`)).versions)).toEqual(['1.1.0']);
      expect(Object.keys((await packument(`${prefix}-cli`)).versions)).toEqual(['1.0.1']);
      expect((await fetch(`${reg.url}${prefix}-utils`)).status).toBe(404);
    },
  );

  // Three ferry runs, two npm packs and publishes and an npm publish by hand: ~60-90 s on a quiet machine,
  // past vitest's 120 s default on a loaded one (in the full suite it failed at ~230 s; alone it passes in 54-90 s). It checks
  // exactly-once, not speed, so it gets room.
  it(
    'kill -9 after TAG → --resume uploads exactly once; a version already served with the same tarball is skipped',
    { timeout: 600_000 },
    async () => {
      const a = `${prefix}-alpha`;
      const b = `${prefix}-beta`;
      const eco = await buildEcosystem({
        repos: [
          {
            name: `${prefix}-pair`,
            packages: [
              { name: a, ecosystem: 'npm', version: '0.4.0', path: 'packages/alpha' },
              { name: b, ecosystem: 'npm', version: '2.0.0', path: 'packages/beta' },
            ],
            commits: [
              { subject: 'feat(alpha): x', package: a },
              { subject: 'fix(beta): y', package: b },
            ],
          },
        ],
      });
      ecos.push(eco);
      configure(eco);
      const id = 'release-20260302-bbbbbb';
      const home = join(eco.root, '.ferry');
      const killed = await release(eco, ['--run-id', id, '--gate-attestation', `1740312612.000100:${id}`], {
        FERRY_TEST_CRASH: `AFTER:${a}/TAG`,
      });
      expect(killed.exitCode).not.toBe(0);
      const remote = eco.repos[`${prefix}-pair`]!.remote;
      expect(await git(remote, ['tag', '--list', `${a}/v0.5.0`])).toBe(`${a}/v0.5.0`);
      expect((await fetch(`${reg.url}${a}`)).status).toBe(404);

      const second = await release(eco, ['--resume', id], { FERRY_TEST_CRASH: `AFTER:${b}/TAG` });
      expect(second.exitCode).not.toBe(0);
      expect(Object.keys((await packument(a)).versions)).toEqual(['0.5.0']);
      // Someone (CI) publishes beta from the tag before the resume: same tarball.
      const co = join(eco.root, 'ci-checkout');
      await git(eco.repos[`${prefix}-pair`]!.dir, ['worktree', 'add', '--detach', co, `${b}/v2.0.1`]);
      const rc = join(eco.root, 'ci.npmrc');
      const host = reg.url.replace(/^https?:/, '');
      await import('node:fs/promises').then((fs) => fs.writeFile(rc, `${host}:_authToken=local-anon\n`));
      await exec('npm', ['publish', '--registry', reg.url, '--userconfig', rc], { cwd: join(co, 'packages/beta') });

      const third = await release(eco, ['--resume', id, '--json']);
      expect(third.exitCode, third.stderr).toBe(0);
      const state = JSON.parse(readFileSync(join(home, 'state', 'release', 'archive', `${id}.json`), 'utf8'));
      expect(state.steps[`${a}/PUBLISH`].output.publish).toBe('uploaded');
      expect(state.steps[`${a}/PUBLISH`].attempts).toBe(1);
      expect(state.steps[`${b}/PUBLISH`].output.publish).toBe('skipped');
      expect(Object.keys((await packument(b)).versions)).toEqual(['2.0.1']);
      // One unit: the two packages of one tier share a branch, a commit and a merge.
      expect(
        (await git(remote, ['log', '--format=%s', 'main'])).split('\n').filter((s) => s.startsWith('release:')),
      ).toEqual([`release: ${prefix}-pair ${a} v0.5.0, ${b} v2.0.1`]);
      expect(Object.keys(state.data.units)).toEqual([`${prefix}-pair`]);
    },
  );
});
