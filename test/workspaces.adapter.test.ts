// Issue 12 point 7 (Python monorepos) and issue 19 point 3 (uv, pnpm and yarn workspaces) on
// generated repos of each shape (real git, real bare remotes), as a new user runs ferry: `ferry init`
// with defaults, then `ferry release --dry-run`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverPackages } from '../src/config/discover.js';
import { pythonSubfolderMembers, uvMembers } from '../src/config/members.js';
import { planRowOf } from './helpers/plan-table.js';
import { pythonMonorepoShape } from './fixtures/shapes/python-monorepo.js';
import { type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { shapeSuite } from './helpers/shape-suite.js';
import { pnpmWorkspaceShape, uvWorkspaceShape, yarnWorkspaceShape } from './fixtures/shapes/workspaces.js';

const { workspace, cli } = shapeSuite('ferry-workspaces-');

async function initAndPlan(ws: ShapeWorkspace) {
  const init = await cli(ws, ['init']);
  expect(init.exitCode, init.stderr).toBe(0);
  const yaml = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
  const check = await cli(ws, ['config', 'check']);
  expect(check.exitCode, check.stderr).toBe(0);
  const dry = await cli(ws, ['release', '--dry-run']);
  expect(dry.exitCode, dry.stderr).toBe(0);
  return { yaml, dry, init };
}

/** The package lines of ferry.yaml as `name path tier`. */
const packageLines = (yaml: string): string[] =>
  [...yaml.matchAll(/^ {2}- \{ name: "?([^",]+)"?, repo: [^,]+, (?:path: ([^,]+), )?ecosystem: \w+, tier: (\d)/gm)]
    .map((m) => `${m[1]} ${m[2] ?? '.'} ${m[3]}`)
    .sort();

describe('Python monorepo without a workspace tool (issue 12.7)', () => {
  it('init finds every pyproject.toml package in sub-folders, skips tool-only, example and test projects; each is tagged on its own', async () => {
    const ws = await workspace();
    const r = await pythonMonorepoShape(ws);
    expect(pythonSubfolderMembers(r.dir)).toEqual([
      'libs/lattice-utils',
      'packages/lattice-core',
      'packages/lattice-http',
    ]);
    const { yaml, dry } = await initAndPlan(ws);
    expect(packageLines(yaml)).toEqual([
      'lattice-core packages/lattice-core 1',
      'lattice-http packages/lattice-http 2',
      'lattice-utils libs/lattice-utils 1',
    ]);
    expect(yaml).toMatch(/name: lattice-core, [^\n]*tag: "\{name\}-v\{version\}"/);
    expect(planRowOf(dry.stdout, 'lattice:lattice-core')).toMatchObject({ current: '1.2.0', new: '1.2.1' });
    expect(planRowOf(dry.stdout, 'lattice:lattice-http')).toMatchObject({ current: '0.3.0', new: '0.4.0', tier: '2' });
    expect(planRowOf(dry.stdout, 'lattice:lattice-utils')).toMatchObject({ current: '0.1.0', new: '-' });
    const out = dry.stdout + dry.stderr;
    expect(out).toContain('tag -a lattice-core-v1.2.1');
    expect(out).toContain('tag -a lattice-http-v0.4.0');
    expect(out).toMatch(/packages\/lattice-http\/pyproject\.toml: version 0\.3\.0 → 0\.4\.0/);
    // PIN says the edit the real run makes (python pins exact by default).
    expect(out).toMatch(/packages\/lattice-http\/pyproject\.toml: pin lattice-core>=1\.0 → lattice-core==1\.2\.1/);
  });
});

describe('workspace tools (issue 19.3)', () => {
  it('uv: members/exclude globs; the virtual root and non-members are not packages; workspace = true deps order tiers', async () => {
    const ws = await workspace();
    const r = await uvWorkspaceShape(ws);
    expect(uvMembers(r.dir, { members: ['packages/*'], exclude: ['packages/legacy'] })).toEqual([
      'packages/aurora-cli',
      'packages/aurora-core',
    ]);
    const { yaml, dry, init } = await initAndPlan(ws);
    expect(init.stderr).not.toMatch(/aurora\/pyproject\.toml/); // the root is not a package, and not a warning
    expect(packageLines(yaml)).toEqual(['aurora-cli packages/aurora-cli 2', 'aurora-core packages/aurora-core 1']);
    expect(planRowOf(dry.stdout, 'aurora:aurora-core')).toMatchObject({ current: '1.0.0', new: '1.0.1' });
    expect(planRowOf(dry.stdout, 'aurora:aurora-cli')).toMatchObject({ current: '0.2.0', new: '0.3.0', tier: '2' });
    expect(dry.stdout + dry.stderr).toContain('tag -a aurora-cli/v0.3.0');
  });

  it('pnpm: pnpm-workspace.yaml globs with a negation; the private root is left out; workspace: deps order tiers', async () => {
    const ws = await workspace();
    await pnpmWorkspaceShape(ws);
    const { yaml, dry } = await initAndPlan(ws);
    expect(packageLines(yaml)).toEqual([
      '@prism/core packages/core 1',
      '@prism/icons packages/icons 2',
      '@prism/react packages/react 2',
    ]);
    expect(yaml).toMatch(/name: "@prism\/core", [^\n]*tag: "\{name\}@\{version\}"/);
    expect(planRowOf(dry.stdout, 'prism:@prism/core')).toMatchObject({ current: '1.4.0', new: '1.4.1' });
    // The dependents have no commits of their own: the dependent cascade patches them.
    expect(planRowOf(dry.stdout, 'prism:@prism/react')).toMatchObject({ current: '0.9.0', new: '0.9.1', tier: '2' });
    // The repo keeps its workspace: specs; the dry run says so instead of promising a pin.
    const out = dry.stdout + dry.stderr;
    expect(out).toMatch(
      /packages\/react\/package\.json: pin @prism\/core stays "workspace:\^" \(resolved when packed\)/,
    );
    expect(out).toMatch(
      /packages\/icons\/package\.json: pin @prism\/core stays "workspace:\*" \(resolved when packed\)/,
    );
  });

  it('yarn: the object form of workspaces (packages + nohoist)', async () => {
    const ws = await workspace();
    await yarnWorkspaceShape(ws);
    const { yaml, dry } = await initAndPlan(ws);
    expect(packageLines(yaml)).toEqual(['quill-parser packages/parser 1', 'quill-render packages/render 2']);
    expect(planRowOf(dry.stdout, 'quill:quill-render')).toMatchObject({ current: '3.1.0', new: '3.2.0' });
    expect(planRowOf(dry.stdout, 'quill:quill-parser')).toMatchObject({ current: '3.1.0', new: '-' });
  });

  it('a private Python root (Private :: classifier or [tool.uv] package = false) is never a package', async () => {
    const ws = await workspace();
    const r = await ws.repo('mono');
    await r.commit('initial', {
      'pyproject.toml':
        '[project]\nname = "mono-dev"\nversion = "0.0.0"\nclassifiers = ["Private :: Do Not Upload"]\n\n' +
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
      'pkgs/one/pyproject.toml': '[project]\nname = "mono-one"\nversion = "1.0.0"\n',
      'pkgs/tools/pyproject.toml': '[project]\nname = "mono-tools"\nversion = "0.0.0"\n\n[tool.uv]\npackage = false\n',
    });
    const found = discoverPackages(ws.dir);
    expect(found.packages.map((p) => `${p.name} ${p.path}`)).toEqual(['mono-one pkgs/one']);
    expect(found.warnings).toEqual([]);
  });
});
