// Issue 12 acceptance: `ferry init` on a workspace holding every real-world shape at once writes a
// ferry.yaml that `ferry release --dry-run` plans correctly with no hand edits (right current
// versions, right last tags, right branches, no cycle). Each shape file adds its repos; add a shape
// here and its expected rows to EXPECTED when you add one to test/fixtures/shapes/.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ferry } from '../helpers/ferry.js';
import { devBranchShape } from '../fixtures/shapes/dev-branch.js';
import { extrasShape } from '../fixtures/shapes/extras-cycle.js';
import { maintenanceBranchShape } from '../fixtures/shapes/maintenance-branch.js';
import { mixedTagsShape } from '../fixtures/shapes/mixed-tags.js';
import { pep440Shape, prereleaseShape } from '../fixtures/shapes/pep440.js';
import { shapeWorkspace, type ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { manifestAheadShape, untaggedShape } from '../fixtures/shapes/untagged.js';
import { versionFilesShape } from '../fixtures/shapes/version-files.js';
import { planRowOf } from '../helpers/plan-table.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

/** Plan row label → [current, new (or - for nothing to release), where current comes from]. */
const EXPECTED: Record<string, [string, string, RegExp]> = {
  'stellar-core:stellar_core': ['1.2.0', '1.2.1', /tag stellar-core\/v1\.2\.0/],
  'widgets:@widgets/button': ['2.1.0', '2.2.0', /tag @widgets\/button@2\.1\.0/],
  'widgets:@widgets/card': ['1.0.0', '1.0.1', /tag card-v1\.0\.0/],
  quasar: ['0.4.2', '0.4.3', /manifest \(no release tag yet\)/],
  nebula: ['1.3.0', '1.3.1', /manifest \(ahead of its last tag v1\.2\.0\)/],
  pulsar: ['2.1', '2.1.1', /tag v2\.1$/m],
  comet: ['1.0.0', '1.1.0', /tag v1\.0\.0/],
  meteor: ['3.0.0-next.2', '3.0.0', /tag v3\.0\.0-next\.2/],
  orbit: ['2.3.0', '-', /tag v2\.3\.0/],
  photon: ['0.7.0', '0.7.1', /tag v0\.7\.0/],
  'acme-core': ['1.4.0', '1.4.1', /tag v1\.4\.0/],
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
    for (const [label, [current, next, from]] of Object.entries(EXPECTED)) {
      expect(planRowOf(dry.stdout, label), label).toMatchObject({ current, new: next });
      const line = sources.split('\n').find((l) => l.trim().startsWith(`${label} `)) ?? '';
      expect(line, label).toMatch(from);
    }
  });
});
