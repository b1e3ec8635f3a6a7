// Issue 12 acceptance: `ferry init` on a workspace holding every real-world shape at once writes a
// ferry.yaml that `ferry release --dry-run` plans correctly with no hand edits (right current
// versions, right last tags, right branches, no cycle), in the plan table and in the --json result and
// TAG steps. Each shape file adds its repos; add a shape
// here and its expected rows to EXPECTED when you add one to test/fixtures/shapes/.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ferry } from '../helpers/ferry.js';
import { changelogShape } from '../fixtures/shapes/changelogs.js';
import { devBranchShape } from '../fixtures/shapes/dev-branch.js';
import {
  hatchPathShape,
  hatchVcsShape,
  setuptoolsAttrShape,
  setuptoolsScmShape,
} from '../fixtures/shapes/dynamic-versions.js';
import { extrasShape } from '../fixtures/shapes/extras-cycle.js';
import { maintenanceBranchShape } from '../fixtures/shapes/maintenance-branch.js';
import { mixedTagsShape } from '../fixtures/shapes/mixed-tags.js';
import { idlePackageShape, nonConventionalShape } from '../fixtures/shapes/non-conventional.js';
import { pep440Shape, prereleaseShape } from '../fixtures/shapes/pep440.js';
import { pythonMonorepoShape } from '../fixtures/shapes/python-monorepo.js';
import { shapeWorkspace, type ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { manifestAheadShape, untaggedShape } from '../fixtures/shapes/untagged.js';
import { versionFilesShape } from '../fixtures/shapes/version-files.js';
import { pnpmWorkspaceShape, uvWorkspaceShape, yarnWorkspaceShape } from '../fixtures/shapes/workspaces.js';
import { planRowOf } from '../helpers/plan-table.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

/**
 * Plan row label → [current, new (or - for nothing to release), where current comes from, the new
 * tag (null: nothing to tag), the branch it is cut from when not main].
 */
const EXPECTED: Record<string, [string, string, RegExp, string | null, string?]> = {
  'stellar-core:stellar_core': ['1.2.0', '1.2.1', /tag stellar-core\/v1\.2\.0/, 'stellar-core/v1.2.1'],
  'widgets:@widgets/button': ['2.1.0', '2.2.0', /tag @widgets\/button@2\.1\.0/, '@widgets/button@2.2.0'],
  'widgets:@widgets/card': ['1.0.0', '1.0.1', /tag card-v1\.0\.0/, 'card-v1.0.1'],
  quasar: ['0.4.2', '0.4.3', /manifest \(no release tag yet\)/, 'quasar/v0.4.3'],
  nebula: ['1.3.0', '1.3.1', /manifest \(ahead of its last tag v1\.2\.0\)/, 'v1.3.1'],
  pulsar: ['2.1', '2.1.1', /tag v2\.1$/m, 'v2.1.1'],
  comet: ['1.0.0', '1.1.0', /tag v1\.0\.0/, 'v1.1.0'],
  meteor: ['3.0.0-next.2', '3.0.0', /tag v3\.0\.0-next\.2/, 'v3.0.0'],
  orbit: ['2.3.0', '-', /tag v2\.3\.0/, null],
  photon: ['0.7.0', '0.7.1', /tag v0\.7\.0/, 'v0.7.1'],
  'acme-core': ['1.4.0', '1.4.1', /tag v1\.4\.0/, 'v1.4.1'],
  // release branches: the remote's default branch, else the one that exists
  'acme-dev': ['2.3.0', '2.3.1', /tag acme-dev\/v2\.3\.0/, 'acme-dev/v2.3.1', 'dev'],
  'acme-legacy': ['0.9.0', '0.10.0', /tag acme-legacy\/v0\.9\.0/, 'acme-legacy/v0.10.0', 'master'],
  'acme-plain': ['1.0.0', '1.0.1', /tag acme-plain\/v1\.0\.0/, 'acme-plain/v1.0.1'],
  // extras and dev groups make no edge (no cycle); acme-plugin needs acme-core (cascade)
  'acme-plugin': ['0.2.0', '0.2.1', /manifest \(no release tag yet\)/, 'acme-plugin/v0.2.1'],
  'web:@acme/ui': ['2.0.0', '-', /manifest \(no release tag yet\)/, null],
  // changelogs
  'acme-kac': ['1.1.0', '1.2.0', /tag acme-kac\/v1\.1\.0/, 'acme-kac/v1.2.0'],
  'acme-prewritten': ['2.0.0', '2.0.1', /tag acme-prewritten\/v2\.0\.0/, 'acme-prewritten/v2.0.1'],
  // non-conventional history (release.default_bump none) and an idle package
  meadow: ['1.2.0', '-', /tag v1\.2\.0/, null],
  brook: ['0.5.0', '-', /tag v0\.5\.0/, null],
  // Python monorepo without a workspace tool
  'lattice:lattice-core': ['1.2.0', '1.2.1', /tag lattice-core-v1\.2\.0/, 'lattice-core-v1.2.1'],
  'lattice:lattice-http': ['0.3.0', '0.4.0', /tag lattice-http-v0\.3\.0/, 'lattice-http-v0.4.0'],
  'lattice:lattice-utils': ['0.1.0', '-', /manifest \(no release tag yet\)/, null],
  // uv, pnpm and yarn workspaces
  'aurora:aurora-core': ['1.0.0', '1.0.1', /tag aurora-core\/v1\.0\.0/, 'aurora-core/v1.0.1'],
  'aurora:aurora-cli': ['0.2.0', '0.3.0', /tag aurora-cli\/v0\.2\.0/, 'aurora-cli/v0.3.0'],
  'prism:@prism/core': ['1.4.0', '1.4.1', /tag @prism\/core@1\.4\.0/, '@prism/core@1.4.1'],
  'prism:@prism/react': ['0.9.0', '0.9.1', /tag @prism\/react@0\.9\.0/, '@prism/react@0.9.1'],
  'prism:@prism/icons': ['2.0.0', '2.0.1', /tag @prism\/icons@2\.0\.0/, '@prism/icons@2.0.1'],
  'quill:quill-parser': ['3.1.0', '-', /tag quill-parser-v3\.1\.0/, null],
  'quill:quill-render': ['3.1.0', '3.2.0', /tag quill-render-v3\.1\.0/, 'quill-render-v3.2.0'],
  // dynamic versions
  helio: ['1.3.0', '1.3.1', /tag v1\.3\.0; version from git tags \(hatch-vcs\)/, 'v1.3.1'],
  terra: ['0.8.0', '0.9.0', /tag v0\.8\.0; version from git tags \(setuptools-scm\)/, 'v0.9.0'],
  zephyr: ['2.0.0', '2.0.1', /tag v2\.0\.0; version kept in src\/zephyr\/__about__\.py/, 'v2.0.1'],
  sirocco: ['0.5.0', '0.5.1', /tag v0\.5\.0; version kept in src\/sirocco\/__init__\.py/, 'v0.5.1'],
};

describe('ferry init on every real-world shape at once (issue 12 acceptance)', () => {
  it('writes a ferry.yaml that the dry run plans with no hand edits', { timeout: 300_000 }, async () => {
    const ws = await shapeWorkspace('ferry-realworld-');
    spaces.push(ws);
    await extrasShape(ws);
    await devBranchShape(ws);
    await mixedTagsShape(ws);
    await untaggedShape(ws);
    await manifestAheadShape(ws);
    await pep440Shape(ws);
    await prereleaseShape(ws);
    await maintenanceBranchShape(ws);
    await versionFilesShape(ws);
    await changelogShape(ws);
    await nonConventionalShape(ws);
    await idlePackageShape(ws);
    await pythonMonorepoShape(ws);
    await uvWorkspaceShape(ws);
    await pnpmWorkspaceShape(ws);
    await yarnWorkspaceShape(ws);
    await hatchVcsShape(ws);
    await setuptoolsScmShape(ws);
    await hatchPathShape(ws);
    await setuptoolsAttrShape(ws);
    const cli = (args: string[]) => ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });

    const init = await cli(['init']);
    expect(init.exitCode, init.stderr).toBe(0);
    const yaml = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
    expect(yaml).toMatch(/name: stellar_core, [^\n]*tag: "\{repo\}\/v\{version\}"/);
    expect(yaml).toMatch(/name: photon, [^\n]*version_files: \[src\/photon\/__init__\.py\]/);
    expect((await cli(['config', 'check'])).exitCode).toBe(0);

    const dry = await cli(['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const sources = dry.stdout.slice(dry.stdout.indexOf('current versions:'));
    for (const [label, [current, next, from, , branch]] of Object.entries(EXPECTED)) {
      expect(planRowOf(dry.stdout, label), label).toMatchObject({ current, new: next, branch: branch ?? 'main' });
      const line = sources.split('\n').find((l) => l.trim().startsWith(`${label} `)) ?? '';
      expect(line, label).toMatch(from);
    }

    // What an agent reads: the --json result's versions and the tag each TAG step would create.
    const json = await cli(['release', '--dry-run', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const result = lines.at(-1) as {
      status: string;
      details: { repo: string; old_version: string; new_version: string | null }[];
    };
    expect(result.status).toBe('DRY_RUN');
    const tagOf = new Map(
      lines
        .filter((e) => e.type === 'step.skipped' && String(e.step).endsWith('/TAG'))
        .map((e) => {
          const intents = (e.data as { intents: { text: string }[] }).intents;
          return [String(e.step).slice(0, -'/TAG'.length), / tag (?:-a )?(\S+)/.exec(intents[0]!.text)![1]!] as const;
        }),
    );
    for (const [label, [current, next, , tag]] of Object.entries(EXPECTED)) {
      const pkg = label.includes(':') ? label.slice(label.indexOf(':') + 1) : label;
      expect(
        result.details.find((d) => d.repo === pkg),
        label,
      ).toMatchObject({
        old_version: current,
        new_version: next === '-' ? null : next,
      });
      expect(tagOf.get(pkg) ?? null, label).toBe(tag);
    }
  });
});
