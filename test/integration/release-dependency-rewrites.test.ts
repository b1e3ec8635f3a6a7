// Same-run dependencies declared as git sources and uv overrides/constraints (issue 13 points 1-3),
// released for real on generated repos: real builds (setuptools, hatchling, poetry-core), the
// testkit PyPI index (which refuses direct-URL Requires-Dist, as the real one does), and the
// uploaded wheels' METADATA read back from the index.
import { describe, expect, it } from 'vitest';
import { git } from '../../src/testkit/git.js';
import { gitDepsShape, ORBIT_CORE_GIT } from '../fixtures/shapes/git-deps.js';
import { uvOverridesShape } from '../fixtures/shapes/uv-overrides.js';
import type { ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { initPublishing, publishingSuite, shapeCli, wheelRequiresDist } from '../helpers/publishing.js';
import { validateAgainst } from '../helpers/schema.js';

const suite = publishingSuite();

const gated = (id: string) => ['--run-id', id, '--gate-attestation', `1740312612.000100:${id}`];
const onRemote = (ws: ShapeWorkspace, repo: string, path: string) =>
  git(ws.repos.get(repo)!.remote, ['show', `main:${path}`]);

describe('git, PEP 508 and uv-source dependencies become versions (issue 13.1, 13.3)', () => {
  it(
    'the plan lists each rewrite with file:line; the uploaded wheels require orbit-core==1.0.1',
    { timeout: 900_000 },
    async () => {
      const ws = await suite.workspace('ferry-gitdeps-');
      await gitDepsShape(ws);
      await initPublishing(ws, suite.pypi);
      const cli = shapeCli(ws, suite.pypi);

      const dry = await cli(['release', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('dependency rewrites (same-run dependencies → the released versions):');
      expect(dry.stdout).toContain(
        `  orbit-pep508  pyproject.toml:12  orbit-core @ git+${ORBIT_CORE_GIT}@v1.0.0 → orbit-core==1.0.1 (git source → version)`,
      );
      expect(dry.stdout).toContain(
        `  orbit-poetry  pyproject.toml:11  orbit-core = { git = "${ORBIT_CORE_GIT}", tag = "v1.0.0" } → orbit-core = "==1.0.1" (git source → version)`,
      );
      expect(dry.stdout).toContain('  orbit-uv      pyproject.toml:12  orbit-core → orbit-core==1.0.1 (pin)');
      expect(dry.stdout).toContain(
        `  orbit-uv      pyproject.toml:19  [tool.uv.sources] orbit-core = { git = "${ORBIT_CORE_GIT}" } → removed (uv source no longer needed)`,
      );
      // The preflight built the rewritten packages: the index will take them.
      expect(dry.stderr).toContain('preflight: orbit-poetry 0.4.1 builds and is publishable');

      const json = await cli(['--json', 'release', '--dry-run']);
      const result = JSON.parse(json.stdout.trim().split('\n').pop()!) as {
        details: { repo: string; dependency_rewrites?: { kind: string; file: string; line: number }[] }[];
      };
      expect(validateAgainst('release-result', result)).toEqual([]);
      const uv = result.details.find((d) => d.repo === 'orbit-uv')!;
      expect(uv.dependency_rewrites!.map((r) => [r.kind, r.file])).toEqual([
        ['pin', 'pyproject.toml'],
        ['source-removed', 'pyproject.toml'],
      ]);
      expect(result.details.find((d) => d.repo === 'orbit-core')!.dependency_rewrites).toBeUndefined();

      const real = await cli(['release', ...gated('release-20261203-cc0001')]);
      expect(real.exitCode, `${real.stdout}\n${real.stderr}`).toBe(0);
      // Same plan, same commits, same config: the pass is remembered, nothing is built twice.
      expect(real.stderr).toMatch(
        /preflight: orbit-core 1\.0\.1, .* passed at \S+ from these same commits and config; not built again/,
      );
      for (const [name, version] of [
        ['orbit-poetry', '0.4.1'],
        ['orbit-pep508', '2.3.1'],
        ['orbit-uv', '0.9.2'],
      ] as const) {
        const requires = await wheelRequiresDist(suite.pypi, name, version);
        expect(requires, name).toContain('orbit-core==1.0.1');
        expect(requires.join('\n'), name).not.toContain('@');
      }
      const uvToml = await onRemote(ws, 'orbit-uv', 'pyproject.toml');
      expect(uvToml).not.toContain('tool.uv.sources');
      expect(uvToml).not.toContain(ORBIT_CORE_GIT);
      expect(await onRemote(ws, 'orbit-poetry', 'pyproject.toml')).toMatch(/orbit-core = "==1\.0\.1"/);
    },
  );
});

describe('uv overrides and constraints admit the new version (issue 13.2)', () => {
  it('override → ==1.5.0, constraint bounds moved, comments kept', { timeout: 600_000 }, async () => {
    const ws = await suite.workspace('ferry-uv-');
    await uvOverridesShape(ws);
    await initPublishing(ws, suite.pypi);
    const cli = shapeCli(ws, suite.pypi);
    const dry = await cli(['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('  tide-app  pyproject.toml:12  tide-core>=1.4 → tide-core==1.5.0 (pin)');
    expect(dry.stdout).toContain('  tide-app  pyproject.toml:20  tide-core==1.4.0 → tide-core==1.5.0 (uv override)');
    expect(dry.stdout).toContain(
      '  tide-app  pyproject.toml:22  tide-core>=1.4,<1.5 → tide-core>=1.5.0 (uv constraint)',
    );

    const real = await cli(['release', ...gated('release-20261203-cc0002')]);
    expect(real.exitCode, `${real.stdout}\n${real.stderr}`).toBe(0);
    const toml = await onRemote(ws, 'tide-app', 'pyproject.toml');
    expect(toml).toContain('override-dependencies = ["tide-core==1.5.0"]');
    expect(toml).toContain('"tide-core>=1.5.0",  # 1.5 changes the tables');
    expect(toml).toContain('# keep every environment on the tested tide-core');
    expect(await wheelRequiresDist(suite.pypi, 'tide-app', '0.2.1')).toContain('tide-core==1.5.0');
  });
});
