// Issue 19 point 5: packages whose version is dynamic, released for real after `ferry init` (real
// git, real `python3 -m build --no-isolation` with Debian's hatchling, hatch-vcs, setuptools and
// setuptools-scm, uploaded by real twine to the local PyPI). VCS-versioned packages are released by
// tagging only (the manifest is never edited) and the build of the tag is the tagged version; a
// module-versioned package gets the new version written into that module. A dynamic version ferry
// cannot read stops the dry run, before any gate.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../fixtures/git.js';
import {
  hatchPathShape,
  hatchVcsShape,
  setuptoolsAttrShape,
  setuptoolsScmShape,
} from '../fixtures/shapes/dynamic-versions.js';
import { ferry } from '../helpers/ferry.js';
import { publishingSuite } from '../helpers/publishing.js';
import { planRowOf } from '../helpers/plan-table.js';

const suite = publishingSuite();

async function filesOn(name: string): Promise<string[]> {
  const r = await fetch(`${suite.pypi.url}simple/${name}/`, {
    headers: { accept: 'application/vnd.pypi.simple.v1+json' },
  });
  if (r.status !== 200) return [];
  return ((await r.json()) as { files: { filename: string }[] }).files.map((f) => f.filename).sort();
}

describe('dynamic versions (issue 19.5)', () => {
  it(
    'vcs versions are released by tagging only and build as the tag; module versions are written into the module',
    { timeout: 300_000 },
    async () => {
      const ws = await suite.workspace('ferry-dynver-');
      const helio = await hatchVcsShape(ws);
      const terra = await setuptoolsScmShape(ws);
      const zephyr = await hatchPathShape(ws);
      const sirocco = await setuptoolsAttrShape(ws);
      const cli = (args: string[]) =>
        ferry(['--state-dir', join(ws.root, '.ferry'), ...args], {
          cwd: ws.dir,
          env: { FERRY_TEST_PYPI_TOKEN: suite.pypi.token },
        });
      expect((await cli(['init'])).exitCode).toBe(0);
      const cfg = join(ws.dir, 'ferry.yaml');
      writeFileSync(
        cfg,
        readFileSync(cfg, 'utf8').replace(/ tier: (\d),/g, ' tier: $1, publish: pypi,') +
          `registries:\n  pypi: { kind: pypi, url: "${suite.pypi.uploadUrl}", index: "${suite.pypi.url}", token_env: FERRY_TEST_PYPI_TOKEN,\n` +
          // NOTE: Debian's hatchling does not list its own `editables` dependency as installed.
          `    build: ["{python}", -m, build, --no-isolation, --skip-dependency-check, --outdir, "{dist}", .] }\n`,
      );
      const before = { helio: helio.read('pyproject.toml'), terra: terra.read('pyproject.toml') };

      const dry = await cli(['release', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(planRowOf(dry.stdout, 'helio')).toMatchObject({ current: '1.3.0', new: '1.3.1' });
      expect(planRowOf(dry.stdout, 'terra')).toMatchObject({ current: '0.8.0', new: '0.9.0' });
      expect(planRowOf(dry.stdout, 'zephyr')).toMatchObject({ current: '2.0.0', new: '2.0.1' });
      expect(planRowOf(dry.stdout, 'sirocco')).toMatchObject({ current: '0.5.0', new: '0.5.1' });
      expect(dry.stdout).toMatch(
        /helio\s+1\.3\.0\s+tag v1\.3\.0; version from git tags \(hatch-vcs\): released by tagging only/,
      );
      expect(dry.stdout).toMatch(
        /zephyr\s+2\.0\.0\s+tag v2\.0\.0; version kept in src\/zephyr\/__about__\.py \(hatchling\)/,
      );
      const out = dry.stdout + dry.stderr;
      expect(out).toContain('version from git tags (hatch-vcs): no manifest edit; the release tag makes it 1.3.1');
      expect(out).toContain('version from git tags (setuptools-scm): no manifest edit; the release tag makes it 0.9.0');
      expect(out).toMatch(/zephyr\/src\/zephyr\/__about__\.py: __version__ → "2\.0\.1"/);
      expect(out).toMatch(/sirocco\/src\/sirocco\/__init__\.py: __version__ → "0\.5\.1"/);
      expect(out).not.toMatch(/(helio|terra|zephyr|sirocco)\/pyproject\.toml: version/);
      expect(out).not.toContain('would leave it stale');

      const id = 'release-20261203-cccccc';
      const run = await cli(['release', '--run-id', id, '--gate-attestation', `1740312612.000100:${id}`]);
      expect(run.exitCode, run.stderr + run.stdout).toBe(0);

      const show = (r: { remote: string }, path: string) => git(r.remote, ['show', `main:${path}`]);
      // Tag only: the manifests are as they were; the tags are on main's release commits.
      expect(await show(helio, 'pyproject.toml')).toBe(before.helio.trimEnd());
      expect(await show(terra, 'pyproject.toml')).toBe(before.terra.trimEnd());
      expect(await git(helio.remote, ['tag', '--points-at', 'main'])).toBe('v1.3.1');
      expect(await git(terra.remote, ['tag', '--points-at', 'main'])).toBe('v0.9.0');
      expect(await show(zephyr, 'src/zephyr/__about__.py')).toContain('__version__ = "2.0.1"');
      expect(await show(sirocco, 'src/sirocco/__init__.py')).toContain('__version__ = "0.5.1"');
      // What the build of each tag produced, as the index serves it.
      expect(await filesOn('helio')).toEqual(['helio-1.3.1-py3-none-any.whl', 'helio-1.3.1.tar.gz']);
      expect(await filesOn('terra')).toEqual(['terra-0.9.0-py3-none-any.whl', 'terra-0.9.0.tar.gz']);
      expect(await filesOn('zephyr')).toEqual(['zephyr-2.0.1-py3-none-any.whl', 'zephyr-2.0.1.tar.gz']);
      expect(await filesOn('sirocco')).toEqual(['sirocco-0.5.1-py3-none-any.whl', 'sirocco-0.5.1.tar.gz']);
    },
  );

  it('a dynamic version ferry cannot read or write stops the dry run with CONFIG_INVALID and the fix', async () => {
    const ws = await suite.workspace('ferry-dynver-bad-');
    const r = await ws.repo('gale');
    await r.commit('initial', {
      'pyproject.toml':
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n' +
        '[project]\nname = "gale"\ndynamic = ["version"]\n\n[tool.setuptools.dynamic]\nversion = { file = "VERSION" }\n',
      VERSION: '1.0.0\n',
    });
    await r.tag('v1.0.0');
    await r.commit('fix: x', { 'x.py': 'x = 1\n' });
    await r.push();
    const cli = (args: string[]) => ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });
    expect((await cli(['init'])).exitCode).toBe(0);
    const dry = await cli(['release', '--dry-run']);
    expect(dry.exitCode).toBe(2);
    expect(dry.stderr).toContain(
      'error[CONFIG_INVALID]: gale: pyproject.toml: setuptools reads the version from a plain file (version = { file = … }); ferry can neither read nor write its version',
    );
    expect(dry.stderr).toContain('fix: give it a static version = "X.Y.Z" under [project]');
  });

  it('a release tag the VCS plugin would not read stops the dry run before any gate', async () => {
    const ws = await suite.workspace('ferry-dynver-tag-');
    await hatchVcsShape(ws);
    const cli = (args: string[]) => ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });
    expect((await cli(['init'])).exitCode).toBe(0);
    const cfg = join(ws.dir, 'ferry.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('tag: "v{version}"', 'tag: "{name}/v{version}"'));
    const dry = await cli(['release', '--dry-run']);
    expect(dry.exitCode).toBe(2);
    expect(dry.stderr).toContain(
      'error[CONFIG_INVALID]: helio: hatch-vcs reads its version from tags like v1.3.1 or helio-v1.3.1; the release tag helio/v1.3.1 would not build as 1.3.1',
    );
  });
});
