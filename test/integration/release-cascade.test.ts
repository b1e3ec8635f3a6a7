// The dependent cascade (issue 13.8) and private workspace members (13.6), released for real on a
// generated npm workspace and two Python repos (forge git: merge, tag and push to bare remotes).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { git } from '../../src/testkit/git.js';
import { cascadeShape } from '../fixtures/shapes/cascade.js';
import { shapeWorkspace, type ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { ferry } from '../helpers/ferry.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

describe('dependent cascade and private members (issue 13.6, 13.8)', () => {
  it(
    'a dependent with no change of its own gets a patch release, its range moved and a Dependencies entry; private members never',
    { timeout: 600_000 },
    async () => {
      const ws = await shapeWorkspace('ferry-cascade-');
      spaces.push(ws);
      await cascadeShape(ws);
      const cli = (args: string[]) =>
        ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir, timeoutMs: 400_000 });
      const init = await cli(['init']);
      expect(init.exitCode, init.stderr).toBe(0);
      // The private workspace root and the private docs site are not packages.
      expect(init.stdout).toContain('tier 1: @reef/core, tidepool-core');
      expect(init.stdout).toContain('tier 2: @reef/ui, tidepool-web');
      const yaml = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
      expect(yaml).not.toMatch(/docs-site|reef-workspace/);
      const cfg = parse(yaml) as Record<string, unknown>;
      const write = (release: Record<string, unknown>) =>
        ws.writeConfig({ ...cfg, release: { lint: ['true'], ...release } });

      write({ cascade: 'none' });
      const off = await cli(['release', '--dry-run']);
      expect(off.exitCode, off.stderr).toBe(0);
      expect(off.stdout).toMatch(/reef:@reef\/ui\s+\| 2\s+\| 1\.2\.0\s+\| -\s+\| -\s+\| 0\s+\| NOTHING_TO_RELEASE/);

      write({});
      const dry = await cli(['release', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/reef:@reef\/ui\s+\| 2\s+\| 1\.2\.0\s+\| 1\.2\.1\s+\| patch\s+\| 0\s+\| PLANNED/);
      expect(dry.stdout).toMatch(/tidepool-web\s+\| 2\s+\| 0\.8\.0\s+\| 0\.8\.1\s+\| patch\s+\| 0\s+\| PLANNED/);
      expect(dry.stdout).toMatch(/reef:@reef\/ui\s+patch\s+cascade from @reef\/core/);
      expect(dry.stdout).toMatch(/@reef\/ui\s+packages\/ui\/package\.json:7\s+\^0\.50\.0 → \^0\.51\.0 \(range\)/);
      expect(dry.stdout).not.toContain('docs-site');

      const id = 'release-20261203-dd0001';
      const real = await cli(['release', '--run-id', id, '--gate-attestation', `1740312612.000100:${id}`]);
      expect(real.exitCode, `${real.stdout}\n${real.stderr}`).toBe(0);
      const remote = (repo: string) => ws.repos.get(repo)!.remote;
      const show = (repo: string, path: string) => git(remote(repo), ['show', `main:${path}`]);
      const ui = JSON.parse(await show('reef', 'packages/ui/package.json')) as Record<string, unknown>;
      expect(ui.version).toBe('1.2.1');
      expect(ui.dependencies).toEqual({ '@reef/core': '^0.51.0' });
      expect(await show('reef', 'packages/ui/CHANGELOG.md')).toContain(
        '### Dependencies\n\n- @reef/core bumped to 0.51.0',
      );
      // The private member is not released: same version, no tag.
      expect(JSON.parse(await show('reef', 'packages/docs-site/package.json')).version).toBe('0.0.1');
      const tags = (await git(remote('reef'), ['tag', '--list'])).split('\n').filter(Boolean).sort();
      expect(tags).toEqual(['@reef/core@0.50.0', '@reef/core@0.51.0', '@reef/ui@1.2.0', '@reef/ui@1.2.1']);
      const web = await show('tidepool-web', 'pyproject.toml');
      expect(web).toContain('version = "0.8.1"');
      expect(web).toContain('"tidepool-core==2.0.1"');
      expect(await show('tidepool-web', 'CHANGELOG.md')).toContain('- tidepool-core bumped to 2.0.1');

      // Listed by hand, a private member stops the run before anything, saying why.
      const pkgs = cfg.packages as Record<string, unknown>[];
      ws.writeConfig({
        ...cfg,
        packages: [
          ...pkgs,
          { name: '@reef/docs-site', repo: 'reef', path: 'packages/docs-site', ecosystem: 'npm', tier: 2 },
        ],
      });
      const priv = await cli(['release', '--dry-run']);
      expect(priv.exitCode).toBe(1);
      expect(priv.stderr).toMatch(
        /error\[GRAPH_DRIFT\][\s\S]*@reef\/docs-site is private \(.*packages\/docs-site\/package\.json\): a private package is never released; remove it from ferry\.yaml/,
      );
    },
  );
});
