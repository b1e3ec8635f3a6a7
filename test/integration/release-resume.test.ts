// Acceptance 3: a real pre-commit hook fails in a tier-3 repo → LINT_FAILED, the rest BLOCKED
// (TIER_BLOCKED), PARTIAL, exit 1, resume command; fix in the worktree, --resume → done, and
// every merge, tag and upload of the repos that had finished exists exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedEcosystem, SEED_TIERS, type CommitSpec, type Ecosystem } from '../fixtures/ecosystem.js';
import { git } from '../fixtures/git.js';
import { startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';

const RUN = 'release-20260301-c0ffee';
const TOKEN = `1740312612.000100:${RUN}`;
const OK_HOOKS =
  'repos:\n- repo: local\n  hooks:\n  - id: ok\n    name: always ok\n    language: system\n    entry: "true"\n    pass_filenames: false\n';
const FAIL_HOOKS =
  "repos:\n- repo: local\n  hooks:\n  - id: no-bad-files\n    name: no .bad files\n    language: fail\n    entry: files ending in .bad are not allowed\n    files: '\\.bad$'\n";

let pypi: PypiServer;
let eco: Ecosystem;
let home: string;
const run = (args: string[]) =>
  ferry(['--config', eco.configPath, '--state-dir', home, 'release', ...args], {
    cwd: eco.workspace,
    env: {
      FERRY_TEST_PYPI_TOKEN: pypi.token,
      PRE_COMMIT_HOME: join(eco.root, 'pre-commit-cache'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  });

beforeAll(async () => {
  const subjects: Record<string, string> = {
    omnibase_spi: 'fix: a',
    omnibase_core: 'feat: b',
    omnibase_infra: 'feat: c',
    omniintelligence: 'fix: d',
    omnimemory: 'fix: e',
    omniclaude: 'feat: f',
  };
  const commits: Record<string, CommitSpec[]> = {};
  for (const [name, subject] of Object.entries(subjects)) {
    const files: Record<string, string> = {
      '.pre-commit-config.yaml': name === 'omnibase_infra' ? FAIL_HOOKS : OK_HOOKS,
      [`src/${name}/change.py`]: `# ${subject}\n`,
    };
    if (name === 'omnibase_infra') files['notes/oops.bad'] = 'bad\n';
    commits[name] = [{ subject, files }];
  }
  [pypi, eco] = await Promise.all([startPypiServer(), seedEcosystem({ commits })]);
  home = join(eco.root, '.ferry');
  eco.writeConfig((base) => ({
    ...base,
    packages: (base.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'pypi' })),
    registries: { pypi: { kind: 'pypi', url: pypi.uploadUrl, index: pypi.url, token_env: 'FERRY_TEST_PYPI_TOKEN' } },
    release: { forge: { kind: 'git' }, lint: ['pre-commit', 'run', '--all-files'] },
  }));
});
afterAll(async () => {
  await pypi?.stop();
  await eco?.cleanup();
});

describe('release failure and resume', () => {
  it('LINT_FAILED in tier 3 blocks the rest: PARTIAL, exit 1, resume command printed', async () => {
    const r = await run(['--run-id', RUN, '--gate-attestation', TOKEN]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(`ferry release --resume ${RUN}`);
    expect(r.stderr).toContain(`✓ gate approved: by attestation ${TOKEN}\n`);
    // The closing summary: one complete line (no dangling colon), the hook output indented below,
    // then the exact resume command on its own line.
    const tail = r.stderr
      .slice(r.stderr.lastIndexOf(`\nrelease ${RUN} partial: `) + 1)
      .trimEnd()
      .split('\n');
    expect(tail[0]).toBe(
      `release ${RUN} partial: omnibase_infra failed at LINT: LINT_FAILED: omnibase_infra: lint hook failed (pre-commit run --all-files exited 1)`,
    );
    expect(tail.slice(1, -1).length).toBeGreaterThan(0);
    for (const l of tail.slice(1, -1)) expect(l).toMatch(/^ {4}/);
    expect(tail.slice(1, -1).join('\n')).toContain('no .bad files');
    expect(tail.at(-1)).toBe(`resume with: ferry release --resume ${RUN}`);
    // Summary table: the failed and the blocked packages say so in the registry column.
    expect(r.stdout).toMatch(/^omnibase_infra +\| 2\.0\.0 → 2\.1\.0 +\| - +\| - +\| failed \(LINT\)$/m);
    expect(r.stdout).toMatch(/^omniclaude +\| .*\| blocked$/m);
    const result = JSON.parse(readFileSync(join(home, 'results', RUN, 'release.json'), 'utf8'));
    expect(validateAgainst('result', result)).toEqual([]);
    expect(validateAgainst('release-result', result)).toEqual([]);
    expect(result).toMatchObject({
      resume: `ferry release --resume ${RUN}`,
      error: { code: 'LINT_FAILED', fix: expect.any(String) },
      status: 'PARTIAL',
      repos_attempted: 6,
      repos_succeeded: 2,
      repos_failed: 4,
      repos_skipped: 0,
      gate_token: TOKEN,
    });
    const by = Object.fromEntries(result.details.map((d: { repo: string }) => [d.repo, d]));
    expect(by.omnibase_spi.phase).toBe('DONE');
    expect(by.omnibase_core.phase).toBe('DONE');
    expect(by.omnibase_infra.phase).toBe('LINT');
    expect(by.omnibase_infra.error).toMatch(/^LINT_FAILED: .*lint hook failed[\s\S]*no \.bad files/);
    for (const n of ['omniintelligence', 'omnimemory', 'omniclaude']) {
      expect(by[n].phase).toBe('BLOCKED');
      expect(by[n].error).toMatch(/^TIER_BLOCKED: blocked by omnibase_infra\/LINT \(LINT_FAILED\)/);
    }
    const state = JSON.parse(readFileSync(join(home, 'state', 'release', `${RUN}.json`), 'utf8'));
    expect(validateAgainst('state', state)).toEqual([]);
    expect(state.status).toBe('partial');
    expect(state.data.repos.omnibase_infra.phase_history.map((h: { phase: string }) => h.phase)).toEqual([
      'PLANNED',
      'WORKTREE',
      'BUMPED',
      'PINNED',
      'CHANGELOG',
      'LOCKED',
    ]);
  });

  it('fix in the worktree, --resume → done; finished repos merged, tagged and uploaded once', async () => {
    const wt = join(home, 'worktrees', RUN, 'omnibase_infra');
    await git(wt, ['rm', '-q', 'notes/oops.bad']);
    const r = await run(['--resume', RUN, '--json']);
    const lines = jsonLines(r.stdout);
    const result = lines[lines.length - 1] as { status: string; details: { repo: string; phase: string }[] };
    expect(r.exitCode, r.stderr).toBe(0);
    expect(result.status).toBe('SUCCESS');
    expect(validateAgainst('release-result', result)).toEqual([]);
    expect(result).not.toHaveProperty('resume');
    expect(result.details.every((d) => d.phase === 'DONE')).toBe(true);
    // Completed steps of the first attempt were not re-run.
    expect(lines.some((e) => e.type === 'step.started' && String(e.step).startsWith('omnibase_spi/'))).toBe(false);
    expect(lines.some((e) => e.type === 'gate.requested')).toBe(false);
    for (const name of SEED_TIERS.flat()) {
      const remote = eco.repos[name]!.remote;
      const subjects = (await git(remote, ['log', '--format=%s', 'main'])).split('\n');
      expect(subjects.filter((s) => s.startsWith('release: '))).toHaveLength(1);
      expect((await git(remote, ['tag', '--list', `${name}/v*`])).split('\n')).toHaveLength(2);
    }
    for (const f of pypi.files()) expect(pypi.stored(f.filename)).toBe(1);
    for (const f of pypi.files().filter((x) => x.name.startsWith('omnibase')))
      expect(pypi.uploadAttempts(f.filename)).toBe(1);
    expect(new Set(pypi.files().map((f) => f.name)).size).toBe(6);
    const infra = await git(eco.repos.omnibase_infra!.remote, ['ls-tree', '-r', '--name-only', 'main']);
    expect(infra).not.toContain('oops.bad');
  });
});
