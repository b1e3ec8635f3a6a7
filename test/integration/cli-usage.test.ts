// Usage errors found by QA: each is a one-line error, exit 2, nothing written; config check agrees
// with the release drift guard; a closed stdout pipe is not a crash.
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FERRY_BIN, ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { seedEcosystem } from '../fixtures/ecosystem.js';
import type { Ecosystem } from '../fixtures/ecosystem.js';

const SEED_TIER: Record<string, number> = {
  omnibase_spi: 1,
  omnibase_core: 2,
  omnibase_infra: 3,
  omniintelligence: 3,
  omnimemory: 3,
  omniclaude: 4,
};

/** The fixture config with explicit tiers, omniclaude's set to `claudeTier`. */
function withTiers(claudeTier: number) {
  return (base: Record<string, unknown>) => ({
    ...base,
    packages: (base.packages as { name: string }[]).map((p) => ({
      ...p,
      tier: p.name === 'omniclaude' ? claudeTier : SEED_TIER[p.name],
    })),
  });
}

describe('cli usage errors', () => {
  let eco: Ecosystem;
  beforeAll(async () => {
    eco = await seedEcosystem();
    eco.writeConfig(withTiers(4));
  });
  afterAll(() => eco?.cleanup());

  it('a mistyped runs subcommand is an unknown command, not `runs list` with an argument', async () => {
    const r = await ferry(['runs', 'lst'], { cwd: eco.workspace });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'runs lst'");
    expect(r.stderr).toContain('fix: ferry runs list');
    const plain = await ferry(['runs'], { cwd: eco.workspace });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain('No runs yet');
  });

  it.each([
    ['show', 'a b'],
    ['show', 'x;rm -rf /'],
    ['events', '../../etc'],
    ['events', '$(id)'],
  ])('runs %s %j → USAGE, exit 2, no .ferry created', async (sub, id) => {
    const r = await ferry(['runs', sub, id], { cwd: eco.workspace });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[USAGE]');
    expect(r.stderr).toContain('is not a valid run id');
    expect(existsSync(join(eco.workspace, '.ferry'))).toBe(false);
  });

  it("a usage error in a subcommand points at that subcommand's help", async () => {
    const r = await ferry(['pins', '--versions'], { cwd: eco.workspace });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("error[USAGE]: option '--versions <list>' argument missing\n  fix: ferry pins --help");
    const nested = await ferry(['config', 'chek'], { cwd: eco.workspace });
    expect(nested.exitCode).toBe(2);
    expect(nested.stderr).toContain(
      "error[USAGE]: unknown command 'chek'; did you mean check?\n  fix: ferry config check --help",
    );
  });

  it('a bad --run-id or --resume id is a usage error whose fix is a real command line', async () => {
    const bad = await ferry(['release', '--dry-run', '--run-id', 'a b'], { cwd: eco.workspace });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('fix: --run-id release-20260225-a3f7b2   # or leave --run-id out');
    const resume = await ferry(['release', '--resume', '../x'], { cwd: eco.workspace });
    expect(resume.exitCode).toBe(2);
    expect(resume.stderr).toContain('fix: ferry runs list');
    expect(existsSync(join(eco.workspace, '.ferry'))).toBe(false);
  });

  it('--resume of a run that does not exist and `runs show` of one are exit 2 everywhere, before any other check', async () => {
    // A forge without its token would stop a real run (ENV_MISSING, exit 1); a resume of no run is bad usage first.
    const cfg = join(eco.workspace, 'ferry.forge.yaml');
    writeFileSync(
      cfg,
      stringify({
        ...(parse(readFileSync(eco.configPath, 'utf8')) as Record<string, unknown>),
        release: { forge: { kind: 'github', owner: 'o', token_env: 'FERRY_TEST_NO_SUCH_TOKEN' } },
      }),
    );
    const cases = [
      ['--config', cfg, 'release', '--resume', 'nope'],
      ['release', '--resume', 'release-20990101-abcdef'],
      ['redeploy', '--resume', 'nope'],
      ['stage', 'api', '--resume', 'nope'],
      ['promote', 'api', '--env', 'production', '--resume', 'nope'],
      ['_selftest', '--out', join(eco.workspace, 'o'), '--resume', 'nope'],
      ['runs', 'show', 'nope'],
      ['runs', 'events', 'nope'],
    ];
    for (const args of cases) {
      for (const json of [false, true]) {
        const r = await ferry(json ? ['--json', ...args] : args, { cwd: eco.workspace });
        expect(r.exitCode, `ferry ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(2);
        if (json) expect(jsonLines(r.stdout).at(-1)).toMatchObject({ ok: false, error: { fix: expect.any(String) } });
        else expect(r.stderr).toMatch(/^error\[(STATE_NOT_FOUND|CONFIG_INVALID|USAGE)\]: .*\n {2}fix: /);
      }
    }
    const release = await ferry(['--config', cfg, 'release', '--resume', 'nope'], { cwd: eco.workspace });
    expect(release.stderr).toContain('error[STATE_NOT_FOUND]: no release run nope');
  });

  it('init --dir on a missing directory says so and suggests ferry init, not ferry.yaml edits', async () => {
    const r = await ferry(['init', '--dir', 'no such dir'], { cwd: eco.workspace });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[USAGE]: --dir "no such dir": no such directory');
    expect(r.stderr).toContain('fix: ferry init --dir');
  });

  it('init where no repo has a manifest (the wrong directory) → exit 2, neither ferry.yaml nor .gitignore written', async () => {
    const wrong = join(eco.root, 'not a workspace');
    mkdirSync(join(wrong, 'notes'), { recursive: true });
    const r = await ferry(['init'], { cwd: wrong });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[USAGE]: no git repos with a pyproject.toml or package.json under');
    expect(r.stderr).toContain('nothing written');
    expect(readdirSync(wrong)).toEqual(['notes']);
    const solo = join(eco.root, 'solo');
    cpSync(eco.repos.omnibase_spi!.dir, join(solo, 'omnibase_spi'), { recursive: true });
    const one = await ferry(['init'], { cwd: solo });
    expect(one.exitCode, one.stderr).toBe(0);
    expect(one.stdout).toContain('(1 package in 1 tier)');
    const json = await ferry(['--json', 'init', '--force'], { cwd: solo });
    expect(json.exitCode, json.stderr).toBe(0);
    const result = jsonLines(json.stdout).at(-1)!;
    expect(validateAgainst('init-result', result)).toEqual([]);
    expect(result).toMatchObject({ overwritten: true, tiers: [['omnibase_spi']] });
  });

  it('config check fails (exit 2, file:line:col key) on a tier that contradicts the manifests, as release would', async () => {
    const bad = join(eco.workspace, 'bad-tiers.yaml');
    writeFileSync(bad, stringify(withTiers(2)(eco.baseConfig())));
    const before = readdirSync(eco.workspace).sort();
    const r = await ferry(['config', 'check', '--config', bad], { cwd: eco.workspace });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[CONFIG_INVALID]');
    expect(r.stderr).toContain('GRAPH_DRIFT');
    expect(r.stderr).toMatch(
      /bad-tiers\.yaml:\d+:\d+ packages\[5\]\.tier: omniclaude is in tier 2, but it depends on omnibase_infra \(tier 3\)/,
    );
    expect(readdirSync(eco.workspace).sort()).toEqual(before);

    const ok = await ferry(['config', 'check'], { cwd: eco.workspace });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('ok (6 packages in 4 tiers)');
  });

  it('config check shows an empty configured tier as empty, not as a bare "tier 4:"', async () => {
    const gap = join(eco.workspace, 'gap-tiers.yaml');
    writeFileSync(gap, stringify(withTiers(5)(eco.baseConfig())));
    const r = await ferry(['config', 'check', '--config', gap], { cwd: eco.workspace });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('tier 4: (empty: no package is configured in this tier)');
    expect(r.stdout).toContain('tier 5: omniclaude');
  });

  it('config check warns about a package with no manifest in the workspace (release would stop with GRAPH_DRIFT) and counts in the right number', async () => {
    const lone = join(eco.workspace, 'lone.yaml');
    writeFileSync(lone, stringify({ version: 1, packages: [{ name: 'ghost', repo: 'ghost', ecosystem: 'python' }] }));
    const r = await ferry(['config', 'check', '--config', lone], { cwd: eco.workspace });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('ok (1 package in 1 tier)');
    expect(r.stderr).toContain('ghost');
    expect(r.stderr).toContain('ferry release would stop with GRAPH_DRIFT');
    const release = await ferry(['release', '--dry-run', '--config', lone], { cwd: eco.workspace });
    expect(release.stderr).toContain('error[GRAPH_DRIFT]');
  });

  it('config check lists the other sections it validated, and warns when promote_from names no environment', async () => {
    const envs = join(eco.workspace, 'envs.yaml');
    const svc = (c: string) => ({
      api: { container: c, image: 'acme/api:latest', health: 'http://127.0.0.1:8080/health' },
    });
    writeFileSync(
      envs,
      stringify({
        version: 1,
        environments: {
          preprod: { services: svc('api-pre') },
          production: { services: svc('api-prod'), promote_from: 'preprod' },
          edge: { services: svc('api-edge') },
        },
      }),
    );
    const r = await ferry(['config', 'check', '--config', envs], { cwd: eco.workspace });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok (0 packages in 0 tiers)');
    expect(r.stdout).toContain('  environment preprod: api');
    expect(r.stdout).toContain('  environment production: api');
    // edge (and preprod) promote from the default "staging", which is not configured.
    expect(r.stderr).toMatch(
      /envs\.yaml:\d+:\d+ environments\.edge: promote_from "staging" names no environment under environments: \(preprod, production, edge\)/,
    );
    expect(r.stderr).not.toContain('environments.production: promote_from');
  });

  it('a reader that closes stdout early (| head) ends ferry quietly, without an EPIPE trace', async () => {
    const child = execa('node', [FERRY_BIN, 'config', 'check'], {
      cwd: eco.workspace,
      env: { NO_COLOR: '1', CI: 'true' },
      reject: false,
      stdout: 'pipe',
    });
    child.stdout?.destroy();
    const r = await child;
    expect(String(r.stderr)).not.toContain('EPIPE');
    expect(r.exitCode).toBe(0);
  });
});
