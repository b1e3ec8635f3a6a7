// Every error code of the seed's table, each from its real cause, on small real ecosystems
// (git repos with bare remotes; the built CLI as a child process). LINT_FAILED, TIER_BLOCKED and
// NOTHING_TO_RELEASE are in release-resume / release tests; GATE_REJECTED/GATE_TIMEOUT in release-gate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { git } from '../fixtures/git.js';
import { startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { ferry } from '../helpers/ferry.js';

const ecos: Ecosystem[] = [];
let pypi: PypiServer;

async function small(extra: Record<string, unknown> = {}): Promise<Ecosystem> {
  const eco = await buildEcosystem({
    repos: [
      { name: 'alpha', ecosystem: 'python', version: '1.0.0', commits: [{ subject: 'feat: add alpha thing' }] },
      {
        name: 'beta',
        ecosystem: 'python',
        version: '0.2.0',
        deps: ['alpha'],
        commits: [{ subject: 'fix: beta edge case' }],
      },
    ],
  });
  ecos.push(eco);
  eco.writeConfig(extra);
  return eco;
}
const home = (eco: Ecosystem) => join(eco.root, '.ferry');
const release = (eco: Ecosystem, args: string[], env: Record<string, string> = {}) =>
  ferry(['--config', eco.configPath, '--state-dir', home(eco), 'release', ...args], {
    cwd: eco.workspace,
    env: { PYPI_TOKEN: pypi.token, ...env },
  });
const gated = (id: string) => ['--run-id', id, '--gate-attestation', `1740312612.000100:${id}`];
const result = (eco: Ecosystem, id: string) =>
  JSON.parse(readFileSync(join(home(eco), 'results', id, 'release.json'), 'utf8'));
const remoteMain = (eco: Ecosystem, repo: string) => git(eco.repos[repo]!.remote, ['rev-parse', 'main']);

beforeAll(async () => {
  pypi = await startPypiServer({ simpleLagMs: Infinity });
});
afterAll(async () => {
  await pypi?.stop();
  for (const e of ecos) await e.cleanup();
});

describe('release error codes from their real causes', () => {
  it('INVALID_GATE_TOKEN: bad format or another run → exit 2 before any scan', async () => {
    const eco = await small();
    const bad = await release(eco, ['--gate-attestation', 'yes-please']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('error[INVALID_GATE_TOKEN]');
    const other = await release(eco, [
      '--run-id',
      'release-20260101-aaaaaa',
      '--gate-attestation',
      '1740312612.000100:release-20260101-bbbbbb',
    ]);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/INVALID_GATE_TOKEN.*issued for run release-20260101-bbbbbb/);
    expect(existsSync(home(eco))).toBe(false);
  });

  it('STATE_NOT_FOUND and STATE_CORRUPT on --resume', async () => {
    const eco = await small();
    const missing = await release(eco, ['--resume', 'release-20260101-abcdef']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('error[STATE_NOT_FOUND]');
    mkdirSync(join(home(eco), 'state', 'release'), { recursive: true });
    writeFileSync(join(home(eco), 'state', 'release', 'release-20260101-abcdef.json'), '{"run_id": "release-2026');
    const corrupt = await release(eco, ['--resume', 'release-20260101-abcdef']);
    expect(corrupt.exitCode).toBe(1);
    expect(corrupt.stderr).toContain('error[STATE_CORRUPT]');
  });

  it('GRAPH_DRIFT: an unconfigured repo depends on an ecosystem package; a tier contradicts deps', async () => {
    const eco = await small();
    const gamma = join(eco.workspace, 'gamma');
    mkdirSync(gamma);
    writeFileSync(
      join(gamma, 'pyproject.toml'),
      '[project]\nname = "gamma"\nversion = "0.1.0"\ndependencies = ["alpha>=1.0"]\n',
    );
    await git(gamma, ['init', '-q', '-b', 'main']);
    const r = await release(eco, ['--dry-run']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[GRAPH_DRIFT]');
    expect(r.stderr).toMatch(/expected: alpha, beta\n\s+actual:\s+alpha, beta, gamma/);

    const eco2 = await small();
    eco2.writeConfig((b) => ({
      ...b,
      packages: (b.packages as Record<string, unknown>[]).map((p) => ({ ...p, tier: 1 })),
    }));
    const t = await release(eco2, ['--dry-run']);
    expect(t.stderr).toMatch(/GRAPH_DRIFT[\s\S]*beta is configured in tier 1 but depends on alpha \(tier 1\)/);
  });

  it('NOTHING_TO_RELEASE after a forgotten push: the unpushed local commits are named, with the push command', async () => {
    const eco = await small();
    await git(eco.repos.alpha!.dir, [
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@x',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'feat: only here',
    ]);
    const r = await release(eco, ['--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `note: alpha: 1 commit on local main is not on origin/main and not part of this release (push first: git -C ${eco.repos.alpha!.dir} push origin main)`,
    );
    expect(r.stderr).not.toContain('note: beta:');
  });

  it('after a completed release, the clones whose main is now behind the remote are named with the pull command', async () => {
    const eco = await small();
    const r = await release(eco, gated('release-20260101-00000b'));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `note: local main of alpha, beta is behind origin/main (the release commits are on the remote); update with: git -C ${eco.repos.alpha!.dir} pull --ff-only origin main (and likewise in the others)`,
    );
    await git(eco.repos.alpha!.dir, ['pull', '-q', '--ff-only', 'origin', 'main']);
    expect(await git(eco.repos.alpha!.dir, ['log', '-1', '--format=%s'])).toBe('release: alpha v1.1.0');
  });

  it('GATE_UNAVAILABLE: no terminal and no other channel → never proceeds', async () => {
    const eco = await small();
    const before = await eco.snapshotRepos();
    const r = await release(eco, ['--run-id', 'release-20260101-000001']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[GATE_UNAVAILABLE]');
    expect(r.stderr).toContain('--gate-attestation <ts>:release-20260101-000001');
    expect(result(eco, 'release-20260101-000001').status).toBe('FAILED');
    expect(await eco.snapshotRepos()).toEqual(before);
  });

  it('WORKTREE_CONFLICT: the worktree path is taken by another branch', async () => {
    const eco = await small();
    const id = 'release-20260101-000002';
    const path = join(home(eco), 'worktrees', id, 'alpha');
    await git(eco.repos.alpha!.dir, ['worktree', 'add', '-q', '-b', 'someone-else', path]);
    const r = await release(eco, gated(id));
    expect(r.exitCode).toBe(1);
    const d = result(eco, id).details;
    expect(d[0]).toMatchObject({ repo: 'alpha', phase: 'WORKTREE' });
    expect(d[0].error).toMatch(/^WORKTREE_CONFLICT: .*someone-else/);
    expect(d[1]).toMatchObject({ repo: 'beta', phase: 'BLOCKED' });
    expect(await git(path, ['branch', '--show-current'])).toBe('someone-else');
  });

  it("WORKTREE_DIRTY: the run's worktree has changes that are not ours", async () => {
    const eco = await small();
    const id = 'release-20260101-000003';
    const path = join(home(eco), 'worktrees', id, 'alpha');
    await git(eco.repos.alpha!.dir, ['worktree', 'add', '-q', '-b', `release/${id}/alpha`, path, 'origin/main']);
    writeFileSync(join(path, 'scratch.txt'), 'mine\n');
    const r = await release(eco, gated(id));
    expect(r.exitCode).toBe(1);
    expect(result(eco, id).details[0].error).toMatch(/^WORKTREE_DIRTY: .*scratch\.txt/);
    expect(readFileSync(join(path, 'scratch.txt'), 'utf8')).toBe('mine\n');
  });

  it('LOCK_FAILED: the lock command fails, with its output tail', async () => {
    // The tool colours its output even into a pipe (as twine and uv do): the tail shows the text, not the escapes.
    const eco = await small({
      release: {
        lock: {
          python: [
            'python3',
            '-c',
            'import sys; print("\\x1b[33mresolving...\\x1b[0m"); sys.exit("\\x1b[31mNo solution found when resolving dependencies\\x1b[0m")',
          ],
        },
      },
    });
    const id = 'release-20260101-000004';
    const r = await release(eco, gated(id));
    expect(r.exitCode).toBe(1);
    expect(result(eco, id).details[0]).toMatchObject({ phase: 'LOCKED' });
    expect(result(eco, id).details[0].error).toMatch(
      /^LOCK_FAILED: alpha: lock failed[\s\S]*resolving\.\.\.\nNo solution found when resolving dependencies/,
    );
    expect(r.stderr).toContain('No solution found when resolving dependencies');
    expect(r.stderr).not.toContain('\u001b');
    expect(JSON.stringify(result(eco, id))).not.toContain('\\u001b');
  });

  it('PR_FAILED: the pushed branch vanished from the remote before the change request', async () => {
    const eco = await small();
    const id = 'release-20260101-000005';
    expect((await release(eco, gated(id), { FERRY_TEST_CRASH: 'AFTER:alpha/PUSH' })).exitCode).not.toBe(0);
    await git(eco.repos.alpha!.remote, ['branch', '-D', `release/${id}/alpha`]);
    const r = await release(eco, ['--resume', id]);
    expect(r.exitCode).toBe(1);
    expect(result(eco, id).details[0]).toMatchObject({ phase: 'PR_CREATED' });
    expect(result(eco, id).details[0].error).toMatch(/^PR_FAILED: branch release\/.* is not on remote origin/);
  });

  it('MERGE_FAILED: main moved with a conflicting change', async () => {
    const eco = await small();
    const id = 'release-20260101-000006';
    expect((await release(eco, gated(id), { FERRY_TEST_CRASH: 'AFTER:alpha/PR' })).exitCode).not.toBe(0);
    const other = join(eco.root, 'other-clone');
    await git(eco.root, ['clone', '-q', eco.repos.alpha!.remote, other]);
    const py = join(other, 'pyproject.toml');
    writeFileSync(py, readFileSync(py, 'utf8').replace('version = "1.0.0"', 'version = "9.9.9"'));
    await git(other, ['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qam', 'chore: someone bumps']);
    await git(other, ['push', '-q', 'origin', 'main']);
    const mainBefore = await remoteMain(eco, 'alpha');
    const r = await release(eco, ['--resume', id]);
    expect(r.exitCode).toBe(1);
    expect(result(eco, id).details[0].error).toMatch(
      /^MERGE_FAILED: squash-merging release\/.* conflicts in pyproject\.toml/,
    );
    expect(await remoteMain(eco, 'alpha')).toBe(mainBefore);
  });

  it('TAG_CONFLICT: the release tag already names another commit', async () => {
    const eco = await small();
    const id = 'release-20260101-000007';
    expect((await release(eco, gated(id), { FERRY_TEST_CRASH: 'AFTER:alpha/MERGE' })).exitCode).not.toBe(0);
    await git(eco.repos.alpha!.dir, ['tag', 'alpha/v1.1.0', 'alpha/v1.0.0^{commit}']);
    await git(eco.repos.alpha!.dir, ['push', '-q', 'origin', 'alpha/v1.1.0']);
    const r = await release(eco, ['--resume', id]);
    expect(r.exitCode).toBe(1);
    expect(result(eco, id).details[0].error).toMatch(
      /^TAG_CONFLICT: tag alpha\/v1\.1\.0 exists locally on [0-9a-f]{12}, not on the release commit/,
    );
  });

  it('PYPI_TIMEOUT: the index never shows the version in time; --resume --skip-pypi-wait finishes, uploaded once', async () => {
    const eco = await small();
    eco.writeConfig((b) => ({
      ...b,
      packages: (b.packages as Record<string, unknown>[]).map((p) => ({
        ...p,
        publish: p.name === 'alpha' ? 'pypi' : false,
      })),
      registries: { pypi: { kind: 'pypi', url: pypi.uploadUrl, index: pypi.url } },
    }));
    const id = 'release-20260101-000008';
    const r = await release(eco, [...gated(id), '--pypi-timeout-minutes', '0.03']);
    expect(r.exitCode).toBe(1);
    const d = result(eco, id).details[0];
    expect(d).toMatchObject({ phase: 'PUBLISHED', pypi_status: 'failed' });
    expect(d.error).toMatch(/^PYPI_TIMEOUT: /);
    expect(result(eco, id).details[1]).toMatchObject({
      phase: 'BLOCKED',
      error: expect.stringMatching(/^TIER_BLOCKED: blocked by alpha\/PUBLISH \(PYPI_TIMEOUT\)/),
    });
    const again = await release(eco, ['--resume', id, '--skip-pypi-wait']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(result(eco, id).details.map((x: { pypi_status: string }) => x.pypi_status)).toEqual(['pending', 'skipped']);
    const files = pypi.files().filter((f) => f.name === 'alpha');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(pypi.stored(f.filename)).toBe(1);
  });
});
