// ferry release end to end on the seeds' 6-repo ecosystem: real git with bare remotes, real
// python -m build + twine against the local PyPI-compatible server, the built CLI as a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedEcosystem, SEED_TIERS, type Ecosystem } from '../fixtures/ecosystem.js';
import { startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { ferry } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { releaseResultSchema } from '../../src/release/result.js';

let pypi: PypiServer;
let eco: Ecosystem;
let home: string;
const RUN = 'release-20260225-a3f7b2';
const TOKEN = `1740312612.000100:${RUN}`;
const NAMES = SEED_TIERS.flat();

const env = () => ({ FERRY_TEST_PYPI_TOKEN: pypi.token, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
const run = (args: string[], extraEnv: Record<string, string> = {}) =>
  ferry(['--config', eco.configPath, '--state-dir', home, 'release', ...args], {
    cwd: eco.workspace,
    env: { ...env(), ...extraEnv },
  });

beforeAll(async () => {
  [pypi, eco] = await Promise.all([startPypiServer(), seedEcosystem()]);
  home = join(eco.root, '.ferry');
  eco.writeConfig((base) => ({
    ...base,
    packages: (base.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'pypi' })),
    registries: { pypi: { kind: 'pypi', url: pypi.uploadUrl, index: pypi.url, token_env: 'FERRY_TEST_PYPI_TOKEN' } },
  }));
});
afterAll(async () => {
  await pypi?.stop();
  await eco?.cleanup();
});

describe('ferry release (6-repo seed ecosystem, forge git, local PyPI)', () => {
  it('dry run prints the plan table and hash and changes nothing (no state file)', async () => {
    const before = await eco.snapshotRepos();
    const r = await run(['--dry-run', '--run-id', RUN]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('repo             | tier | current | new   | bump  | commits | status');
    expect(r.stdout).toMatch(/plan_hash: sha256:[0-9a-f]{64}/);
    // The step list is introduced as a dry run, never as "Starting release", and it is on stdout with the
    // plan (`ferry release --dry-run > plan.txt` keeps every command); stderr has only diagnostics.
    expect(r.stdout).toContain(`Dry run of release ${RUN}: every step and command it would run; nothing is changed`);
    expect(r.stdout).toMatch(/^ {4}\$ git -C \S+omnibase_spi tag -a omnibase_spi\/v1\.2\.1 /m);
    expect(r.stdout + r.stderr).not.toContain('Starting release');
    expect(r.stderr).not.toContain('[dry-run]');
    expect(await eco.snapshotRepos()).toEqual(before);
    expect(existsSync(join(home, 'state'))).toBe(false);
  });

  it('warns before the gate when the registry token variable is unset, and not when it is set', async () => {
    const args = ['--config', eco.configPath, '--state-dir', home, 'release', '--dry-run', '--run-id', RUN];
    const unset = await ferry(args, { cwd: eco.workspace, env: { ...env(), FERRY_TEST_PYPI_TOKEN: undefined } });
    expect(unset.exitCode, unset.stderr).toBe(0);
    expect(unset.stderr).toContain(
      `warning: $FERRY_TEST_PYPI_TOKEN is not set: ${NAMES.join(', ')} would be published to registry pypi (${pypi.uploadUrl}) without a token`,
    );
    const set = await ferry(args, { cwd: eco.workspace, env: env() });
    expect(set.stderr).not.toContain('is not set');
    expect(existsSync(join(home, 'state'))).toBe(false);
  });

  it('releases every repo in tier order, one squash commit each, tags, pins, uploads', async () => {
    // Without Slack an attestation is accepted from a script (with a warning), never under --json without a
    // terminal (an agent): so the result is read from its file, which holds the same object --json prints.
    const r = await run(['--run-id', RUN, '--gate-attestation', TOKEN]);
    expect(r.stderr).toContain('cannot be verified (notify.slack is not configured)');
    const result = JSON.parse(readFileSync(join(home, 'results', RUN, 'release.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    // The run's event log: the same events --json streams before its result line.
    const lines = [
      ...readFileSync(join(home, 'runs', RUN, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
      result,
    ];
    expect(r.exitCode, r.stderr + JSON.stringify(result, null, 1)).toBe(0);
    expect(releaseResultSchema.parse(result).status).toBe('SUCCESS');
    expect(validateAgainst('result', result)).toEqual([]);
    expect(validateAgainst('release-result', result)).toEqual([]);
    const details = result.details as {
      repo: string;
      new_version: string;
      tag: string;
      pypi_status: string;
      phase: string;
    }[];
    const version = Object.fromEntries(details.map((d) => [d.repo, d.new_version]));
    // Seed example bumps: fix → patch, feat → minor; pre-1.0 follows semver.inc (0.3.0 + minor → 0.4.0).
    expect(version).toEqual({
      omnibase_spi: '1.2.1',
      omnibase_core: '1.5.0',
      omnibase_infra: '2.1.0',
      omniintelligence: '0.9.1',
      omnimemory: '0.3.1',
      omniclaude: '0.4.0',
    });
    for (const d of details) expect([d.phase, d.pypi_status]).toEqual(['DONE', 'available']);
    for (const pkg of eco.packages) {
      const v = version[pkg.name]!;
      const remoteLog = await eco.git(pkg.repo, [
        '--git-dir',
        eco.repos[pkg.repo]!.remote,
        'log',
        '--format=%H %s',
        'main',
      ]);
      const releases = remoteLog.split('\n').filter((l) => l.includes(' release: '));
      expect(releases).toEqual([
        expect.stringMatching(new RegExp(`^[0-9a-f]{40} release: ${pkg.name} v${v.replace(/\./g, '\\.')}$`)),
      ]);
      const squash = releases[0]!.split(' ')[0];
      // Exactly one parent: a squash, not a merge commit; the tag on it, on the remote.
      expect(
        (
          await eco.git(pkg.repo, ['--git-dir', eco.repos[pkg.repo]!.remote, 'rev-list', '--parents', '-n1', squash!])
        ).split(' '),
      ).toHaveLength(2);
      expect(
        await eco.git(pkg.repo, ['--git-dir', eco.repos[pkg.repo]!.remote, 'rev-parse', `${pkg.name}/v${v}^{commit}`]),
      ).toBe(squash);
      const tree = (f: string) => eco.git(pkg.repo, ['--git-dir', eco.repos[pkg.repo]!.remote, 'show', `main:${f}`]);
      expect(await tree('pyproject.toml')).toContain(`version = "${v}"`);
      expect(await tree('CHANGELOG.md')).toMatch(
        new RegExp(`^## ${v.replace(/\./g, '\\.')} \\(\\d{4}-\\d{2}-\\d{2}\\)`, 'm'),
      );
      for (const dep of pkg.deps) expect(await tree('pyproject.toml')).toContain(`"${dep}==${version[dep]}"`);
      // Downloadable from the index at the new version.
      const simple = await fetch(`${pypi.url}simple/${pkg.name.replace(/_/g, '-')}/`, {
        headers: { accept: 'application/vnd.pypi.simple.v1+json' },
      });
      const files = ((await simple.json()) as { files: { filename: string; url: string }[] }).files.filter((f) =>
        f.filename.includes(`-${v}`),
      );
      expect(files.length).toBeGreaterThanOrEqual(1);
      const dl = await fetch(new URL(files[0]!.url, `${pypi.url}simple/x/`));
      expect(dl.status).toBe(200);
    }
    // No tier starts before every earlier-tier package is published and visible.
    const events = lines.filter((e) => e.type === 'step.started' || e.type === 'step.completed') as {
      type: string;
      step: string;
      ts: string;
    }[];
    const tierOf = (step: string) => SEED_TIERS.findIndex((t) => t.includes(step.split('/')[0]!));
    for (let t = 1; t < SEED_TIERS.length; t++) {
      const firstStart = events.find((e) => e.type === 'step.started' && tierOf(e.step) === t)!;
      const lastPublish = events
        .filter((e) => e.type === 'step.completed' && e.step.endsWith('/PUBLISH') && tierOf(e.step) === t - 1)
        .pop()!;
      expect(events.indexOf(firstStart)).toBeGreaterThan(events.indexOf(lastPublish));
      expect(Date.parse(firstStart.ts)).toBeGreaterThanOrEqual(Date.parse(lastPublish.ts));
    }
    // Completed: state archived with the seed fields, worktrees removed, result file written.
    const state = JSON.parse(readFileSync(join(home, 'state', 'release', 'archive', `${RUN}.json`), 'utf8'));
    expect(validateAgainst('state', state)).toEqual([]);
    expect(Object.keys(state.data).sort()).toEqual(
      expect.arrayContaining(['plan_hash', 'gate_token', 'status', 'repos']),
    );
    expect(state.data.gate_token).toBe(TOKEN);
    expect(state.data.status).toBe('completed');
    const spi = state.data.repos.omnibase_spi;
    expect(spi).toMatchObject({
      tier: 1,
      old_version: '1.2.0',
      new_version: '1.2.1',
      bump: 'patch',
      phase: 'DONE',
      branch: `release/${RUN}/omnibase_spi`,
      tag: 'omnibase_spi/v1.2.1',
      pr_number: 1,
      error: null,
    });
    expect(spi.phase_history.map((h: { phase: string }) => h.phase)).toEqual([
      'PLANNED',
      'WORKTREE',
      'BUMPED',
      'PINNED',
      'CHANGELOG',
      'LOCKED',
      'LINT',
      'COMMITTED',
      'PUSHED',
      'PR_CREATED',
      'MERGED',
      'TAGGED',
      'PUBLISHED',
      'DONE',
    ]);
    expect(existsSync(join(home, 'state', 'release', `${RUN}.json`))).toBe(false);
    expect(existsSync(join(home, 'worktrees', RUN))).toBe(false);
    expect(JSON.parse(readFileSync(join(home, 'results', RUN, 'release.json'), 'utf8'))).toEqual(result);
    for (const name of NAMES) expect(await eco.git(name, ['worktree', 'list'])).not.toContain(RUN);
    // Every event is of the schema; the registry token is in no output and no file ferry wrote.
    for (const e of lines.slice(0, -1)) expect(validateAgainst('event', e)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(pypi.token);
    const written = readdirSync(home, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(written.map((d) => d.name)).toEqual(
      expect.arrayContaining(['events.jsonl', 'commands.log', 'release.json', `${RUN}.json`]),
    );
    for (const d of written) expect(readFileSync(join(d.parentPath, d.name), 'utf8'), d.name).not.toContain(pypi.token);
  });

  it('a second release right after → NOTHING_TO_RELEASE for all, exit 0', async () => {
    const before = await eco.snapshotRepos();
    const r = await run(['--run-id', RUN]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: release run ${RUN} already completed (archived): this new run is ${RUN}-2`);
    expect(r.stdout).toContain('NOTHING_TO_RELEASE');
    for (const n of NAMES) expect(r.stdout).toMatch(new RegExp(`${n} .*NOTHING_TO_RELEASE`));
    const after = await eco.snapshotRepos();
    expect(after).toEqual(before);
    expect(readdirSync(join(home, 'state', 'release')).filter((f) => f.endsWith('.json'))).toEqual([]);
    // The completed run's token approved that run, not a new one: refused before any scan.
    const stale = await run(['--run-id', RUN, '--gate-attestation', TOKEN]);
    expect(stale.exitCode, stale.stderr).toBe(2);
    expect(stale.stderr).toContain(
      `error[INVALID_GATE_TOKEN]: --gate-attestation was issued for run ${RUN}, which already finished; this new run is ${RUN}-2`,
    );
    expect(await eco.snapshotRepos()).toEqual(before);
  });

  it('a second release the same day takes a fresh run id; the first run keeps its result, state and events', async () => {
    const spi = eco.repos.omnibase_spi!;
    const commit = async (subject: string) => {
      writeFileSync(join(spi.dir, `${subject.replace(/\W+/g, '_')}.py`), `# ${subject}\n`);
      await eco.git('omnibase_spi', ['pull', '-q', '--ff-only', 'origin', 'main']);
      await eco.git('omnibase_spi', ['add', '-A']);
      await eco.git('omnibase_spi', ['commit', '-q', '-m', subject]);
      await eco.git('omnibase_spi', ['push', '-q', 'origin', 'main']);
    };
    // The deterministic id of today's omnibase_spi release, as the dry run shows it.
    await commit('fix: first of the day');
    const base = /^Release (\S+)/.exec((await run(['omnibase_spi', '--dry-run'])).stdout)![1]!;
    expect(base).toMatch(/^release-\d{8}-[0-9a-f]{6}$/);
    const first = await run(['omnibase_spi', '--gate-attestation', `1740312612.000100:${base}`]);
    expect(first.exitCode, first.stderr).toBe(0);
    const firstResult = readFileSync(join(home, 'results', base, 'release.json'), 'utf8');
    const firstState = readFileSync(join(home, 'state', 'release', 'archive', `${base}.json`), 'utf8');

    await commit('fix: second of the day');
    const dry = await run(['omnibase_spi', '--dry-run']);
    expect(dry.stdout).toContain(`Release ${base}-2`);
    expect(dry.stdout).toContain('from 1 commit\n');
    const refused = await run(['omnibase_spi', '--gate-attestation', `1740312612.000100:${base}`]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('INVALID_GATE_TOKEN');
    const second = await run(['omnibase_spi', '--gate-attestation', `1740312612.000200:${base}-2`]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toContain(
      `note: release run ${base} already completed (archived): this new run is ${base}-2`,
    );
    expect(second.stderr).toContain(`✓ gate approved: by attestation 1740312612.000200:${base}-2`);
    expect(second.stdout).toMatch(/omnibase_spi \| 1\.2\.2 → 1\.2\.3 .*\| available/);

    // The first run's files are untouched; each run has its own event log, result and archive.
    expect(readFileSync(join(home, 'results', base, 'release.json'), 'utf8')).toBe(firstResult);
    expect(readFileSync(join(home, 'state', 'release', 'archive', `${base}.json`), 'utf8')).toBe(firstState);
    expect(JSON.parse(readFileSync(join(home, 'results', `${base}-2`, 'release.json'), 'utf8'))).toMatchObject({
      run_id: `${base}-2`,
      status: 'SUCCESS',
      gate_token: `1740312612.000200:${base}-2`,
    });
    const starts = (id: string) =>
      readFileSync(join(home, 'runs', id, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"run.started"')).length;
    expect([starts(base), starts(`${base}-2`)]).toEqual([1, 1]);
    const list = await ferry(['--config', eco.configPath, '--state-dir', home, 'runs', 'list'], {
      cwd: eco.workspace,
      env: env(),
    });
    expect(list.stdout).toContain(`${base}-2 `);
    expect(list.stdout).toContain(`${base} `);
  });
});
