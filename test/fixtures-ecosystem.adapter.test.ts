import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../src/util/process.js';
import { loadConfig } from '../src/config/load.js';
import { configuredGraph } from '../src/config/discover.js';
import { buildEcosystem, npmMonorepo, SEED_TIERS, seedEcosystem } from './fixtures/ecosystem.js';
import type { Ecosystem } from './fixtures/ecosystem.js';

// NOTE: a pyenv python3 first on PATH may lack `build`; the distro interpreter has it.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

describe('seedEcosystem', () => {
  let eco: Ecosystem;
  let wallMs = 0;
  beforeAll(async () => {
    const t = Date.now();
    eco = await seedEcosystem();
    wallMs = Date.now() - t;
  });
  afterAll(() => eco?.cleanup());

  it('builds the 6 seed repos quickly (target < 5 s; asserted loosely for busy CI)', () => {
    expect(Object.keys(eco.repos).sort()).toEqual([
      'omnibase_core',
      'omnibase_infra',
      'omnibase_spi',
      'omniclaude',
      'omniintelligence',
      'omnimemory',
    ]);
    expect(wallMs).toBeLessThan(10_000);
    expect(eco.buildMs).toBeLessThanOrEqual(wallMs);
  });

  it('each repo has the tag, a conventional commit after it, and origin = pushed bare remote', async () => {
    for (const repo of Object.values(eco.repos)) {
      const pkg = repo.packages[0];
      expect(pkg?.tag).toMatch(/^omni\w+\/v\d+\.\d+\.\d+$/);
      const log = await eco.git(repo.name, ['log', '--format=%s', `${pkg?.tag}..main`]);
      expect(log.split('\n')).toHaveLength(1);
      expect(log).toMatch(/^(feat|fix): /);
      expect(await eco.git(repo.name, ['remote', 'get-url', 'origin'])).toBe(join(eco.remotesDir, `${repo.name}.git`));
      const local = await eco.git(repo.name, ['rev-parse', 'main', `${pkg?.tag}^{}`]);
      const remote = await exec('git', ['rev-parse', 'main', `${pkg?.tag}^{}`], { cwd: repo.remote });
      expect(remote.stdout).toBe(local);
      expect(await eco.git(repo.name, ['status', '--porcelain'])).toBe('');
    }
  });

  it('declares the seed dependencies in [project].dependencies', () => {
    const text = readFileSync(join(eco.repos.omniclaude?.dir as string, 'pyproject.toml'), 'utf8');
    expect(text).toContain('"omnibase_core>=1.4.0",\n    "omnibase_infra>=2.0.0",\n    "omniintelligence>=0.9.0",');
  });

  it('commit ids are deterministic (fixed identity and clock)', async () => {
    const again = await seedEcosystem();
    try {
      for (const name of Object.keys(eco.repos)) {
        expect(await again.git(name, ['rev-parse', 'main'])).toBe(await eco.git(name, ['rev-parse', 'main']));
      }
    } finally {
      await again.cleanup();
    }
  });

  it('writeConfig writes a valid ferry.yaml whose computed tiers are the seed graph', () => {
    const path = eco.writeConfig({ release: { lint: ['true'] } });
    const loaded = loadConfig(path);
    expect(loaded.config.release.forge).toEqual({ kind: 'git', remote: 'origin' });
    expect(loaded.config.release.lint).toEqual(['true']);
    expect(configuredGraph(loaded).graph.tiers).toEqual(SEED_TIERS);
  });

  it('snapshotRepos is stable, and sees working-tree, ref and remote changes', async () => {
    const a = await eco.snapshotRepos();
    const b = await eco.snapshotRepos();
    expect(b).toEqual(a);
    const dir = eco.repos.omnimemory?.dir as string;

    writeFileSync(join(dir, 'untracked.txt'), 'x');
    const c = await eco.snapshotRepos();
    expect(c.digest).not.toBe(a.digest);
    expect(c.lines.filter((l) => !a.lines.includes(l))).toEqual([
      expect.stringMatching(/^omnimemory\tfile untracked\.txt - /),
    ]);
    rmSync(join(dir, 'untracked.txt'));
    expect((await eco.snapshotRepos()).digest).toBe(a.digest);

    await eco.git('omnimemory', ['tag', 'omnimemory/v9.9.9']);
    expect((await eco.snapshotRepos()).digest).not.toBe(a.digest);
    await eco.git('omnimemory', ['push', '-q', 'origin', 'omnimemory/v9.9.9']);
    const e = await eco.snapshotRepos();
    expect(e.lines.filter((l) => !a.lines.includes(l))).toEqual([
      expect.stringMatching(/^omnimemory\tref refs\/tags\/omnimemory\/v9\.9\.9 /),
      expect.stringMatching(/^omnimemory\tremote refs\/tags\/omnimemory\/v9\.9\.9 /),
    ]);
  });

  it('the Python packages build with `python3 -m build --no-isolation`', async () => {
    const dir = eco.repos.omnibase_spi?.dir as string;
    const out = mkdtempSync(join(tmpdir(), 'ferry-dist-'));
    try {
      await exec(PYTHON, ['-m', 'build', '--no-isolation', '--outdir', out], { cwd: dir, timeoutMs: 120_000 });
      expect(readdirSync(out).sort()).toEqual(['omnibase_spi-1.2.0-py3-none-any.whl', 'omnibase_spi-1.2.0.tar.gz']);
      // Build output is ignored, so a build leaves the repo clean.
      expect(await eco.git('omnibase_spi', ['status', '--porcelain'])).toBe('');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('npmMonorepo', () => {
  let eco: Ecosystem;
  beforeAll(async () => {
    eco = await npmMonorepo({ prefix: 'fxt' });
  });
  afterAll(() => eco?.cleanup());

  it('has a private workspaces root and three interdependent members, each tagged', async () => {
    const repo = eco.repos['fxt-mono'];
    expect(repo?.packages.map((p) => [p.name, p.path, p.tag])).toEqual([
      ['fxt-core', 'packages/core', 'fxt-core/v1.0.0'],
      ['fxt-utils', 'packages/utils', 'fxt-utils/v1.0.0'],
      ['fxt-cli', 'packages/cli', 'fxt-cli/v1.0.0'],
    ]);
    const root = JSON.parse(readFileSync(join(repo?.dir as string, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(root).toMatchObject({ private: true, workspaces: ['packages/core', 'packages/utils', 'packages/cli'] });
    const cli = JSON.parse(readFileSync(join(repo?.dir as string, 'packages/cli/package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(cli.dependencies).toEqual({ 'fxt-core': '^1.0.0', 'fxt-utils': '^1.0.0' });
    const files = await eco.git('fxt-mono', ['log', '--format=%s', '--name-only', 'fxt-core/v1.0.0..main']);
    expect(files).toContain('fix(cli): handle empty arguments\n\npackages/cli/lib/fix_cli_handle_empty_arguments-2.js');
    expect(files).toContain('feat(core): add parse helper\n\npackages/core/lib/feat_core_add_parse_helper-1.js');
  });

  it('npm resolves the workspace graph offline (members link to each other)', async () => {
    const dir = eco.repos['fxt-mono']?.dir as string;
    await exec('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { link?: boolean; resolved?: string; dependencies?: Record<string, string> }>;
    };
    expect(lock.packages['node_modules/fxt-core']).toMatchObject({ link: true, resolved: 'packages/core' });
    expect(lock.packages['packages/cli']?.dependencies).toEqual({ 'fxt-core': '^1.0.0', 'fxt-utils': '^1.0.0' });
  });
});

describe('buildEcosystem', () => {
  it('mixes ecosystems, explicit files and commit bodies, and accepts explicit pins', async () => {
    const eco = await buildEcosystem({
      repos: [
        { name: 'lib', ecosystem: 'python', version: '1.0.0', files: { Dockerfile: 'FROM scratch\n' } },
        {
          name: 'svc',
          ecosystem: 'python',
          deps: [{ name: 'lib', spec: '==1.0.0' }],
          commits: [
            {
              subject: 'feat!: drop v0 api',
              body: 'BREAKING CHANGE: v0 is gone',
              files: { Dockerfile: 'FROM scratch\nRUN x\n' },
            },
          ],
        },
        { name: 'web', ecosystem: 'npm', version: '2.0.0' },
      ],
    });
    try {
      expect(readFileSync(join(eco.repos.lib?.dir as string, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n');
      expect(readFileSync(join(eco.repos.svc?.dir as string, 'pyproject.toml'), 'utf8')).toContain('"lib==1.0.0"');
      expect(await eco.git('svc', ['log', '-1', '--format=%B'])).toBe(
        'feat!: drop v0 api\n\nBREAKING CHANGE: v0 is gone',
      );
      expect(await eco.git('svc', ['tag', '--list'])).toBe('svc/v0.1.0');
      expect(await eco.git('web', ['tag', '--list'])).toBe('web/v2.0.0');
      const path = eco.writeConfig((base) => ({ ...base, workspace: '.', notify: {} }));
      expect(loadConfig(path).config.packages.map((p) => p.ecosystem)).toEqual(['python', 'python', 'npm']);
    } finally {
      await eco.cleanup();
    }
    expect(existsSync(eco.root)).toBe(false);
  });
});
