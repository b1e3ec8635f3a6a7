// ferry promote on a real Docker engine: staging gate, build-once retag, health loop, rollback.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import { SwarmRuntime } from '../src/adapters/runtime/swarm.js';
import { runPromote, type PromoteOptions } from '../src/promote/promote.js';
import { runStage } from '../src/promote/stage.js';
import { identify } from '../src/promote/self-detect.js';
import { parseVerdict } from '../src/promote/verdict.js';
import { backendFor, resolvePair, sourceImageIdFn, targetIdentityFn, type Runtimes } from '../src/promote/wiring.js';
import type { EnvironmentsConfig } from '../src/config/sections/environments.js';
import { cleanupSuite, freePort, runService, uniqueName } from './fixtures/docker-images.js';
import { buildMarkedImage, environments, repoImageIds } from './promote-helpers.js';

const docker = new DockerRuntime();
const rt: Runtimes = { docker, swarm: new SwarmRuntime({ docker: docker.docker }) };
const suite = uniqueName('promote');
const stagingName = uniqueName('stg');
const prodName = uniqueName('prod');
const repo = suite;
const ids: Record<string, string> = {};
let dir: string;
let prodPort: number;
let stagingPort: number;
const noSelf = identify({ env: {}, cgroup: null, mountinfo: null, dockerenv: false, hostname: 'host' });

function envs(): EnvironmentsConfig {
  return environments({
    staging: {
      services: {
        api: {
          container: stagingName,
          image: `${repo}:staging`,
          check: ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/version'],
        },
      },
    },
    production: {
      services: {
        api: {
          container: prodName,
          image: `${repo}:prod`,
          health: `http://127.0.0.1:${prodPort}/health`,
          base_url: `http://127.0.0.1:${prodPort}`,
          health_timeout_seconds: 4,
        },
      },
    },
  });
}

function options(runId: string, over: Partial<PromoteOptions> = {}): PromoteOptions {
  const { target, staging } = resolvePair(envs(), 'api', 'production', dir);
  return {
    backend: backendFor(rt, target),
    target,
    staging,
    sourceImageId: sourceImageIdFn(rt, staging),
    imageExists: async (id) => (await docker.inspectImage(id)) !== null,
    targetIdentity: targetIdentityFn(rt, target, noSelf),
    self: noSelf,
    home: join(dir, '.ferry'),
    runId,
    dryRun: false,
    hookMode: false,
    ...over,
  };
}

async function stage(runId: string) {
  const { staging } = resolvePair(envs(), 'api', 'production', dir);
  return runStage({ runtime: docker, svc: staging, home: join(dir, '.ferry'), runId, dryRun: false });
}

async function setStaging(tag: string): Promise<void> {
  await docker.recreate(stagingName, tag);
}

async function prodHealthy(): Promise<boolean> {
  const r = await fetch(`http://127.0.0.1:${prodPort}/health`).catch(() => null);
  return r?.status === 200;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-promote-'));
  ids.v1 = await buildMarkedImage(docker.docker, `${repo}:v1`, suite, 'v1');
  ids.v2 = await buildMarkedImage(docker.docker, `${repo}:v2`, suite, 'v2');
  ids.bad = await buildMarkedImage(docker.docker, `${repo}:bad`, suite, 'bad', false);
  await docker.tag(ids.v1, `${repo}:prod`);
  prodPort = await freePort();
  stagingPort = await freePort();
  await runService(docker.docker, { name: prodName, image: `${repo}:prod`, suite, hostPort: prodPort });
  await runService(docker.docker, { name: stagingName, image: `${repo}:v2`, suite, hostPort: stagingPort });
});

afterAll(async () => {
  await cleanupSuite(docker.docker, suite, [`${repo}:prod`, `${repo}:v1`, `${repo}:v2`, `${repo}:bad`]);
  rmSync(dir, { recursive: true, force: true });
});

describe('ferry promote (docker)', () => {
  it('refuses without a staging verdict, after FAILED, and after a SUCCESS for another image id', async () => {
    const none = await runPromote(options('promote-none'));
    expect(none.exit_code).toBe(1);
    expect(none.error?.code).toBe('STAGING_FAILED');

    // A failing check → FAILED verdict → promote refuses, production untouched.
    const failing = environments({
      ...envs(),
      staging: {
        services: {
          api: { container: stagingName, image: `${repo}:staging`, check: ['sh', '-c', 'echo nope; exit 1'] },
        },
      },
    });
    const { staging } = resolvePair(failing, 'api', 'production', dir);
    expect(
      (await runStage({ runtime: docker, svc: staging, home: join(dir, '.ferry'), runId: 'stage-f', dryRun: false }))
        .status,
    ).toBe('FAILED');
    const afterFailed = await runPromote(options('promote-after-failed'));
    expect(afterFailed.exit_code).toBe(1);
    expect(afterFailed.error?.code).toBe('STAGING_FAILED');

    // SUCCESS for v2, but staging now runs v1 → stale.
    expect((await stage('stage-v2')).status).toBe('SUCCESS');
    await setStaging(`${repo}:v1`);
    const stale = await runPromote(options('promote-stale'));
    expect(stale.exit_code).toBe(1);
    expect(stale.error?.code).toBe('STAGING_STALE');
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v1);
    const verdict = parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy');
    expect(verdict.status).toBe('FAILED');
    expect(verdict.frontmatter.exit_code).toBe(1);
  });

  it('--dry-run describes the promote and changes nothing', async () => {
    await setStaging(`${repo}:v2`);
    expect((await stage('stage-v2-b')).status).toBe('SUCCESS');
    const before = readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8');
    const r = await runPromote(options('promote-dry', { dryRun: true }));
    expect(r.status).toBe('dry_run');
    expect(r.plan.join('\n')).toContain(`docker tag ${ids.v2} ${repo}:prod`);
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v1);
    expect((await docker.inspectImage(`${repo}:prod`))?.id).toBe(ids.v1);
    expect(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, '.ferry/state/promote/promote-dry.json'))).toBe(false);
  });

  it('good image → production runs exactly the staging image id, nothing built, exit 0, SUCCESS verdict', async () => {
    const imagesBefore = await repoImageIds(docker.docker, repo);
    const r = await runPromote(options('promote-good'));
    expect(r.exit_code).toBe(0);
    expect(r.status).toBe('SUCCESS');
    expect(r.previous_image_id).toBe(ids.v1);
    const prod = await docker.inspectContainer(prodName);
    expect(prod?.imageId).toBe(ids.v2);
    expect((await docker.inspectImage(`${repo}:prod`))?.id).toBe(ids.v2);
    expect(await repoImageIds(docker.docker, repo)).toEqual(imagesBefore); // build once: no new image
    expect(await prodHealthy()).toBe(true);
    const v = parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy');
    expect(v.frontmatter).toMatchObject({
      deploy_status: 'SUCCESS',
      image_id: ids.v2,
      previous_image_id: ids.v1,
      exit_code: 0,
      run_id: 'promote-good',
    });
    expect(JSON.parse(readFileSync(join(dir, '.ferry/results/promote-good/promote.json'), 'utf8')).exit_code).toBe(0);
  });

  it('unhealthy image → exit 2, automatic rollback to the previous image id, healthy, FAILED verdict', async () => {
    await setStaging(`${repo}:bad`);
    expect((await stage('stage-bad')).status).toBe('SUCCESS'); // the staging check probes /version, not /health
    const imagesBefore = await repoImageIds(docker.docker, repo);
    const r = await runPromote(options('promote-bad'));
    expect(r.exit_code, JSON.stringify(r)).toBe(2);
    expect(r.status).toBe('FAILED');
    expect(r.rolled_back).toBe(true);
    expect(r.rollback_healthy, r.detail).toBe(true);
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v2);
    expect((await docker.inspectImage(`${repo}:prod`))?.id).toBe(ids.v2);
    expect(await prodHealthy()).toBe(true);
    expect(await repoImageIds(docker.docker, repo)).toEqual(imagesBefore);
    const text = readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8');
    const v = parseVerdict(text, 'deploy');
    expect(v.frontmatter).toMatchObject({
      deploy_status: 'FAILED',
      exit_code: 2,
      rolled_back: true,
      image_id: ids.bad,
      previous_image_id: ids.v2,
    });
    expect(text).toContain('unhealthy');
    expect(text).toContain('Deploy FAILED (exit 2); production rolled back');
    // Production is fine and the image is bad: the fix re-stages a fixed image, it never re-promotes
    // the previous image (which the staging gate would refuse as STAGING_STALE).
    expect(r.error?.fix).toBe(
      `run a fixed image in ${stagingName}, then: ferry stage api --env staging && ferry promote api --env production`,
    );
    expect(text).toContain(`fix: ${r.error?.fix}`);
  });

  it('refuses to restart the container ferry runs in (FERRY_CONTAINER_ID = target id)', async () => {
    await setStaging(`${repo}:v2`);
    expect((await stage('stage-self')).status).toBe('SUCCESS');
    const prod = await docker.inspectContainer(prodName);
    const self = identify({
      env: { FERRY_CONTAINER_ID: prod!.id },
      cgroup: null,
      mountinfo: null,
      dockerenv: false,
      hostname: 'h',
    });
    const r = await runPromote(
      options('promote-self', {
        self,
        targetIdentity: targetIdentityFn(rt, resolvePair(envs(), 'api', 'production', dir).target, self),
      }),
    );
    expect(r.exit_code).toBe(1);
    expect(r.error?.code).toBe('SELF_RESTART_REFUSED');
    expect((await docker.inspectContainer(prodName))?.id).toBe(prod!.id); // not recreated
  });

  it('--image that is not on this host → NOT_FOUND naming it (not a STAGING_STALE against the unresolved ref)', async () => {
    const { staging } = resolvePair(envs(), 'api', 'production', dir);
    const before = (await docker.inspectContainer(prodName))!;
    const r = await runPromote(
      options('promote-missing-image', { sourceImageId: sourceImageIdFn(rt, staging, `${repo}:missing`) }),
    );
    expect(r.exit_code).toBe(1);
    expect(r.switched).toBe(false);
    expect(r.error).toMatchObject({
      code: 'NOT_FOUND',
      message: `image ${repo}:missing is not on this host (ferry never rebuilds for production)`,
    });
    expect((await docker.inspectContainer(prodName))?.id).toBe(before.id);
  });

  it('a hand-edited staging verdict (staging_status: success) is STATE_CORRUPT with the command that rewrites it', async () => {
    const path = join(dir, '.ferry/verdicts/api/15-staging-log.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('staging_status: SUCCESS', 'staging_status: success'));
    const before = (await docker.inspectContainer(prodName))!;
    const r = await runPromote(options('promote-corrupt-verdict'));
    expect(r.exit_code).toBe(1);
    expect(r.error).toMatchObject({ code: 'STATE_CORRUPT', fix: 'ferry stage api --env staging' });
    expect(r.error?.message).toContain('staging_status must be exactly SUCCESS or FAILED, got "success"');
    expect((await docker.inspectContainer(prodName))?.id).toBe(before.id);
  });

  it('two promotes of the same container at once: one switches, the other is LOCKED before touching anything', async () => {
    await setStaging(`${repo}:v1`);
    expect((await stage('stage-v1-lock')).status).toBe('SUCCESS');
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v2);
    const [a, b] = await Promise.allSettled([
      runPromote(options('promote-lock-a')),
      runPromote(options('promote-lock-b')),
    ]);
    const won = [a, b].filter((x) => x.status === 'fulfilled');
    const lost = [a, b].filter((x) => x.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof runPromote>>>).value).toMatchObject({
      exit_code: 0,
      status: 'SUCCESS',
    });
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'LOCKED',
      message: expect.stringContaining(`api (${prodName}) is being changed by another run`),
    });
    const loser = a.status === 'rejected' ? 'promote-lock-a' : 'promote-lock-b';
    expect(existsSync(join(dir, `.ferry/state/promote/${loser}.json`))).toBe(false);
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v1);
    expect(await prodHealthy()).toBe(true);
    // The lock is released: the next promote runs (already on the image: nothing to switch).
    expect((await runPromote(options('promote-lock-c'))).exit_code).toBe(0);
  });
});
