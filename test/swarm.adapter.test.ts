// ferry promote on a real single-node Docker Swarm, under steady loopback load.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import { SwarmRuntime } from '../src/adapters/runtime/swarm.js';
import { healthCheckSpec, pinnedRef, planImageUpdate } from '../src/adapters/runtime/swarm-plan.js';
import { swarmPolicy } from '../src/promote/backend-swarm.js';
import { runPromote, type PromoteOptions } from '../src/promote/promote.js';
import { identify } from '../src/promote/self-detect.js';
import { writeVerdict } from '../src/promote/verdict-store.js';
import { parseVerdict } from '../src/promote/verdict.js';
import { backendFor, resolvePair, sourceImageIdFn, targetIdentityFn, type Runtimes } from '../src/promote/wiring.js';
import { startLoad } from '../bench/load.js';
import { startSwarmFront, type SwarmFront } from '../bench/swarm-lb.js';
import { cleanupSuite, TEST_LABEL, uniqueName } from './fixtures/docker-images.js';
import { buildMarkedImage, environments, sleep } from './promote-helpers.js';

const docker = new DockerRuntime();
const swarm = new SwarmRuntime({ docker: docker.docker });
const rt: Runtimes = { docker, swarm };
const suite = uniqueName('swarm');
const service = uniqueName('svc');
const repo = suite;
const ids: Record<string, string> = {};
let dir: string;
let front: SwarmFront;
const noSelf = identify({ env: {}, cgroup: null, mountinfo: null, dockerenv: false, hostname: 'host' });
const HEALTH = ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/health'];

const envs = () =>
  environments({
    staging: { services: { api: { container: 'unused-staging', image: `${repo}:staging` } } },
    production: {
      services: {
        api: {
          runtime: 'swarm',
          container: service,
          image: `${repo}:prod`,
          update: { order: 'start-first', monitor_seconds: 2, timeout_seconds: 90 },
          healthcheck: { test: HEALTH, interval_seconds: 1, timeout_seconds: 1, retries: 2, start_period_seconds: 0 },
        },
      },
    },
  });

function options(runId: string, image: string, dryRun = false): PromoteOptions {
  const { target, staging } = resolvePair(envs(), 'api', 'production', dir);
  return {
    backend: backendFor(rt, target),
    target,
    staging,
    sourceImageId: sourceImageIdFn(rt, staging, image),
    imageExists: async (id) => (await docker.inspectImage(id)) !== null,
    targetIdentity: targetIdentityFn(rt, target, noSelf),
    self: noSelf,
    home: join(dir, '.ferry'),
    runId,
    dryRun,
    hookMode: false,
  };
}

async function stagingSuccess(imageId: string, runId: string): Promise<void> {
  const { staging } = resolvePair(envs(), 'api', 'production', dir);
  await writeVerdict(staging.verdictDir, {
    kind: 'staging',
    status: 'SUCCESS',
    timestamp: new Date().toISOString(),
    base_url: null,
    image_id: imageId,
    run_id: runId,
    service: 'api',
    environment: 'staging',
    summary: 'ok',
  });
}

async function ensureSwarm(): Promise<void> {
  const info = (await docker.docker.info()) as { Swarm?: { LocalNodeState?: string } };
  if (info.Swarm?.LocalNodeState === 'active') return;
  // Left active for other tests (never `swarm leave`): equivalent of docker swarm init --advertise-addr 127.0.0.1.
  await docker.docker
    .swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' })
    .catch(async (e: unknown) => {
      const again = (await docker.docker.info()) as { Swarm?: { LocalNodeState?: string } };
      if (again.Swarm?.LocalNodeState !== 'active') throw e;
    });
}

beforeAll(async () => {
  await ensureSwarm();
  dir = mkdtempSync(join(tmpdir(), 'ferry-swarm-'));
  ids.v1 = await buildMarkedImage(docker.docker, `${repo}:v1`, suite, 'v1');
  ids.v2 = await buildMarkedImage(docker.docker, `${repo}:v2`, suite, 'v2');
  ids.bad = await buildMarkedImage(docker.docker, `${repo}:bad`, suite, 'bad', false);
  const pinned = pinnedRef(`${repo}:prod`, ids.v1);
  await docker.tag(ids.v1, pinned);
  await docker.tag(ids.v1, `${repo}:prod`);
  await docker.docker.createService({
    Name: service,
    Labels: { [TEST_LABEL]: suite },
    TaskTemplate: {
      ContainerSpec: {
        Image: pinned,
        HealthCheck: healthCheckSpec({ test: HEALTH, intervalMs: 1000, timeoutMs: 1000, retries: 2, startPeriodMs: 0 }),
      },
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // Host-mode publishing on a random port per task: no IPVS routing mesh on this machine.
    EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishMode: 'host' }] },
  } as unknown as Docker.CreateServiceOptions);
  for (let i = 0; i < 60 && !(await swarm.verifyConverged(service, ids.v1)).converged; i++) await sleep(500);
  front = await startSwarmFront(swarm, service);
});

afterAll(async () => {
  await front?.close();
  await docker.docker
    .getService(service)
    .remove()
    .catch(() => undefined);
  for (
    let i = 0;
    i < 40 &&
    (
      await docker.docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`com.docker.swarm.service.name=${service}`] }),
      })
    ).length > 0;
    i++
  )
    await sleep(250);
  await cleanupSuite(docker.docker, suite, [
    `${repo}:prod`,
    pinnedRef(`${repo}:prod`, ids.v1 ?? ''),
    pinnedRef(`${repo}:prod`, ids.v2 ?? ''),
    pinnedRef(`${repo}:prod`, ids.bad ?? ''),
  ]);
  rmSync(dir, { recursive: true, force: true });
});

describe('ferry promote on Docker Swarm', () => {
  it('the service is up behind the loopback front', async () => {
    expect((await swarm.verifyConverged(service, ids.v1!)).converged).toBe(true);
    const r = await fetch(`${front.url}/version`);
    expect((await r.text()).trim()).toBe('v1');
  });

  it('--dry-run prints the service update and changes nothing', async () => {
    await stagingSuccess(ids.v2!, 'stage-v2');
    const before = await swarm.inspectService(service);
    const r = await runPromote(options('promote-swarm-dry', ids.v2!, true));
    expect(r.status).toBe('dry_run');
    expect(r.plan.join('\n')).toContain('Order: start-first, FailureAction: rollback');
    const after = await swarm.inspectService(service);
    expect(after?.version).toBe(before?.version);
    expect(after?.image).toBe(before?.image);
  });

  it('start-first promote under steady load → 0 failed requests, every task on the staging image id', async () => {
    await stagingSuccess(ids.v2!, 'stage-v2');
    const load = startLoad({
      url: `${front.url}/health`,
      concurrency: 4,
      intervalMs: 5,
      maxDurationMs: 120_000,
      maxRequests: 200_000,
    });
    await sleep(500);
    const r = await runPromote(options('promote-swarm-good', ids.v2!));
    await sleep(1500); // keep load on the converged service for a moment
    load.stop();
    const report = await load.done;
    console.log(
      'swarm good promote load:',
      JSON.stringify({ ...report, failures: report.failures.length }),
      'front:',
      JSON.stringify(front.stats),
    );
    expect(r.exit_code).toBe(0);
    expect(report.failed, JSON.stringify(report)).toBe(0);
    expect(report.ok).toBeGreaterThan(100);
    const v = await swarm.verifyConverged(service, ids.v2!);
    expect(v.converged).toBe(true);
    expect((await swarm.inspectService(service))?.updateState).toBe('completed');
    expect((await (await fetch(`${front.url}/version`)).text()).trim()).toBe('v2');
    expect(parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy').status).toBe(
      'SUCCESS',
    );
  });

  it('an update still in flight (a ferry killed mid-SWITCH): the SWITCH check waits for it to settle before trusting the tasks', async () => {
    const { target } = resolvePair(envs(), 'api', 'production', dir);
    const backend = backendFor(rt, target);
    // Target the image the service is not on (the earlier tests leave it on v2).
    const to = (await swarm.verifyConverged(service, ids.v1!)).converged ? ids.v2! : ids.v1!;
    await backend.retag(to);
    // What the killed ferry had sent: the update, without waiting for it.
    const before = (await swarm.inspectService(service))!;
    const spec = planImageUpdate(before.spec, pinnedRef(`${repo}:prod`, to), swarmPolicy(target.spec));
    await docker.docker
      .getService(before.id)
      .update({ _query: { version: before.version }, _body: spec } as unknown as Docker.ServiceSpec);
    for (let i = 0; i < 20 && (await swarm.inspectService(service))?.updateStartedAt === before.updateStartedAt; i++)
      await sleep(100);
    expect((await swarm.inspectService(service))?.updateState).toBe('updating');
    expect(await backend.runs(to)).toBe(true);
    // runs() only answered once the update (its monitor window included) was over.
    expect((await swarm.inspectService(service))?.updateState).toBe('completed');
    expect((await swarm.verifyConverged(service, to)).converged).toBe(true);
    // Back to v2 for the next test.
    await backend.retag(ids.v2!);
    expect((await backend.switchTo(ids.v2!)).ok).toBe(true);
  });

  it('bad image → swarm rolls back automatically, 0 failed requests, service back on the old image', async () => {
    await stagingSuccess(ids.bad!, 'stage-bad');
    const load = startLoad({
      url: `${front.url}/health`,
      concurrency: 4,
      intervalMs: 5,
      maxDurationMs: 150_000,
      maxRequests: 300_000,
    });
    await sleep(500);
    const r = await runPromote(options('promote-swarm-bad', ids.bad!));
    await sleep(1000);
    load.stop();
    const report = await load.done;
    console.log(
      'swarm bad-image load:',
      JSON.stringify({ ...report, failures: report.failures.length }),
      'front:',
      JSON.stringify(front.stats),
      r.detail,
    );
    expect(r.exit_code, r.detail).toBe(2);
    expect(r.rolled_back).toBe(true);
    expect(r.rollback_healthy, r.detail).toBe(true);
    expect(report.failed, JSON.stringify(report)).toBe(0);
    expect(report.ok).toBeGreaterThan(100);
    expect((await swarm.inspectService(service))?.updateState).toBe('rollback_completed');
    expect((await swarm.verifyConverged(service, ids.v2!)).converged).toBe(true);
    expect((await docker.inspectImage(`${repo}:prod`))?.id).toBe(ids.v2);
    const v = parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy');
    expect(v.frontmatter).toMatchObject({ deploy_status: 'FAILED', exit_code: 2, rolled_back: true });
  });
});
