import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DELETED, localChanges, type LocalFacts } from '../src/deploy/analyse-local.js';
import { parseLog, parseLsRemote } from '../src/deploy/analyse-remote.js';
import { digestWarnings } from '../src/deploy/analyse-system.js';
import { matchConfigKey, readBuildBlock } from '../src/deploy/build-output.js';
import {
  afterBuild,
  afterDeploy,
  humanSize,
  normalizeLastDeploy,
  readLastDeploy,
  writeLastDeploy,
} from '../src/deploy/last-deploy.js';
import type { LastDeployState, ServiceStatus } from '../src/deploy/types.js';
import { evaluateVerification } from '../src/deploy/verify.js';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);
const last: LastDeployState = {
  timestamp: '2026-01-01T00:00:00.000Z',
  config_commits: { master: 'a'.repeat(40) },
  docker_image_tag: 'app:latest',
  docker_image_digest: D1,
  build_timestamp: '2026-01-01T00:00:00.000Z',
  code_commit: 'c'.repeat(40),
  file_hashes: { '.env': 'sha256:env1', 'agent.py': 'sha256:py1' },
};

const tmp = mkdtempSync(join(tmpdir(), 'ferry-deploy-state-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('last-deploy state', () => {
  it('afterBuild captures every build field (seed rule 1)', () => {
    const s = afterBuild(
      last,
      {
        imageTag: 'app:latest',
        imageDigest: D2,
        buildTimestamp: '2026-02-02T00:00:00.000Z',
        configCommits: { master: 'b'.repeat(40), project: 'e'.repeat(40) },
      },
      '2026-02-02T00:00:01.000Z',
    );
    expect(s).toEqual({
      ...last,
      timestamp: '2026-02-02T00:00:01.000Z',
      config_commits: { master: 'b'.repeat(40), project: 'e'.repeat(40) },
      docker_image_digest: D2,
      build_timestamp: '2026-02-02T00:00:00.000Z',
    });
  });

  it("afterBuild records size and build duration, and drops the previous build's when a build reports none", () => {
    const b = { imageTag: 'app:latest', imageDigest: D2, buildTimestamp: 't', configCommits: {} };
    const measured = afterBuild(
      last,
      { ...b, imageSize: '4.26MB', imageSizeBytes: 4_259_840, buildDurationMs: 12_345 },
      'n',
    );
    expect(measured).toMatchObject({ image_size: '4.26MB', image_size_bytes: 4_259_840, build_duration_seconds: 12.3 });
    expect(normalizeLastDeploy(JSON.parse(JSON.stringify(measured)))).toEqual(measured);
    const next = afterBuild(measured, b, 'n2');
    expect(next).not.toHaveProperty('image_size');
    expect(next).not.toHaveProperty('image_size_bytes');
    expect(next).not.toHaveProperty('build_duration_seconds');
  });

  it('humanSize prints sizes the way docker images does (decimal units, 3 significant digits)', () => {
    expect([999, 1000, 4_259_840, 1_234_567_890].map(humanSize)).toEqual(['999B', '1kB', '4.26MB', '1.23GB']);
  });

  it('afterDeploy records the code commit, the timestamp and replaces file hashes (seed rules 2, 3)', () => {
    const s = afterDeploy(
      last,
      { codeCommit: 'f'.repeat(40), fileHashes: { '.env': 'sha256:env2' } },
      '2026-03-03T00:00:00.000Z',
    );
    expect(s).toEqual({
      ...last,
      timestamp: '2026-03-03T00:00:00.000Z',
      code_commit: 'f'.repeat(40),
      file_hashes: { '.env': 'sha256:env2' },
    });
  });

  it('reads the seed shape (master_config_commit…) and writes atomically', async () => {
    const seed = {
      timestamp: 't',
      master_config_commit: 'm1',
      project_config_commit: 'p1',
      docker_image_tag: 'x:latest',
      docker_image_digest: D1,
      build_timestamp: 'b',
      code_commit: 'c1',
    };
    expect(normalizeLastDeploy(seed).config_commits).toEqual({ master: 'm1', project: 'p1' });
    const p = join(tmp, 'nested', 'last-deploy.json');
    expect(await readLastDeploy(p)).toBeNull();
    await writeLastDeploy(p, last);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual(last);
    expect(await readLastDeploy(p)).toEqual(last);
  });

  it('a corrupt state file is STATE_CORRUPT with a fix', async () => {
    const p = join(tmp, 'bad.json');
    writeFileSync(p, '{nope');
    await expect(readLastDeploy(p)).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
  });

  it('the fix for a corrupt state file can be pasted into a shell when the path has a space', async () => {
    mkdirSync(join(tmp, 'my project'), { recursive: true });
    const p = join(tmp, 'my project', 'last-deploy.json');
    writeFileSync(p, '{nope');
    await expect(readLastDeploy(p)).rejects.toMatchObject({
      fix: expect.stringMatching(new RegExp(`^mv '${p}' '${p}\\.bad'   #`)),
    });
  });
});

describe('localChanges', () => {
  const facts = (p: Partial<LocalFacts>): LocalFacts => ({
    head: 'h',
    base: 'c',
    status: [],
    committed: [],
    envFiles: [],
    hashes: {},
    warnings: [],
    ...p,
  });

  it('an uncommitted edit that was already deployed is not a change; an edit after it is', () => {
    const same = localChanges(
      facts({
        status: [{ path: 'agent.py', change: 'modified' }],
        hashes: { 'agent.py': 'sha256:py1', '.env': 'sha256:env1' },
        envFiles: ['.env'],
      }),
      last,
      undefined,
    );
    expect(same.files).toEqual([]);
    expect(same.hashes).toEqual({ 'agent.py': 'sha256:py1', '.env': 'sha256:env1' });
    const edited = localChanges(
      facts({
        status: [{ path: 'agent.py', change: 'modified' }],
        hashes: { 'agent.py': 'sha256:py2', '.env': 'sha256:env1' },
        envFiles: ['.env'],
      }),
      last,
      undefined,
    );
    expect(edited.files).toEqual([{ path: 'agent.py', class: 'code', change: 'modified', source: 'worktree' }]);
  });

  it('an ignored .env is a change when its hash differs from the recorded one', () => {
    const r = localChanges(
      facts({ envFiles: ['.env'], hashes: { '.env': 'sha256:env2', 'agent.py': 'sha256:py1' } }),
      last,
      undefined,
    );
    expect(r.files).toEqual([{ path: '.env', class: 'env', change: 'changed', source: 'file' }]);
  });

  it('a deployed uncommitted edit that was reverted is a change', () => {
    const r = localChanges(
      facts({ envFiles: ['.env'], hashes: { '.env': 'sha256:env1', 'agent.py': 'sha256:committed' } }),
      last,
      undefined,
    );
    expect(r.files).toEqual([{ path: 'agent.py', class: 'code', change: 'changed', source: 'file' }]);
    const gone = localChanges(
      facts({ envFiles: [], hashes: { '.env': DELETED, 'agent.py': 'sha256:py1' } }),
      last,
      undefined,
    );
    expect(gone.files).toEqual([{ path: '.env', class: 'env', change: 'deleted', source: 'file' }]);
  });

  it('committed changes since the last deploy count; ignored classes drop out; without a baseline env files are not compared', () => {
    const r = localChanges(
      facts({ committed: ['src/x.ts', 'README.md'], envFiles: ['.env'], hashes: { '.env': 'sha256:new' } }),
      null,
      undefined,
    );
    expect(r.files).toEqual([{ path: 'src/x.ts', class: 'code', change: 'modified', source: 'committed' }]);
  });
});

describe('git and build output parsing', () => {
  it('parseLsRemote prefers the exact ref', () => {
    const out = `${'1'.repeat(40)}\tHEAD\n${'2'.repeat(40)}\trefs/heads/main\n${'3'.repeat(40)}\trefs/tags/v1\n${'4'.repeat(40)}\trefs/tags/v1^{}\n`;
    expect(parseLsRemote(out, 'HEAD')).toBe('1'.repeat(40));
    expect(parseLsRemote(out, 'main')).toBe('2'.repeat(40));
    expect(parseLsRemote(out, 'v1')).toBe('4'.repeat(40));
    expect(parseLsRemote('', 'main')).toBeNull();
  });

  it('parseLog keeps subjects intact', () => {
    expect(parseLog(`${'a'.repeat(40)}\x1faaaaaaa\x1fAdd /analyze-logs command\n`)).toEqual([
      { sha: 'a'.repeat(40), short: 'aaaaaaa', subject: 'Add /analyze-logs command' },
    ]);
  });

  it('reads the seed build skill DEPLOYMENT STATE block', () => {
    const out = [
      'building…',
      '=== DEPLOYMENT STATE ===',
      'MASTER_CONFIG_COMMIT=m1',
      'PROJECT_CONFIG_COMMIT=p1',
      'DOCKER_IMAGE_TAG=ghcr.io/u/w:latest',
      `DOCKER_IMAGE_DIGEST=${D2}`,
      'IMAGE_SIZE=1200MB',
      'BUILD_TIMESTAMP=2025-11-03T12:28:45Z',
      '',
      'done',
    ].join('\n');
    expect(readBuildBlock(out, ['cc-master-agent-config', 'cc-example-agent-config'])).toEqual({
      imageTag: 'ghcr.io/u/w:latest',
      imageDigest: D2,
      imageSize: '1200MB',
      buildTimestamp: '2025-11-03T12:28:45Z',
      configCommits: { 'cc-master-agent-config': 'm1' },
    });
    expect(matchConfigKey('EXAMPLE_CONFIG_COMMIT', ['cc-master-agent-config', 'cc-example-agent-config'])).toBe(
      'cc-example-agent-config',
    );
    expect(matchConfigKey('CODE_COMMIT', ['code'])).toBeNull();
    expect(readBuildBlock('no block here', [])).toBeNull();
  });
});

describe('digests and verification', () => {
  const svc = (imageId: string, running = true): ServiceStatus => ({
    name: 'web',
    container: 'web-1',
    exists: true,
    running,
    status: running ? 'running' : 'exited',
    imageId,
    image: 'app:latest',
  });

  it('warns, naming both digests, when a container runs another image than recorded', () => {
    const w = digestWarnings([svc(D2)], last, D1);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ subject: 'web-1', expected: D1, actual: D2 });
    expect(w[0]!.message).toContain(D1);
    expect(w[0]!.message).toContain(D2);
    expect(digestWarnings([svc(D1)], last, D1)).toEqual([]);
  });

  it('the fix lists only the steps needed and never a `ferry deploy` that would keep the image', () => {
    // The tag still points at the deployed image: recreate from it, no re-tag.
    const same = digestWarnings([svc(D2)], last, D1)[0]!;
    expect(same.fix).not.toContain('docker tag');
    expect(same.fix).toMatch(/^recreate web-1 from app:latest /);
    expect(same.fix).not.toContain('ferry deploy');
    // The tag moved too: re-tag first, then recreate.
    const moved = digestWarnings([svc(D2)], last, D2)[0]!;
    expect(moved.fix).toMatch(new RegExp(`^\`docker tag ${D1} app:latest\`, then recreate web-1 from app:latest `));
    // Created from another reference: the message names it.
    const other = digestWarnings([{ ...svc(D2), image: 'app:hotfix' }], last, D1)[0]!;
    expect(other.message).toBe(
      `container web-1 runs image ${D2} (created from app:hotfix), but the last deploy recorded ${D1} (app:latest)`,
    );
  });

  it('warns when the tag itself moved', () => {
    const w = digestWarnings([svc(D1)], last, D2);
    expect(w.map((x) => x.subject)).toEqual(['app:latest']);
    expect(w[0]!.message).toBe(
      `app:latest now points at ${D2}, not the deployed ${D1} (rebuilt or pulled outside ferry)`,
    );
  });

  it('after a build every container must run the new id (DIGEST_MISMATCH)', () => {
    const ok = evaluateVerification([svc(D2)], [], D2, last, null);
    expect(ok.error).toBeNull();
    expect(ok.verification.containers[0]).toMatchObject({ expected: D2, matches: true });
    const bad = evaluateVerification([svc(D1)], [], D2, last, null);
    expect(bad.error?.code).toBe('DIGEST_MISMATCH');
    expect(bad.verification.problems).toEqual([`container web-1 runs ${D1}, not the new build ${D2}`]);
  });

  it('stopped containers and failing checks fail with HEALTH_FAILED; without a build a digest drift only warns', () => {
    const r = evaluateVerification(
      [svc(D2, false)],
      [{ name: 'admin', url: 'http://x', status: 503, ok: false }],
      null,
      last,
      null,
    );
    expect(r.error?.code).toBe('HEALTH_FAILED');
    expect(r.verification.problems).toEqual(['container web-1 is not running', 'admin http://x: HTTP 503']);
    expect(r.verification.digestWarnings.map((w) => w.actual)).toEqual([D2]);
  });
});

describe('config repo errors', () => {
  it("an unreachable config repo is reported with git's reason, not its closing advice (real git)", async () => {
    const { analyseConfigRepo } = await import('../src/deploy/analyse-remote.js');
    const { exec } = await import('../src/util/process.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'ferry-remote-'));
    try {
      const r = await analyseConfigRepo(
        exec,
        dir,
        { name: 'master', url: `file://${dir}/missing.git`, ref: 'main' },
        'a'.repeat(40),
      );
      expect(r).toMatchObject({ current: null, changed: false });
      expect(r.error).toMatch(/^git ls-remote failed: '.*missing\.git' does not appear to be a git repository$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('config repo URL credentials', () => {
  it('are registered as secrets and masked', async () => {
    const { registerUrlSecrets } = await import('../src/deploy/analyse-remote.js');
    const { redact, clearSecrets } = await import('../src/util/redact.js');
    registerUrlSecrets('https://x-access-token:ghp_abcdefghijklmnop@github.com/o/cc-master-agent-config.git');
    registerUrlSecrets('https://ghp_tokenonlyinusername1234@github.com/o/r.git');
    registerUrlSecrets('git@github.com:o/r.git');
    expect(redact('fatal: https://x-access-token:ghp_abcdefghijklmnop@github.com')).toBe(
      'fatal: https://x-access-token:***@github.com',
    );
    expect(redact('https://ghp_tokenonlyinusername1234@github.com')).toBe('https://***@github.com');
    clearSecrets();
  });
});
