// Issue 12 point 4: release branches. init reads each repo's default branch (origin/HEAD, else the
// one of main/master/dev/develop that exists) and writes main_branch where it is not main; the plan
// shows the branch; a branch missing on the remote fails the dry run; a real run merges into it.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ferry } from './helpers/ferry.js';
import { devBranchShape } from './fixtures/shapes/dev-branch.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { git } from '../src/testkit/git.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

const cli = (ws: ShapeWorkspace, args: string[]) =>
  ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });

describe('release branches', () => {
  it('init writes each repo’s branch; the dry run plans from it and shows it; a real run merges and tags there', async () => {
    const ws = await shapeWorkspace('ferry-devbranch-');
    spaces.push(ws);
    const { dev } = await devBranchShape(ws);
    const init = await cli(ws, ['init']);
    expect(init.exitCode, init.stderr).toBe(0);
    const yaml = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
    expect(yaml).toMatch(/name: acme-dev,.*main_branch: dev \}/);
    expect(yaml).toMatch(/name: acme-legacy,.*main_branch: master \}/);
    expect(yaml).toMatch(/name: acme-plain,[^\n]*tier: 1 \}/);

    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/acme-dev\s+\| 1\s+\| 2\.3\.0\s+\| 2\.3\.1\s+\| patch\s+\| 1\s+\| PLANNED\s+\| dev/);
    expect(dry.stdout).toMatch(
      /acme-legacy\s+\| 1\s+\| 0\.9\.0\s+\| 0\.10\.0\s+\| minor\s+\| 1\s+\| PLANNED\s+\| master/,
    );
    // main's fix only; the feat on the dev branch beside it is not part of main's release.
    expect(dry.stdout).toMatch(/acme-plain\s+\| 1\s+\| 1\.0\.0\s+\| 1\.0\.1\s+\| patch\s+\| 1\s+\| PLANNED\s+\| main/);
    expect(dry.stdout).toContain(`git -C ${dev.dir} worktree add -b`);
    expect(dry.stdout).toMatch(/origin\/dev\b/);
    expect(dry.stdout).toContain('into dev as "release: acme-dev v2.3.1"');

    const id = 'release-20261203-dev001';
    const real = await cli(ws, [
      'release',
      'acme-dev',
      '--run-id',
      id,
      '--gate-attestation',
      `1764763200.000100:${id}`,
    ]);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(await git(dev.remote, ['log', '-1', '--format=%s', 'dev'])).toBe('release: acme-dev v2.3.1');
    expect(await git(dev.remote, ['rev-parse', 'acme-dev/v2.3.1^{commit}'])).toBe(
      await git(dev.remote, ['rev-parse', 'dev']),
    );
    // The remote has no main, and ferry did not create one (the release branch stays for the audit trail).
    expect((await git(dev.remote, ['branch', '--list', '--format=%(refname:short)'])).split('\n')).toEqual([
      'dev',
      'release/release-20261203-dev001/acme-dev',
    ]);
  });

  it('a configured branch the remote does not have fails the dry run, naming the branches it has and the fix', async () => {
    const ws = await shapeWorkspace('ferry-devbranch-');
    spaces.push(ws);
    const { dev } = await devBranchShape(ws);
    expect((await cli(ws, ['init'])).exitCode).toBe(0);
    const cfg = join(ws.dir, 'ferry.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('main_branch: dev', 'main_branch: trunk'));
    const before = await git(dev.remote, ['for-each-ref']);
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode).toBe(2);
    expect(dry.stderr).toContain('acme-dev: release branch "trunk" of acme-dev does not exist on origin (it has: dev)');
    expect(dry.stderr).toContain(`fix: set main_branch: dev on acme-dev in ${cfg}`);
    expect(await git(dev.remote, ['for-each-ref'])).toBe(before);
  });
});
