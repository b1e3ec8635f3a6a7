// Issue 19 point 4 (lockstep groups) and point 7 (one release commit per repo) on a generated uv
// workspace released in lockstep under `v{version}` (real git, real bare remote), as a new user runs
// ferry: `ferry init` proposes the group, `ferry release --dry-run` plans one version, a real release
// makes one commit and one tag. And `ferry init` on a changesets repo takes over its config.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ferry } from './helpers/ferry.js';
import { planRowOf } from './helpers/plan-table.js';
import { lockstepShape } from './fixtures/shapes/lockstep.js';
import { changesetsShape } from './fixtures/shapes/changesets.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { parseConfig } from '../src/config/load.js';
import { git } from '../src/testkit/git.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));
const cli = (ws: ShapeWorkspace, args: string[]) =>
  ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });
async function workspace(prefix: string): Promise<ShapeWorkspace> {
  const ws = await shapeWorkspace(prefix);
  spaces.push(ws);
  return ws;
}

describe('lockstep groups (issue 19.4) and one release commit per repo (19.7)', () => {
  it('init proposes the group; the plan gives every member one version; the release makes one commit and one tag', async () => {
    const ws = await workspace('ferry-lockstep-');
    const r = await lockstepShape(ws);
    const init = await cli(ws, ['init']);
    expect(init.exitCode, init.stderr).toBe(0);
    const cfg = parseConfig(readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8'), 'ferry.yaml');
    expect(cfg.release.groups).toEqual([
      { name: 'tidal', packages: ['tidal-core', 'tidal-io', 'tidal-cli'], mode: 'lockstep', tag: 'v{version}' },
    ]);

    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    for (const p of ['tidal-core', 'tidal-io', 'tidal-cli'])
      expect(planRowOf(dry.stdout, `tidal:${p}`)).toMatchObject({ current: '0.4.0', new: '0.4.1', status: 'PLANNED' });
    expect(dry.stdout).toMatch(/tidal:tidal-cli +patch +group tidal/);

    const id = 'release-20261203-lock01';
    const real = await cli(ws, ['release', '--run-id', id, '--gate-attestation', `1764763200.000100:${id}`]);
    expect(real.exitCode, real.stderr).toBe(0);
    const subjects = (await git(r.remote, ['log', '--format=%s', 'main'])).split('\n');
    expect(subjects.filter((s) => s.startsWith('release:'))).toEqual([
      'release: tidal tidal-cli v0.4.1, tidal-core v0.4.1, tidal-io v0.4.1',
    ]);
    expect((await git(r.remote, ['tag', '--list', 'v0.4.*'])).split('\n')).toEqual(['v0.4.0', 'v0.4.1']);
    const head = await git(r.remote, ['rev-parse', 'main']);
    expect(await git(r.remote, ['rev-parse', 'v0.4.1^{commit}'])).toBe(head);
    for (const p of ['tidal-core', 'tidal-io', 'tidal-cli'])
      expect(await git(r.remote, ['show', `main:packages/${p}/pyproject.toml`])).toContain('version = "0.4.1"');
  });

  it('a feature in one member moves the whole group by a minor', async () => {
    const ws = await workspace('ferry-lockstep-');
    await lockstepShape(ws, ['fix(core): close files', 'feat(cli): --json output']);
    expect((await cli(ws, ['init'])).exitCode).toBe(0);
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    for (const p of ['tidal-core', 'tidal-io', 'tidal-cli'])
      expect(planRowOf(dry.stdout, `tidal:${p}`)).toMatchObject({ new: '0.5.0', bump: 'minor' });
  });

  it('naming one member releases the whole group: `ferry release tidal-cli` plans all three', async () => {
    const ws = await workspace('ferry-lockstep-');
    // Only core changed; cli, the one named, has no commits of its own.
    await lockstepShape(ws, ['fix(core): close files']);
    expect((await cli(ws, ['init'])).exitCode).toBe(0);
    const dry = await cli(ws, ['release', '--dry-run', 'tidal-cli']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('tidal-core, tidal-io join: they release in lockstep with tidal-cli (group tidal)');
    for (const p of ['tidal-core', 'tidal-io', 'tidal-cli'])
      expect(planRowOf(dry.stdout, `tidal:${p}`)).toMatchObject({ current: '0.4.0', new: '0.4.1', status: 'PLANNED' });
  });

  it('init reads .changeset/config.json: intents, fixed → lockstep, linked, ignore, baseBranch, updateInternalDependents', async () => {
    const ws = await workspace('ferry-chcfg-');
    await changesetsShape(ws, {
      fixed: [['@acme/core', '@acme/ui']],
      linked: [['@acme/cli', '@acme/docs']],
      ignore: ['@acme/docs'],
      baseBranch: 'develop',
      updateInternalDependencies: 'minor',
    });
    const init = await cli(ws, ['init']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stderr).toContain('updateInternalDependencies "minor" is not followed');
    const text = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
    expect(text).toContain('# read from web/.changeset/config.json');
    const cfg = parseConfig(text, 'ferry.yaml');
    expect(cfg.release).toMatchObject({
      intents: 'changesets',
      cascade: 'out-of-range',
      ignore: ['@acme/docs'],
      groups: [
        { name: 'web-fixed', packages: ['@acme/core', '@acme/ui'], mode: 'lockstep' },
        { name: 'web-linked', packages: ['@acme/cli', '@acme/docs'], mode: 'linked' },
      ],
    });
    expect(cfg.packages.every((p) => p.main_branch === 'develop')).toBe(true);
  });
});
