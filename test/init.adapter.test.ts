import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFerryError, type FerryError } from '../src/errors.js';
import { configuredGraph, discoverPackages, expandWorkspaces, findGitRepos } from '../src/config/discover.js';
import { addFerryIgnore, initWorkspace, renderInitConfig } from '../src/config/init.js';
import { loadConfig, parseConfig } from '../src/config/load.js';
import { buildEcosystem, npmMonorepo, SEED_TIERS, seedEcosystem } from './fixtures/ecosystem.js';
import type { Ecosystem } from './fixtures/ecosystem.js';
import { git } from './fixtures/git.js';

describe('ferry init on the seed ecosystem (acceptance 7)', () => {
  let eco: Ecosystem;
  beforeAll(async () => {
    eco = await seedEcosystem();
  });
  afterAll(() => eco?.cleanup());

  it('writes a config whose computed tiers equal the seed tier graph, and ignores .ferry/', async () => {
    const before = await eco.snapshotRepos();
    const r = await initWorkspace({ dir: eco.workspace });
    expect(r.configPath).toBe(join(eco.workspace, 'ferry.yaml'));
    expect(r.tiers).toEqual(SEED_TIERS);
    expect(r.warnings).toEqual([]);
    expect(r.gitignore).toEqual({ path: join(eco.workspace, '.gitignore'), created: true, added: true });
    expect(readFileSync(join(eco.workspace, '.gitignore'), 'utf8')).toContain('\n.ferry/\n');

    // Tiers computed from the written config (manifest deps, configured tiers ignored) = the seed graph.
    const loaded = loadConfig(r.configPath);
    const withoutTiers = {
      ...loaded,
      config: { ...loaded.config, packages: loaded.config.packages.map(({ tier: _t, ...p }) => p) },
    };
    expect(configuredGraph(withoutTiers).graph.tiers).toEqual(SEED_TIERS);
    expect(configuredGraph(loaded).graph.tiers).toEqual(SEED_TIERS);
    expect(loaded.config.packages.map((p) => [p.name, p.tier])).toEqual([
      ['omnibase_spi', 1],
      ['omnibase_core', 2],
      ['omnibase_infra', 3],
      ['omniintelligence', 3],
      ['omnimemory', 3],
      ['omniclaude', 4],
    ]);
    const text = readFileSync(r.configPath, 'utf8');
    expect(text).toContain('# registries:');
    expect(text).toContain('#   forge: { kind: git }');
    // init touches no repo.
    expect(await eco.snapshotRepos()).toEqual(before);
  });

  it('refuses to overwrite ferry.yaml without --force, and never duplicates .ferry/ in .gitignore', async () => {
    const path = join(eco.workspace, 'ferry.yaml');
    writeFileSync(path, '# mine\nversion: 1\n');
    try {
      await initWorkspace({ dir: eco.workspace });
      expect.unreachable();
    } catch (e) {
      expect(isFerryError(e) && e.code).toBe('USAGE');
      expect(isFerryError(e) && e.fix).toBe('ferry init --force');
    }
    expect(readFileSync(path, 'utf8')).toBe('# mine\nversion: 1\n');
    const r = await initWorkspace({ dir: eco.workspace, force: true });
    expect(r.overwritten).toBe(true);
    expect(r.gitignore).toMatchObject({ created: false, added: false });
    expect(readFileSync(join(eco.workspace, '.gitignore'), 'utf8').match(/\.ferry\//g)).toHaveLength(1);
  });
});

describe('ferry init on an npm monorepo', () => {
  it('finds workspace members with their paths and tiers', async () => {
    const eco = await npmMonorepo();
    try {
      const r = await initWorkspace({ dir: eco.workspace });
      expect(r.packages.map((p) => [p.name, p.repo, p.path, p.tier])).toEqual([
        ['fx-core', 'fx-mono', 'packages/core', 1],
        ['fx-utils', 'fx-mono', 'packages/utils', 2],
        ['fx-cli', 'fx-mono', 'packages/cli', 3],
      ]);
      expect(configuredGraph(loadConfig(r.configPath)).graph.tiers).toEqual([['fx-core'], ['fx-utils'], ['fx-cli']]);
    } finally {
      await eco.cleanup();
    }
  });
});

describe('discovery', () => {
  let eco: Ecosystem;
  beforeAll(async () => {
    eco = await buildEcosystem({
      repos: [
        { name: 'a', ecosystem: 'python', deps: ['b'] },
        { name: 'b', ecosystem: 'python', deps: ['a'] },
        { name: 'poetry_pkg', ecosystem: 'python' },
      ],
    });
    // A Poetry project depending on `a` (PEP 503 spelling differs), nested one level down.
    const nested = join(eco.workspace, 'group', 'poetry-app');
    mkdirSync(nested, { recursive: true });
    writeFileSync(
      join(nested, 'pyproject.toml'),
      '[tool.poetry]\nname = "Poetry.App"\nversion = "1.0.0"\n[tool.poetry.dependencies]\npython = "^3.11"\nA = "^0.1"\n',
    );
    await git(eco.workspace, ['init', '-q', '-b', 'main', nested]);
    // Too deep (depth 3) and not a repo: ignored.
    const deep = join(eco.workspace, 'x', 'y', 'z');
    mkdirSync(deep, { recursive: true });
    await git(eco.workspace, ['init', '-q', '-b', 'main', deep]);
    writeFileSync(join(deep, 'package.json'), '{"name":"too-deep","version":"1.0.0"}');
  });
  afterAll(() => eco?.cleanup());

  it('finds repos at depth ≤ 2, Poetry projects, and internal deps by normalised name', () => {
    expect(findGitRepos(eco.workspace).map((p) => p.slice(eco.workspace.length + 1))).toEqual([
      'a',
      'b',
      'group/poetry-app',
      'poetry_pkg',
    ]);
    const { packages, warnings } = discoverPackages(eco.workspace);
    expect(warnings).toEqual([]);
    expect(packages.map((p) => [p.name, p.repo, p.path, p.deps])).toEqual([
      ['Poetry.App', 'group/poetry-app', '.', ['a']],
      ['a', 'a', '.', ['b']],
      ['b', 'b', '.', ['a']],
      ['poetry_pkg', 'poetry_pkg', '.', []],
    ]);
  });

  it('init on a manifest cycle fails with DEPENDENCY_CYCLE naming it, and writes nothing', async () => {
    try {
      await initWorkspace({ dir: eco.workspace });
      expect.unreachable();
    } catch (e) {
      expect(isFerryError(e) && e.code).toBe('DEPENDENCY_CYCLE');
      expect((e as Error).message).toContain('a → b → a');
      // No ferry.yaml exists yet: the message names the manifests and the fix is not `ferry config check`.
      expect((e as Error).message).toMatch(new RegExp(`${join(eco.workspace, 'a', 'pyproject.toml')}:\\d+: a needs b`));
      expect((e as FerryError).fix).toMatch(/^move a out of b's required dependencies at .*b\/pyproject\.toml:\d+ /);
      expect((e as FerryError).fix).toContain('then: ferry init');
    }
    expect(existsSync(join(eco.workspace, 'ferry.yaml'))).toBe(false);
    expect(existsSync(join(eco.workspace, '.gitignore'))).toBe(false);
  });

  it('expandWorkspaces handles *, **, literal paths and negations', () => {
    const repo = join(eco.root, 'ws');
    for (const d of ['packages/a', 'packages/b', 'apps/web/x', 'tools/t', 'packages/c-no-manifest'])
      mkdirSync(join(repo, d), { recursive: true });
    for (const d of ['packages/a', 'packages/b', 'apps/web/x', 'tools/t'])
      writeFileSync(join(repo, d, 'package.json'), '{}');
    expect(expandWorkspaces(repo, ['packages/*', 'apps/**', './tools/t/', '!packages/b'])).toEqual([
      'apps/web/x',
      'packages/a',
      'tools/t',
    ]);
    rmSync(repo, { recursive: true, force: true });
  });

  it('a missing workspace is CONFIG_INVALID', () => {
    try {
      discoverPackages(join(eco.root, 'nope'));
      expect.unreachable();
    } catch (e) {
      expect(isFerryError(e) && e.code).toBe('CONFIG_INVALID');
    }
  });
});

describe('init pure parts', () => {
  it('renders a config ferry accepts, quoting names YAML would misread', () => {
    const text = renderInitConfig(
      [
        {
          name: '@acme/core',
          ecosystem: 'npm',
          repo: 'mono',
          path: 'packages/core',
          tier: 1,
          version: '1.0.0',
          deps: [],
        },
        { name: 'yes', ecosystem: 'python', repo: 'yes', path: '.', tier: 2, version: null, deps: ['@acme/core'] },
      ],
      [['@acme/core'], ['yes']],
    );
    expect(text).toContain('  - { name: "@acme/core", repo: mono, path: packages/core, ecosystem: npm, tier: 1 }');
    expect(text).toContain('  - { name: "yes", repo: "yes", ecosystem: python, tier: 2 }  # needs @acme/core');
    expect(parseConfig(text, 'ferry.yaml').packages.map((p) => p.name)).toEqual(['@acme/core', 'yes']);
    expect(parseConfig(renderInitConfig([], []), 'ferry.yaml').packages).toEqual([]);
  });

  it('addFerryIgnore appends once, keeping existing content', () => {
    expect(addFerryIgnore(null)).toBe('# ferry run state, events and results\n.ferry/\n');
    expect(addFerryIgnore('node_modules')).toBe('node_modules\n\n# ferry run state, events and results\n.ferry/\n');
    expect(addFerryIgnore('dist/\n/.ferry\n')).toBeNull();
    expect(addFerryIgnore('.ferry/\n')).toBeNull();
  });
});
