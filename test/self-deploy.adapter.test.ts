// Self-deploy on a real Docker engine: Phase A gate, Phase B detached hook that outlives its parent,
// Phase C finalize from the recorded exit code; ferry refusing to restart its own container.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import { SwarmRuntime } from '../src/adapters/runtime/swarm.js';
import { ErrorCode, FerryError } from '../src/errors.js';
import { lockTarget } from '../src/promote/target-lock.js';
import { runFinalize } from '../src/promote/finalize.js';
import { pidAlive } from '../src/promote/hook-launch.js';
import { loadRecord } from '../src/promote/self-deploy-record.js';
import { runSelfDeploy, type SelfDeployOptions } from '../src/promote/self-deploy.js';
import { identify, isSelf, type SelfIdentity } from '../src/promote/self-detect.js';
import { parseVerdict } from '../src/promote/verdict.js';
import { writeVerdict } from '../src/promote/verdict-store.js';
import { backendFor, resolvePair, sourceImageIdFn, targetIdentityFn, type Runtimes } from '../src/promote/wiring.js';
import { cleanupSuite, freePort, runService, uniqueName } from './fixtures/docker-images.js';
import { buildMarkedImage, environments } from './promote-helpers.js';

const docker = new DockerRuntime();
const rt: Runtimes = { docker, swarm: new SwarmRuntime({ docker: docker.docker }) };
const suite = uniqueName('selfdeploy');
const prodName = uniqueName('prod');
const repo = suite;
const ids: Record<string, string> = {};
let dir: string;
let port: number;
let rawEnvs: Record<string, unknown>;
const noSelf = identify({ env: {}, cgroup: null, mountinfo: null, dockerenv: false, hostname: 'host' });

function opts(runId: string, over: Partial<SelfDeployOptions> = {}): SelfDeployOptions {
  const { target, staging } = resolvePair(environments(rawEnvs), 'api', 'production', dir);
  const self = over.self ?? noSelf;
  return {
    target,
    staging,
    home: join(dir, '.ferry'),
    runId,
    resume: false,
    dryRun: false,
    sourceImageId: sourceImageIdFn(rt, staging, ids.v2),
    currentImageId: () => backendFor(rt, target).currentImageId(),
    targetIdentity: targetIdentityFn(rt, target, self),
    self,
    approve: async () => {
      throw new FerryError(ErrorCode.GATE_UNAVAILABLE, 'no TTY');
    },
    hookArgv: () => [process.execPath, '-e', 'setTimeout(() => process.exit(2), 300)'],
    ...over,
  };
}

function finalizeOpts(runId?: string) {
  const { target } = resolvePair(environments(rawEnvs), 'api', 'production', dir);
  return {
    target,
    home: join(dir, '.ferry'),
    runId,
    dryRun: false,
    backend: backendFor(rt, target),
    self: noSelf,
    targetIdentity: targetIdentityFn(rt, target, noSelf),
    waitMs: 60_000,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-selfdeploy-'));
  ids.v1 = await buildMarkedImage(docker.docker, `${repo}:v1`, suite, 'v1');
  ids.v2 = await buildMarkedImage(docker.docker, `${repo}:v2`, suite, 'v2');
  await docker.tag(ids.v1, `${repo}:prod`);
  port = await freePort();
  await runService(docker.docker, { name: prodName, image: `${repo}:prod`, suite, hostPort: port });
  rawEnvs = {
    staging: { services: { api: { container: 'unused', image: `${repo}:staging` } } },
    production: {
      services: {
        api: {
          container: prodName,
          image: `${repo}:prod`,
          self: true,
          health: `http://127.0.0.1:${port}/health`,
          health_timeout_seconds: 10,
        },
      },
    },
  };
  writeFileSync(join(dir, 'envs.json'), JSON.stringify(rawEnvs));
  const { staging } = resolvePair(environments(rawEnvs), 'api', 'production', dir);
  await writeVerdict(staging.verdictDir, {
    kind: 'staging',
    status: 'SUCCESS',
    timestamp: new Date().toISOString(),
    base_url: null,
    image_id: ids.v2!,
    run_id: 'stage-1',
    service: 'api',
    environment: 'staging',
    summary: 'ok',
  });
});

afterAll(async () => {
  await cleanupSuite(docker.docker, suite, [`${repo}:prod`]);
  rmSync(dir, { recursive: true, force: true });
});

describe('self-deploy', () => {
  it('Phase A without a TTY or attestation: clear refusal, run left approval-pending, nothing launched', async () => {
    await expect(runSelfDeploy(opts('sd-pending'))).rejects.toMatchObject({
      code: 'GATE_UNAVAILABLE',
      fix: expect.stringContaining('--resume sd-pending --gate-attestation'),
    });
    const rec = await loadRecord(join(dir, '.ferry'), 'api', 'sd-pending');
    expect(rec.phase).toBe('approval_pending');
    expect(rec.pid).toBeNull();
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v1);
  });

  it('--dry-run shows phases A/B/C and writes nothing', async () => {
    const r = await runSelfDeploy(opts('sd-dry', { dryRun: true }));
    expect(r.status).toBe('dry_run');
    expect(r.plan.join('\n')).toMatch(/Phase A[\s\S]*Phase B[\s\S]*Phase C: ferry finalize api/);
    expect(existsSync(join(dir, '.ferry/self-deploy/api/sd-dry'))).toBe(false);
  });

  it('Phase B hook outlives the ferry process that started it; finalize maps its exit 0 to SUCCESS', async () => {
    const child = join(process.cwd(), 'test/self-deploy-child.ts');
    const vn = join(process.cwd(), 'node_modules/.bin/vite-node');
    // The "ferry" process: approves by attestation, launches the detached hook, exits immediately.
    const out = execFileSync(vn, [child, 'launch', dir, 'sd-live', '1740312612.000100:sd-live', ids.v2!], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const launched = JSON.parse(out.trim().split('\n').pop()!) as { pid: number; parent_pid: number; status: string };
    expect(launched.status).toBe('hook_launched');
    expect(pidAlive(launched.parent_pid)).toBe(false); // the launcher is gone…
    expect(pidAlive(launched.pid)).toBe(true); // …and the hook is still running
    const rec = await loadRecord(join(dir, '.ferry'), 'api', 'sd-live');
    expect(rec).toMatchObject({
      phase: 'hook_launched',
      gate_token: '1740312612.000100:sd-live',
      previous_image_id: ids.v1,
      source_image_id: ids.v2,
    });

    // Phase C (as the new container would): wait for the recorded exit code.
    const f = await runFinalize(finalizeOpts());
    expect(f.run_id).toBe('sd-live');
    expect(f.hook_exit_code, readFileSync(rec.log_file, 'utf8')).toBe(0);
    expect(f.status).toBe('SUCCESS');
    expect(readFileSync(rec.exit_file, 'utf8').trim()).toBe('0');
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v2);
    const v = parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy');
    expect(v.frontmatter).toMatchObject({
      deploy_status: 'SUCCESS',
      exit_code: 0,
      image_id: ids.v2,
      gate_token: '1740312612.000100:sd-live',
    });
    // Idempotent: a second finalize changes nothing.
    expect((await runFinalize(finalizeOpts('sd-live'))).detail).toBe('already finalized');
  });

  it('finalize maps a non-zero hook exit code to FAILED and checks production is on the previous image', async () => {
    const r = await runSelfDeploy(
      opts('sd-fail', { approve: async () => ({ approved: true, token: '1740312612.000200:sd-fail' }) }),
    );
    expect(r.status).toBe('hook_launched');
    // finalize --dry-run: reports what it would record, changes nothing.
    const verdictBefore = readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8');
    const dry = await runFinalize({ ...finalizeOpts('sd-fail'), dryRun: true });
    expect(dry.status).toBe('dry_run');
    expect(dry.plan.join('\n')).toContain('→ deploy_status FAILED');
    expect((await loadRecord(join(dir, '.ferry'), 'api', 'sd-fail')).phase).toBe('hook_launched');
    expect(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8')).toBe(verdictBefore);
    expect(existsSync(join(dir, '.ferry/state/finalize/sd-fail.json'))).toBe(false);
    const f = await runFinalize(finalizeOpts('sd-fail'));
    expect(f.hook_exit_code).toBe(2);
    expect(f.status).toBe('FAILED');
    expect(f.detail).toContain('production is on the previous image');
    const text = readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8');
    expect(parseVerdict(text, 'deploy').frontmatter).toMatchObject({ deploy_status: 'FAILED', exit_code: 2 });
    // The verdict says why: the tail of the detached hook's log (the hook itself printed nothing else).
    expect(text).toContain('Deploy FAILED (hook exit 2)');
    expect(text).toContain(`hook log (${join(dir, '.ferry/self-deploy/api/sd-fail/hook.log')}`);
    expect(text).toMatch(/\[ferry-hook\] exit 2 /);
    // A resumed self-deploy of a launched run never launches a second hook.
    expect((await runSelfDeploy(opts('sd-fail', { resume: true }))).status).toBe('finalized');
  });

  it('finalize rolls production back when the hook died mid-switch (killed → exit 137 → FAILED)', async () => {
    const before = (await docker.inspectContainer(prodName))!.imageId; // v2 after the live run
    const r = await runSelfDeploy(
      opts('sd-killed', {
        approve: async () => ({ approved: true, token: '1740312612.000300:sd-killed' }),
        hookArgv: () => [process.execPath, '-e', "process.kill(process.pid, 'SIGKILL')"],
      }),
    );
    expect(r.status).toBe('hook_launched');
    // Simulate the half-done switch the killed hook left behind.
    await docker.tag(ids.v1!, `${repo}:prod`);
    await docker.recreate(prodName, `${repo}:prod`);
    // Another run is changing production: finalize does not roll back under it, and says who holds it.
    const held = await lockTarget(join(dir, '.ferry'), finalizeOpts().target, 'promote other-run');
    const blocked = await runFinalize(finalizeOpts('sd-killed')).catch((e: unknown) => e);
    await held.release();
    expect(blocked).toMatchObject({
      code: 'LOCKED',
      message: expect.stringMatching(
        /^api \(prod-[0-9a-f]+\) is being changed by another run: .*\(promote other-run\)/,
      ),
    });
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(ids.v1);
    const f = await runFinalize(finalizeOpts('sd-killed'));
    expect(f.hook_exit_code).toBe(137);
    expect(f.status).toBe('FAILED');
    expect(f.rolled_back).toBe(true);
    expect((await docker.inspectContainer(prodName))?.imageId).toBe(before);
    expect((await docker.inspectImage(`${repo}:prod`))?.id).toBe(before);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(
      parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy').frontmatter,
    ).toMatchObject({ deploy_status: 'FAILED', exit_code: 137, rolled_back: true });
  });

  it('refuses to restart its own container: FERRY_CONTAINER_ID, and the real in-container probe', async () => {
    const prod = (await docker.inspectContainer(prodName))!;
    const byEnv = identify({
      env: { FERRY_CONTAINER_ID: prod.id },
      cgroup: null,
      mountinfo: null,
      dockerenv: false,
      hostname: 'h',
    });
    await expect(
      runSelfDeploy(opts('sd-self', { self: byEnv, approve: async () => ({ approved: true, token: 't' }) })),
    ).rejects.toMatchObject({ code: 'SELF_RESTART_REFUSED' });
    expect(existsSync(join(dir, '.ferry/self-deploy/api/sd-self'))).toBe(false);

    // What ferry's probe reads when it runs inside the container: its real /proc files and hostname.
    const read = async (argv: string[]): Promise<string> => (await docker.exec(prodName, argv)).stdout;
    const inside: SelfIdentity = identify({
      env: {},
      cgroup: await read(['cat', '/proc/self/cgroup']),
      mountinfo: await read(['cat', '/proc/self/mountinfo']),
      dockerenv: (await docker.exec(prodName, ['test', '-e', '/.dockerenv'])).exitCode === 0,
      hostname: (await read(['hostname'])).trim(),
    });
    expect(inside.inContainer).toBe(true);
    expect(isSelf(inside, prod)).toBe(true);
    await expect(runSelfDeploy(opts('sd-self-2', { self: inside }))).rejects.toMatchObject({
      code: 'SELF_RESTART_REFUSED',
      fix: 'set environments.production.services.api.host in ferry.yaml (the hook then runs there over ssh), or run ferry self-deploy api --env production on the host',
    });
    // The same probe from a different container does not match.
    expect(isSelf(inside, { id: 'f'.repeat(64), name: 'other' })).toBe(false);
  });
});
