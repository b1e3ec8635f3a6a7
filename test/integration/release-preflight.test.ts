// Preflight (issue 13 point 4) on generated repos, with real builds (python -m build --no-isolation)
// and the testkit PyPI index: a package whose build fails in a clean checkout, and one whose wheel
// a PyPI-style index refuses, stop the dry run and the real run before the gate — every bare
// remote's refs, the clones and the index are byte-identical afterwards.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { brokenBuildShape, directUrlShape, npmGitDepShape } from '../fixtures/shapes/broken-build.js';
import type { ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { initPublishing as initPublishingTo, publishingSuite, shapeCli } from '../helpers/publishing.js';
import { snapshotRepos } from '../../src/testkit/snapshot.js';

const suite = publishingSuite();

const cli = (ws: ShapeWorkspace, args: string[]) => shapeCli(ws, suite.pypi)(args);
const initPublishing = (ws: ShapeWorkspace) => initPublishingTo(ws, suite.pypi);

/** Clones (refs, index, working trees), every bare remote's refs, and what the index serves. */
async function world(ws: ShapeWorkspace) {
  const repos = await snapshotRepos(
    [...ws.repos.values()].map((r) => ({ name: r.name, dir: r.dir, remote: r.remote })),
  );
  const simple = await (await fetch(`${suite.pypi.url}simple/`)).text();
  return { repos: repos.lines, simple, files: suite.pypi.files().map((f) => f.filename) };
}

const gated = (id: string) => ['--run-id', id, '--gate-attestation', `1740312612.000100:${id}`];

describe('preflight before the gate (issue 13.4)', () => {
  it(
    'a build that fails in a clean checkout stops the dry run and the real run; nothing changes anywhere',
    { timeout: 600_000 },
    async () => {
      const ws = await suite.workspace('ferry-preflight-');
      await brokenBuildShape(ws);
      await initPublishing(ws);
      const before = await world(ws);

      const dry = await cli(ws, ['release', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(1);
      expect(dry.stderr).toContain('preflight: gear-core 0.3.1 builds and is publishable');
      expect(dry.stderr).toContain('error[PREFLIGHT_FAILED]: preflight: gear-app 1.2.1: the build of 1.2.1 failed:');
      // The build's last lines say why; the fix names the package and the way on.
      expect(dry.stderr).toMatch(/FileNotFoundError: .*'requirements\.txt'/);
      expect(dry.stderr).toMatch(/fix: fix gear-app \(.*gear-app\) and push; nothing was branched, tagged, merged/);
      expect(dry.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace

      const id = 'release-20261203-bb0001';
      const real = await cli(ws, ['release', ...gated(id)]);
      expect(real.exitCode, real.stderr).toBe(1);
      expect(real.stderr).toContain('error[PREFLIGHT_FAILED]: preflight: gear-app 1.2.1');
      expect(real.stdout).not.toContain('gear-core/BRANCH');
      const result = JSON.parse(readFileSync(join(ws.root, '.ferry', 'results', id, 'release.json'), 'utf8'));
      expect(result.error.code).toBe('PREFLIGHT_FAILED');
      expect(result.error.details).toMatchObject({ package: 'gear-app', version: '1.2.1' });
      expect(suite.pypi.requests.filter((r) => r.method === 'POST')).toEqual([]);
      expect(await world(ws)).toEqual(before);

      // For people who know what they do: the plan goes on without the build.
      const skipped = await cli(ws, ['release', '--dry-run', '--skip-preflight']);
      expect(skipped.exitCode, skipped.stderr).toBe(0);
      expect(skipped.stderr).not.toContain('preflight:');
    },
  );

  it(
    'a wheel with a direct-URL Requires-Dist is refused before the gate, naming the line',
    { timeout: 300_000 },
    async () => {
      const ws = await suite.workspace('ferry-preflight-url-');
      await directUrlShape(ws);
      await initPublishing(ws);
      const before = await world(ws);
      const r = await cli(ws, ['release', ...gated('release-20261203-bb0002')]);
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        'error[PREFLIGHT_FAILED]: preflight: gear-cli 0.10.0: gear_cli-0.10.0-py3-none-any.whl: Requires-Dist: gear-extras @ git+https://git.example.invalid/acme/gear-extras.git@v2.0.0 is a direct URL dependency (a PyPI-style index refuses the upload)',
      );
      expect(await world(ws)).toEqual(before);
    },
  );

  it('npm: a GitHub dependency left in the packed package.json stops the dry run', { timeout: 300_000 }, async () => {
    const ws = await suite.workspace('ferry-preflight-npm-');
    await npmGitDepShape(ws);
    const init = await cli(ws, ['init']);
    expect(init.exitCode, init.stderr).toBe(0);
    const cfg = parse(readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8')) as Record<string, unknown>;
    // npm pack needs no registry: the URL is never contacted by the preflight.
    ws.writeConfig({
      ...cfg,
      packages: (cfg.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'npm' })),
      registries: { npm: { kind: 'npm', url: 'http://127.0.0.1:9/' } },
    });
    const r = await cli(ws, ['release', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      'error[PREFLIGHT_FAILED]: preflight: gear-web 2.1.1: dependencies.gear-sprockets is "github:acme/gear-sprockets#v3", not a registry version (npm publish ships it as written)',
    );
  });
});
