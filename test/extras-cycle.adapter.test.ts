// Issue 12 point 6: extras, dependency groups, poetry optional deps, npm devDependencies and optional
// peers make no tier edges; depends_on adds one, ignore_deps drops one; a true cycle names its path,
// the manifest line of each edge, and a fix that works (applied here, then checked).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extrasShape, trueCycleShape } from './fixtures/shapes/extras-cycle.js';
import { shapeSuite } from './helpers/shape-suite.js';

const { workspace, cli } = shapeSuite('ferry-extras-');

describe('extras and dev dependencies order nothing', () => {
  it('ferry init on loops closed only by extras/groups/dev/optional peers: no cycle, right tiers, dry run plans', async () => {
    const ws = await workspace();
    await extrasShape(ws);
    const init = await cli(ws, ['init']);
    expect(init.exitCode, init.stderr).toBe(0);
    const yaml = readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8');
    const tierOf = (name: string) =>
      new RegExp(`name: "?${name.replace('/', '\\/')}"?,[^\\n]*tier: (\\d)`).exec(yaml)?.[1];
    expect(['acme-core', 'acme-poetry', '@acme/ui', 'acme-plugin', '@acme/testkit', '@acme/theme'].map(tierOf)).toEqual(
      ['1', '1', '1', '2', '2', '2'],
    );
    // The private workspace root is no package.
    expect(yaml).not.toContain('web-root');
    const check = await cli(ws, ['config', 'check']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toContain('tier 1: @acme/ui, acme-core, acme-poetry');
    expect(check.stdout).toContain('tier 2: @acme/testkit, @acme/theme, acme-plugin');
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/acme-core\s+\| 1\s+\| 1\.4\.0\s+\| 1\.4\.1\s+\| patch/);
  });

  it('depends_on adds an edge and ignore_deps drops one', async () => {
    const ws = await workspace();
    await extrasShape(ws);
    expect((await cli(ws, ['init'])).exitCode).toBe(0);
    const path = join(ws.dir, 'ferry.yaml');
    const yaml = readFileSync(path, 'utf8');
    // acme-core now waits for acme-poetry; acme-plugin's need of acme-poetry no longer orders it.
    // (Tiers dropped so they are computed from the edges.)
    writeFileSync(
      path,
      yaml
        .replace(/, tier: \d+/g, '')
        .replace(/(name: acme-core,.*) \}/, '$1, depends_on: [acme-poetry] }')
        .replace(/(name: acme-plugin,.*) \}/, '$1, ignore_deps: [acme_poetry] }'),
    );
    const check = await cli(ws, ['config', 'check']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toContain('tier 1: @acme/ui, acme-poetry');
    expect(check.stdout).toContain('tier 2: @acme/testkit, @acme/theme, acme-core');
    expect(check.stdout).toContain('tier 3: acme-plugin');
  });
});

describe('a true cycle', () => {
  it('init names the path, the manifest line of each edge, and a fix; the fix works', async () => {
    const ws = await workspace();
    const [a, b] = await trueCycleShape(ws);
    const init = await cli(ws, ['init']);
    expect(init.exitCode).toBe(2);
    const aToml = join(a!.dir, 'pyproject.toml');
    const bToml = join(b!.dir, 'pyproject.toml');
    const lineOf = (file: string, needle: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(needle)) + 1;
    expect(init.stderr).toContain(
      `dependency cycle in the manifests: loop-a → loop-b → loop-a (${aToml}:${lineOf(aToml, '"loop-b>=1"')}: loop-a needs loop-b; ${bToml}:${lineOf(bToml, '"loop-a>=1"')}: loop-b needs loop-a); nothing written`,
    );
    expect(init.stderr).toContain(`fix: move loop-a out of loop-b's required dependencies at ${bToml}:`);

    // The init fix: make the edge an extra, and init succeeds.
    const text = readFileSync(bToml, 'utf8').replace('    "loop-a>=1",\n', '');
    writeFileSync(
      bToml,
      text.replace('[tool.setuptools', '[project.optional-dependencies]\nloop = ["loop-a>=1"]\n\n[tool.setuptools'),
    );
    expect((await cli(ws, ['init'])).exitCode).toBe(0);

    // Back to the true cycle with a ferry.yaml: config check names it and suggests ignore_deps.
    await b!.git(['checkout', '--', 'pyproject.toml']);
    const check = await cli(ws, ['config', 'check']);
    expect(check.exitCode).toBe(2);
    expect(check.stderr).toContain('dependency cycle: loop-a → loop-b → loop-a');
    expect(check.stderr).toContain(`${bToml}:${lineOf(bToml, '"loop-a>=1"')}: loop-b needs loop-a`);
    const fix = /fix: (.*)/.exec(check.stderr)?.[1] ?? '';
    expect(fix).toBe(
      `add \`ignore_deps: [loop-a]\` to package loop-b in ${join(ws.dir, 'ferry.yaml')} (releases loop-b without waiting for loop-a), then: ferry config check`,
    );
    const cfg = join(ws.dir, 'ferry.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/(name: loop-b,.*) \}/, '$1, ignore_deps: [loop-a] }'));
    const ok = await cli(ws, ['config', 'check']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('tier 1: loop-b');
    expect(ok.stdout).toContain('tier 2: loop-a');
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/loop-a\s+\| 2\s+\| 1\.0\.0\s+\| 1\.1\.0\s+\| minor/);
  });
});
