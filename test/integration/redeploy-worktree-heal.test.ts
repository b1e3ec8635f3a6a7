// A kill -9 inside `git worktree add` leaves the redeploy worktree registered, `locked initializing`
// and half checked out. Resume used to "reuse the existing worktree" and fail in PIN_UPDATE on every
// try (Dockerfile not found); now WORKTREE removes the half-made worktree and makes it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ferry } from '../helpers/ferry.js';
import { makeInfraWorkspace, type InfraWorkspace } from '../fixtures/infra-repo.js';
import { git } from '../fixtures/git.js';

const V = 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1';
let ws: InfraWorkspace;

beforeAll(async () => {
  ws = await makeInfraWorkspace();
});
afterAll(async () => {
  await ws?.cleanup();
});

describe('redeploy WORKTREE after a kill inside git worktree add', () => {
  it('a half-made (locked initializing) worktree is made again and the resume completes', async () => {
    const runId = 'redeploy-20260301-a1f3c0';
    const first = await ferry(['redeploy', '--versions', V, '--run-id', runId], {
      cwd: ws.dir,
      env: { FERRY_TEST_CRASH: 'BEFORE:WORKTREE' },
    });
    expect(first.exitCode).not.toBe(0);
    // What git leaves when killed between registering the worktree and finishing its checkout.
    const path = join(ws.dir, '.ferry', 'worktrees', runId, 'omnibase_infra');
    await git(ws.infraRepo, ['worktree', 'add', path, '-b', runId]);
    await git(ws.infraRepo, ['worktree', 'lock', '--reason', 'initializing', path]);
    rmSync(join(path, 'docker'), { recursive: true, force: true });

    const r = await ferry(['redeploy', '--resume', runId], { cwd: ws.dir });
    expect(r.stderr + r.stdout).not.toContain('ERROR in');
    expect(r.exitCode).toBe(0);
    expect(r.stdout + r.stderr).toContain('is half-made (git was killed while creating it (locked initializing))');
    expect(readFileSync(join(path, 'docker', 'Dockerfile.runtime'), 'utf8')).toContain(
      'ARG OMNIINTELLIGENCE_VERSION=0.8.0',
    );
    const list = await git(ws.infraRepo, ['worktree', 'list', '--porcelain']);
    expect(list).not.toMatch(/^locked/m);
    expect(existsSync(join(ws.dir, '.ferry', 'results', runId, 'redeploy.json'))).toBe(true);
  }, 120_000);
});
