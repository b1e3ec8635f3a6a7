// `ferry init` on repos moving from release-please (issue 13.7): the pre-1.0 policies of
// release-please-config.json (top level or per package path) are written per package, a version
// .release-please-manifest.json records that nothing else holds is warned about, and the dry run
// then plans with the policies (feat! under 1.0 → minor; feat → patch).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preMajorShape } from './fixtures/shapes/pre-major.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { ferry } from './helpers/ferry.js';
import { validateAgainst } from './helpers/schema.js';
import { releasePleasePolicy, releasePleaseVersionWarning } from '../src/config/init-release-please.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

describe('release-please settings, pure', () => {
  const files = {
    config: {
      'bump-minor-pre-major': true,
      packages: { './packages/a/': { 'bump-minor-pre-major': false, 'bump-patch-for-minor-pre-major': true }, '.': {} },
    },
    manifest: { 'packages/a': '0.2.0', '.': '1.0.0' },
    warnings: [],
  };
  it('a package entry overrides the top level; paths compare without ./ and trailing /', () => {
    expect(releasePleasePolicy(files, 'packages/a')).toEqual({
      bump_patch_for_minor_pre_major: true,
      released: '0.2.0',
    });
    expect(releasePleasePolicy(files, '.')).toEqual({ bump_minor_pre_major: true, released: '1.0.0' });
    expect(releasePleasePolicy({ config: null, manifest: null, warnings: [] }, '.')).toEqual({});
  });
  it('warns only when neither the manifest nor a tag holds the recorded version', () => {
    const pkg = { name: 'a', ecosystem: 'npm' as const, version: '0.1.0', repo: 'r' };
    expect(releasePleaseVersionWarning(pkg, '0.2.0', ['a-v0.2.0'])).toBeNull();
    expect(releasePleaseVersionWarning({ ...pkg, version: '0.2.0' }, '0.2.0', [])).toBeNull();
    expect(releasePleaseVersionWarning(pkg, '0.2.0', ['a-v0.1.0'])).toContain(
      'records a 0.2.0, newer than its manifest (0.1.0)',
    );
    expect(releasePleaseVersionWarning(pkg, 'banana', [])).toContain('not a valid version');
  });
});

describe('ferry init reads release-please (issue 13.7)', () => {
  it('writes the policies per package, warns about an untagged recorded version; the dry run applies them', async () => {
    const ws = await shapeWorkspace('ferry-rp-');
    spaces.push(ws);
    await preMajorShape(ws);
    const cli = (args: string[]) => ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });
    const init = await cli(['init']);
    expect(init.exitCode, init.stderr).toBe(0);
    const yaml = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
    expect(yaml).toMatch(/name: kite, .*bump_minor_pre_major: true, bump_patch_for_minor_pre_major: true \}/);
    expect(yaml).toMatch(/name: sail, .*path: packages\/sail, .*bump_patch_for_minor_pre_major: true \}/);
    expect(yaml).not.toMatch(/name: sail, .*bump_minor_pre_major/);
    expect(yaml).not.toMatch(/name: jib, .*pre_major/);
    expect(init.stderr).toContain(
      'warning: sail/.release-please-manifest.json records jib 0.2.0, newer than its manifest (0.1.0) and held by no tag',
    );
    expect(init.stderr).not.toMatch(/records (kite|sail) /);

    const json = await cli(['--json', 'init', '--force']);
    const result = JSON.parse(json.stdout.trim().split('\n').pop()!) as { packages: Record<string, unknown>[] };
    expect(validateAgainst('init-result', result)).toEqual([]);
    expect(result.packages.find((p) => p.name === 'kite')).toMatchObject({ bump_minor_pre_major: true });

    const dry = await cli(['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/kite\s+\| 1\s+\| 0\.3\.0\s+\| 0\.4\.0\s+\| minor/);
    expect(dry.stdout).toMatch(/sail\s+\| 1\s+\| 0\.9\.0\s+\| 0\.9\.1\s+\| patch/);
  });
});
