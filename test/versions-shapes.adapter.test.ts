// Issue 12 points 1, 2, 3, 8, 9 and issue 19 points 6, 9 on generated repos of each shape (real git,
// real bare remotes), as a new user runs ferry: `ferry init`, then `ferry release --dry-run`.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planRowOf } from './helpers/plan-table.js';
import { maintenanceBranchShape } from './fixtures/shapes/maintenance-branch.js';
import { mixedTagsShape } from './fixtures/shapes/mixed-tags.js';
import { pep440Shape, prereleaseShape } from './fixtures/shapes/pep440.js';
import { type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { shapeSuite } from './helpers/shape-suite.js';
import { manifestAheadShape, untaggedShape } from './fixtures/shapes/untagged.js';
import { versionFilesShape } from './fixtures/shapes/version-files.js';

const { workspace, cli } = shapeSuite('ferry-versions-');

async function initAndPlan(ws: ShapeWorkspace, args: string[] = []) {
  const init = await cli(ws, ['init']);
  expect(init.exitCode, init.stderr).toBe(0);
  const yaml = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
  const dry = await cli(ws, ['release', '--dry-run', ...args]);
  return { yaml, dry };
}

describe('tag styles (issue 12.3)', () => {
  it('init infers each package’s newest tag style; the plan finds the last release in any style, ignoring non-release tags', async () => {
    const ws = await workspace();
    await mixedTagsShape(ws);
    const { yaml, dry } = await initAndPlan(ws);
    expect(yaml).toMatch(/name: stellar_core, repo: stellar-core, [^\n]*tag: "\{repo\}\/v\{version\}"/);
    expect(yaml).toMatch(/name: "@widgets\/button", [^\n]*tag: "\{name\}@\{version\}"/);
    expect(yaml).toMatch(/name: "@widgets\/card", [^\n]*tag: "\{dir\}-v\{version\}"/);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'stellar-core:stellar_core')).toMatchObject({
      current: '1.2.0',
      new: '1.2.1',
      bump: 'patch',
      commits: '1',
    });
    expect(dry.stdout).toMatch(/stellar-core:stellar_core\s+1\.2\.0\s+tag stellar-core\/v1\.2\.0/);
    expect(planRowOf(dry.stdout, 'widgets:@widgets/button')).toMatchObject({ current: '2.1.0', new: '2.2.0' });
    expect(planRowOf(dry.stdout, 'widgets:@widgets/card')).toMatchObject({ current: '1.0.0', new: '1.0.1' });
    // The new tags are rendered in each package's own style.
    expect(dry.stdout + dry.stderr).toContain('tag -a stellar-core/v1.2.1');
    expect(dry.stdout + dry.stderr).toContain('tag -a @widgets/button@2.2.0');
    expect(dry.stdout + dry.stderr).toContain('tag -a card-v1.0.1');
  });
});

describe('version truth (issue 12.1, 12.2)', () => {
  it('an untagged package starts from its manifest version and counts only commits after it was set', async () => {
    const ws = await workspace();
    await untaggedShape(ws);
    const { dry } = await initAndPlan(ws);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'quasar')).toMatchObject({
      tier: '1',
      current: '0.4.2',
      new: '0.4.3',
      bump: 'patch',
      commits: '1',
      status: 'PLANNED',
    });
    expect(dry.stdout).toMatch(/quasar\s+0\.4\.2\s+manifest \(no release tag yet\)/);
  });

  it('a manifest ahead of the last tag is the current version: never proposed again', async () => {
    const ws = await workspace();
    await manifestAheadShape(ws);
    const { yaml, dry } = await initAndPlan(ws);
    expect(yaml).toMatch(/name: nebula, [^\n]*tag: "v\{version\}"/);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'nebula')).toMatchObject({ current: '1.3.0', new: '1.3.1', commits: '1' });
    expect(dry.stdout).toMatch(/nebula\s+1\.3\.0\s+manifest \(ahead of its last tag v1\.2\.0\)/);
  });

  it('a version that is already tagged stops the dry run with VERSION_EXISTS and the fix, before any gate', async () => {
    const ws = await workspace();
    const r = await maintenanceBranchShape(ws);
    // Someone tagged 1.9.5 on a side branch that release/1.x never merged.
    await r.branch('hotfix-side', 'v1.9.4');
    await r.commit('fix: side fix', { 'src/orbit/side.py': 's = 1\n' });
    await r.tag('v1.9.5', { message: 'v1.9.5' });
    await r.checkout('main');
    await r.push();
    expect((await cli(ws, ['init'])).exitCode).toBe(0);
    const path = join(ws.dir, 'ferry.yaml');
    writeFileSync(path, `${readFileSync(path, 'utf8')}\nrelease:\n  main_branch: release/1.x\n`);
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode).toBe(2);
    expect(dry.stderr).toContain(
      'error[VERSION_EXISTS]: orbit: a patch bump from 1.9.4 proposes 1.9.5, which is already released (tag v1.9.5)',
    );
    expect(dry.stderr).toMatch(/fix: .*--bump minor/);
    const bumped = await cli(ws, ['release', '--dry-run', '--bump', 'major']);
    expect(bumped.exitCode).toBe(2);
    expect(bumped.stderr).toContain('--bump major from 1.9.4 proposes 2.0.0, which is already released (tag v2.0.0)');
  });
});

describe('maintenance branches (issue 19.6)', () => {
  it('the last release is the highest tag reachable from the release branch: a fix on release/1.x after v1.9.4 → 1.9.5', async () => {
    const ws = await workspace();
    await maintenanceBranchShape(ws);
    expect((await cli(ws, ['init'])).exitCode).toBe(0);
    const path = join(ws.dir, 'ferry.yaml');
    const yaml = readFileSync(path, 'utf8');
    const onMain = await cli(ws, ['release', '--dry-run']);
    expect(onMain.exitCode, onMain.stderr).toBe(0);
    expect(planRowOf(onMain.stdout, 'orbit')).toMatchObject({ current: '2.3.0', status: 'NOTHING_TO_RELEASE' });
    writeFileSync(path, `${yaml}\nrelease:\n  main_branch: release/1.x\n`);
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'orbit')).toMatchObject({ current: '1.9.4', new: '1.9.5', commits: '1' });
    expect(dry.stdout).toMatch(/orbit\s+1\.9\.4\s+tag v1\.9\.4/);
  });
});

describe('PEP 440 and npm pre-releases (issue 12.8, 19.9)', () => {
  it('two-part, post and rc tags are read and ordered by PEP 440: last release v2.1, 2.1 → 2.1.1', async () => {
    const ws = await workspace();
    await pep440Shape(ws);
    const { yaml, dry } = await initAndPlan(ws);
    expect(yaml).toMatch(/name: pulsar, [^\n]*tag: "v\{version\}"/);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'pulsar')).toMatchObject({ current: '2.1', new: '2.1.1', commits: '1' });
    expect(dry.stdout + dry.stderr).toContain('tag -a v2.1.1');
  });

  it('npm --prerelease next: 3.0.0-next.2 → 3.0.0-next.3; without it the release graduates to 3.0.0', async () => {
    const ws = await workspace();
    await prereleaseShape(ws);
    const { dry } = await initAndPlan(ws, ['meteor', '--prerelease', 'next']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'meteor')).toMatchObject({ current: '3.0.0-next.2', new: '3.0.0-next.3' });
    const normal = await cli(ws, ['release', '--dry-run', 'meteor']);
    expect(planRowOf(normal.stdout, 'meteor')).toMatchObject({ current: '3.0.0-next.2', new: '3.0.0' });
    const bad = await cli(ws, ['release', '--dry-run', 'comet', '--prerelease', 'next']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("a Python package's pre-release is a, b or rc (PEP 440)");
  });
});

describe('version files (issue 12.9)', () => {
  it('init lists the __version__ module equal to the manifest; the dry run updates it and reports the stale one', async () => {
    const ws = await workspace();
    await versionFilesShape(ws);
    const { yaml, dry } = await initAndPlan(ws);
    expect(yaml).toMatch(/name: photon, [^\n]*version_files: \[src\/photon\/__init__\.py\]/);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'photon')).toMatchObject({ current: '0.7.0', new: '0.7.1' });
    expect(dry.stdout + dry.stderr).toMatch(/photon\/src\/photon\/__init__\.py: __version__ → "0\.7\.1"/);
    expect(dry.stderr).toContain(
      'photon: src/photon_cli/_version.py holds __version__ "0.6.0" and is not in packages[].version_files: the release would leave it stale',
    );
  });
});
