// Forge kind github, driven through @octokit/rest against the local GitHub simulator backed by
// real bare repos: PR dedupe, real squash merges, sha guard, required checks, rate limits, secrets.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSchema } from '../src/config/sections/release.js';
import { GithubForge, type GithubForgeConfig } from '../src/adapters/forge/github.js';
import { isFerryError, serializeError } from '../src/errors.js';
import { exec } from '../src/util/process.js';
import { startGithubServer, type GithubServer } from './fixtures/github-server.js';
import { makeBareRepo, tempRoot, type BareRepo } from './fixtures/git-bare.js';

const OWNER = 'acme';
const TOKEN = `ghp_${randomBytes(16).toString('hex')}`;
const CREATE = 'POST /repos/{owner}/{repo}/pulls';
const names = ['spi', 'core', 'infra', 'conflict', 'limits', 'wf'] as const;

let root: Awaited<ReturnType<typeof tempRoot>>;
let server: GithubServer;
const repos = {} as Record<(typeof names)[number], BareRepo>;
const logs: string[] = [];
const log = (m: string): void => void logs.push(m);
let dispatched: string[] = [];

function forgeCfg(extra: Record<string, unknown> = {}): GithubForgeConfig {
  const forge = releaseSchema.parse({
    forge: {
      kind: 'github',
      owner: OWNER,
      api_url: server.url,
      token_env: 'FERRY_TEST_GH_TOKEN',
      write_interval_ms: 0,
      checks_poll_seconds: 0.05,
      ...extra,
    },
  }).forge;
  if (forge.kind !== 'github') throw new Error('expected github forge');
  return forge;
}
const forge = (extra: Record<string, unknown> = {}): GithubForge =>
  new GithubForge(forgeCfg(extra), { env: { FERRY_TEST_GH_TOKEN: TOKEN }, pollMs: 50 });
const input = (repo: string, branch: string) => ({
  repoDir: '',
  repo,
  branch,
  base: 'main',
  title: `release: ${repo} v1.0.1`,
  body: 'plan',
});

async function catchErr(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  root = await tempRoot();
  for (const n of names) repos[n] = await makeBareRepo(root.dir, n);
  server = await startGithubServer({
    repos: Object.fromEntries(names.map((n) => [`${OWNER}/${n}`, repos[n].bare])),
    token: TOKEN,
    onDispatch: (e) => {
      dispatched.push(`${e.repo}@${e.ref}`);
      return e.inputs.fail === 'yes' ? 'failure' : 'success';
    },
  });
});

afterAll(async () => {
  await server?.close();
  await root?.cleanup();
});

describe('forge github', () => {
  it('reuses the PR for a branch: two ensurePr calls, one create on the server', async () => {
    const branch = 'release/r1/spi';
    await repos.spi.pushBranch(branch, { VERSION: '1.0.1\n' });
    const f = forge();
    const a = await f.ensurePr(input('spi', branch), log);
    const b = await f.ensurePr(input('spi', branch), log);
    expect(b.number).toBe(a.number);
    expect(a.state).toBe('open');
    expect(a.url).toBe(`${server.url}/${OWNER}/spi/pull/${a.number}`);
    expect(server.count(CREATE, `${OWNER}/spi`)).toBe(1);
    expect(logs.some((l) => l.startsWith(`reusing PR #${a.number}`))).toBe(true);
  });

  it('squash-merges into a real commit on bare main with the title; merging again is a no-op', async () => {
    const branch = 'release/r1/spi';
    const f = forge();
    const pr = await f.ensurePr(input('spi', branch), log);
    const mainBefore = await repos.spi.bareSha('main');
    const headSha = await repos.spi.bareSha(branch);
    const m = await f.merge(
      { ...input('spi', branch), repoDir: repos.spi.work, pr, commitMessage: 'release: spi v1.0.1', headSha },
      log,
    );
    expect(m.alreadyMerged).toBe(false);
    // The merge commit was fetched into the local clone (TAG needs it there).
    expect(await repos.spi.git(['rev-parse', 'refs/remotes/origin/main'])).toBe(m.mergeSha);
    expect(await repos.spi.bareSha('main')).toBe(m.mergeSha);
    expect(await repos.spi.bareSubject('main')).toBe('release: spi v1.0.1');
    const parents = (
      await exec('git', ['--git-dir', repos.spi.bare, 'log', '-1', '--format=%P', 'main'])
    ).stdout.trim();
    expect(parents).toBe(mainBefore); // squash: one parent, the old main
    const file = (await exec('git', ['--git-dir', repos.spi.bare, 'show', 'main:VERSION'])).stdout;
    expect(file).toBe('1.0.1');
    const again = await f.merge({ ...input('spi', branch), pr, commitMessage: 'release: spi v1.0.1', headSha }, log);
    expect(again).toEqual({ mergeSha: m.mergeSha, alreadyMerged: true });
    // A merged PR is still found (state all) and reused, not recreated.
    const reused = await f.ensurePr(input('spi', branch), log);
    expect(reused).toMatchObject({ number: pr.number, state: 'merged', mergeSha: m.mergeSha });
    expect(server.count(CREATE, `${OWNER}/spi`)).toBe(1);
  });

  it('refuses to merge when the head moved (sha guard → 409), leaving main untouched', async () => {
    const branch = 'release/r1/core';
    const first = await repos.core.pushBranch(branch, { VERSION: '2.0.0\n' });
    const f = forge();
    const pr = await f.ensurePr(input('core', branch), log);
    await repos.core.pushBranch(branch, { EXTRA: 'sneaky\n' }, 'chore: pushed meanwhile');
    const main = await repos.core.bareSha('main');
    const e = await catchErr(
      f.merge({ ...input('core', branch), pr, commitMessage: 'release: core v2.0.0', headSha: first }, log),
    );
    expect(isFerryError(e) && e.code).toBe('MERGE_FAILED');
    expect((e as Error).message).toContain('Head branch was modified');
    expect((e as Error).message).toContain(first.slice(0, 7));
    expect(await repos.core.bareSha('main')).toBe(main);
  });

  it('waits for a pending required check, fails naming a failing one, merges once it passes', async () => {
    const branch = 'release/r1/infra';
    const headSha = await repos.infra.pushBranch(branch, { VERSION: '3.1.0\n' });
    server.protect(`${OWNER}/infra`, 'main', ['ci/build', 'lint']);
    server.setCi(`${OWNER}/infra`, 'lint', 'success', 'check_run');
    const f = forge();
    const pr = await f.ensurePr(input('infra', branch), log);
    const merge = () =>
      f.merge({ ...input('infra', branch), pr, commitMessage: 'release: infra v3.1.0', headSha }, log);

    server.setCi(`${OWNER}/infra`, 'ci/build', 'failure');
    const e = await catchErr(merge());
    expect(isFerryError(e) && e.code).toBe('MERGE_FAILED');
    expect((e as Error).message).toContain('"ci/build"');
    expect(isFerryError(e) && e.details.checks).toEqual(['ci/build']);
    expect(server.count('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', `${OWNER}/infra`)).toBe(0);

    // Pending → the adapter waits (and says so); the check turns green meanwhile → merge.
    server.setCi(`${OWNER}/infra`, 'ci/build', 'pending');
    logs.length = 0;
    setTimeout(() => server.setCi(`${OWNER}/infra`, 'ci/build', 'success'), 300);
    const m = await merge();
    expect(m.alreadyMerged).toBe(false);
    expect(logs.some((l) => l.startsWith('waiting for checks: ci/build (pending)'))).toBe(true);
    expect(await repos.infra.bareSubject('main')).toBe('release: infra v3.1.0');
  });

  it('times out on a check that never reports', async () => {
    const branch = 'release/r2/infra';
    const headSha = await repos.infra.pushBranch(branch, { VERSION: '3.1.1\n' });
    server.protect(`${OWNER}/infra`, 'main', ['never']);
    const f = forge({ checks_timeout_minutes: 0.005 });
    const pr = await f.ensurePr(input('infra', branch), log);
    const e = await catchErr(
      f.merge({ ...input('infra', branch), pr, commitMessage: 'release: infra v3.1.1', headSha }, log),
    );
    expect(isFerryError(e) && e.code).toBe('MERGE_FAILED');
    expect((e as Error).message).toMatch(/"never" did not complete/);
    server.protect(`${OWNER}/infra`, 'main', []);
  });

  it("carries GitHub's reason on a conflict (405) and on a PR with no commits (422)", async () => {
    const branch = 'release/r1/conflict';
    const headSha = await repos.conflict.pushBranch(branch, { 'README.md': 'branch side\n' });
    // main moves with a conflicting change to the same file
    await repos.conflict.git(['checkout', 'main']);
    await repos.conflict.pushBranch('main', { 'README.md': 'main side\n' }, 'docs: main side');
    const f = forge();
    const pr = await f.ensurePr(input('conflict', branch), log);
    const e = await catchErr(
      f.merge({ ...input('conflict', branch), pr, commitMessage: 'release: conflict v1', headSha }, log),
    );
    expect(isFerryError(e) && e.code).toBe('MERGE_FAILED');
    expect((e as Error).message).toContain('405 Pull Request is not mergeable');

    await repos.conflict.git(['push', 'origin', 'main:refs/heads/release/empty']);
    const e2 = await catchErr(f.ensurePr(input('conflict', 'release/empty'), log));
    expect(isFerryError(e2) && e2.code).toBe('PR_FAILED');
    expect((e2 as Error).message).toContain('No commits between main and release/empty');
  });

  it('waits out 429 Retry-After, secondary 403 and primary limits, says so, and succeeds', async () => {
    const branch = 'release/r1/limits';
    await repos.limits.pushBranch(branch, { VERSION: '0.2.0\n' });
    server.fail({ times: 2, kind: 'retry-after', retryAfterS: 1, method: 'GET' });
    server.fail({ times: 2, kind: 'secondary', status: 403, retryAfterS: 1, method: 'POST' });
    server.fail({ times: 1, kind: 'primary', status: 429, retryAfterS: 1, method: 'POST' });
    logs.length = 0;
    const started = Date.now();
    const pr = await forge().ensurePr(input('limits', branch), log);
    expect(pr.state).toBe('open');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    expect(server.count(CREATE, `${OWNER}/limits`)).toBe(4); // 3 refused + 1 created
    expect(server.state.repos.get(`${OWNER}/limits`)?.prs).toHaveLength(1);
    expect(logs.filter((l) => /rate limit(ed)?.*waiting \ds/.test(l)).length).toBeGreaterThanOrEqual(5);
    expect(logs.some((l) => l.includes('secondary rate limit'))).toBe(true);
  });

  it('spaces write calls by write_interval_ms across forge instances (one per step)', async () => {
    await repos.limits.pushBranch('release/s1', { S1: '1\n' });
    await repos.limits.pushBranch('release/s2', { S2: '2\n' });
    const before = server.calls.length;
    await forge({ write_interval_ms: 400 }).ensurePr(input('limits', 'release/s1'), log);
    await forge({ write_interval_ms: 400 }).ensurePr(input('limits', 'release/s2'), log);
    const posts = server.calls.slice(before).filter((c) => c.route === CREATE && c.status === 201);
    expect(posts).toHaveLength(2);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(380);
  });

  it('dispatches the publish workflow and records the run URL; a failed run → PUBLISH_FAILED', async () => {
    await repos.wf.git(['tag', 'wf/v1.0.0']);
    await repos.wf.git(['push', 'origin', 'wf/v1.0.0']);
    const f = forge();
    dispatched = [];
    const r = await f.runWorkflow({ repo: 'wf', workflow: 'release.yml', ref: 'wf/v1.0.0' }, log);
    expect(r.conclusion).toBe('success');
    expect(r.runUrl).toMatch(new RegExp(`^${server.url}/${OWNER}/wf/actions/runs/\\d+$`));
    expect(dispatched).toEqual([`${OWNER}/wf@wf/v1.0.0`]);
    const e = await catchErr(
      f.runWorkflow({ repo: 'wf', workflow: 'release.yml', ref: 'wf/v1.0.0', inputs: { fail: 'yes' } }, log),
    );
    expect(isFerryError(e) && e.code).toBe('PUBLISH_FAILED');
    expect((e as Error).message).toContain('concluded failure');
  });

  it('never lets the token into logs or errors, even on bad credentials', async () => {
    const wrong = `ghp_${randomBytes(16).toString('hex')}`;
    const bad = new GithubForge(forgeCfg(), { env: { FERRY_TEST_GH_TOKEN: wrong } });
    const e = await catchErr(bad.ensurePr(input('spi', 'release/r1/spi'), log));
    expect(isFerryError(e) && e.code).toBe('PR_FAILED');
    expect((e as Error).message).toContain('401 Bad credentials');
    // The fix says it is the token, and which variable holds it.
    expect(isFerryError(e) && e.fix).toContain('$FERRY_TEST_GH_TOKEN');
    const everything = [
      ...logs,
      (e as Error).message,
      JSON.stringify(serializeError(e)),
      String((e as Error).stack),
    ].join('\n');
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(TOKEN);
    const missing = await catchErr(Promise.resolve().then(() => new GithubForge(forgeCfg(), { env: {} })));
    expect(isFerryError(missing) && missing.code).toBe('ENV_MISSING');
  });
});
