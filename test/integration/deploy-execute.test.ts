// Acceptance 2–4 on real git and real Docker: a rebuild without --yes changes nothing and exits 1;
// with --yes it builds, recreates, verifies the new image id and records it; digest drift warns
// naming both ids; --dry-run changes nothing. Plus safe actions running at once.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { readLastDeploy } from '../../src/deploy/last-deploy.js';
import { analyseDeploy, runDeploy, type RunDeployOptions } from '../../src/deploy/run-deploy.js';
import { TEST_LABEL, buildBusyboxImage, cleanupSuite, runService, uniqueName } from '../fixtures/docker-images.js';
import { makeDeployProject, type DeployProject } from './deploy-project.js';

const docker = new Docker();
const runtime = new DockerRuntime();
const suite = uniqueName('deploy-exe');
const image = `ferry-test-${suite}:latest`;
const other = `ferry-test-${suite}:other`;
let imageId = '';
let otherId = '';
const projects: DeployProject[] = [];

beforeAll(async () => {
  [imageId, otherId] = await Promise.all([
    buildBusyboxImage(docker, image, suite),
    buildBusyboxImage(docker, other, suite, { uvPins: { alpha: '2.0.0' } }),
  ]);
});
afterAll(async () => {
  await cleanupSuite(docker, suite, [image, other, ...tags]);
  for (const p of projects) p.cleanup();
});

const tags: string[] = [];

/** Each project gets its own tag of the base image, so a rebuild in one test moves no other test's tag. */
async function project(imageOfContainer?: string): Promise<DeployProject> {
  const tag = uniqueName('p');
  await docker.getImage(imageId).tag({ repo: `ferry-test-${suite}`, tag });
  const own = `ferry-test-${suite}:${tag}`;
  tags.push(own);
  const p = await makeDeployProject({ docker, suite, image: own, noContainer: imageOfContainer !== undefined });
  if (imageOfContainer)
    await runService(docker, { name: p.container, image: imageOfContainer, suite, hostPort: p.port });
  projects.push(p);
  await p.writeBaseline(imageId);
  return p;
}

function opts(p: DeployProject, o: Partial<RunDeployOptions> = {}): RunDeployOptions {
  const out: string[] = [];
  return {
    config: p.config,
    configDir: p.repo,
    engine: p.engine,
    yes: false,
    interactive: false,
    runtime,
    print: (t) => out.push(t),
    ...o,
  };
}

/** Everything a deploy could change: containers, images, the state file, ferry's run files. */
async function snapshot(p: DeployProject): Promise<unknown> {
  const c = await docker.getContainer(p.container).inspect();
  // This suite's images (other suites build concurrently) — ferry's builds carry the suite label
  // too, via the project's Dockerfile — and where the project's tag points.
  const filters = JSON.stringify({ label: [`${TEST_LABEL}=${suite}`] });
  const images = (await docker.listImages({ all: true, filters }))
    .map((i) => `${i.Id} ${(i.RepoTags ?? []).join(',')}`)
    .sort();
  images.push(`tag ${p.image} → ${(await docker.getImage(p.image).inspect()).Id}`);
  return {
    container: { id: c.Id, image: c.Image, started: c.State.StartedAt, running: c.State.Running },
    images,
    state: readFileSync(p.stateFile, 'utf8'),
    runs: ['state', 'results', 'runs'].map((d) => existsSync(join(p.engine.stateDir, d))),
  };
}

describe('ferry deploy: execute', () => {
  it('a rebuild without --yes and without a TTY changes nothing and exits 1 with the reasons', async () => {
    const p = await project();
    await p.pushConfig('commands/analyze-logs.md', '# analyze logs\n', 'Add /analyze-logs command');
    const before = await snapshot(p);
    const printed: string[] = [];
    const r = await runDeploy(opts(p, { print: (t) => printed.push(t) }));
    expect(r.exitCode).toBe(1);
    expect(r.resultFile).toBeNull();
    expect(r.result.status).toBe('confirmation_required');
    expect(r.result.error).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      fix: 'ferry deploy --yes',
      phase: 'approval',
    });
    expect(r.result.error!.message).toContain('Add /analyze-logs command');
    expect(r.result.error!.message).toContain('Re-run with --yes');
    const text = printed.join('\n');
    expect(text).toContain('🔍 Docker image rebuild required');
    expect(text).toContain('Add /analyze-logs command');
    expect(text).toContain('Re-run with --yes to proceed.');
    expect(await snapshot(p)).toEqual(before);
  });

  it('a declined TTY prompt changes nothing', async () => {
    const p = await project();
    p.write('.env', 'MODE=two\n');
    const before = await snapshot(p);
    const asked: string[] = [];
    const r = await runDeploy(opts(p, { interactive: true, confirm: async (q) => (asked.push(q), false) }));
    expect(asked).toEqual(['Proceed with full restart?']);
    expect(r).toMatchObject({ exitCode: 1, result: { status: 'rejected', error: { code: 'GATE_REJECTED' } } });
    expect(await snapshot(p)).toEqual(before);
  });

  it('with --yes a rebuild builds, recreates, verifies the new image id and records the last-deploy state', async () => {
    const p = await project();
    const sha = await p.pushConfig('commands/analyze-logs.md', '# analyze logs\n', 'Add /analyze-logs command');
    const printed: string[] = [];
    const r = await runDeploy(opts(p, { yes: true, print: (t) => printed.push(t) }));
    expect(r.result.error).toBeNull();
    expect(r.exitCode).toBe(0);
    const newId = r.result.image!.image_id!;
    expect(newId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(newId).not.toBe(imageId);
    expect(r.result.image).toMatchObject({ image_tag: p.image, builtin: true, verified: true });
    // The container really runs the new image, under the same name and port.
    const c = await docker.getContainer(p.container).inspect();
    expect(c.Image).toBe(newId);
    expect(c.State.Running).toBe(true);
    expect((await docker.getImage(p.image).inspect()).Id).toBe(newId);
    expect(r.result.verification).toMatchObject({ ok: true, problems: [] });
    expect(r.result.verification!.containers).toEqual([
      { name: 'web', container: p.container, running: true, imageId: newId, expected: newId, matches: true },
    ]);
    expect(r.result.verification!.checks[0]).toMatchObject({ status: 200, ok: true });
    // State per the seed's rules.
    const state = await readLastDeploy(p.stateFile);
    expect(state).toMatchObject({
      docker_image_tag: p.image,
      docker_image_digest: newId,
      code_commit: await p.head(),
      config_commits: { 'master-config': sha },
    });
    expect(state!.build_timestamp).not.toBe('2026-01-01T00:00:00.000Z');
    // The build report (issue 16 point 4): size as docker reports it, and how long the build took.
    const size = (await docker.getImage(newId).inspect()).Size;
    expect(r.result.image).toMatchObject({
      image_size_bytes: size,
      image_size: expect.stringMatching(/^[\d.]+[kMG]?B$/),
    });
    expect(r.result.image!.build_duration_ms).toBeGreaterThan(0);
    expect(r.result.image!.build_duration_ms).toBeLessThanOrEqual(r.result.actions_taken[0]!.durationMs);
    expect(state).toMatchObject({ image_size: r.result.image!.image_size, image_size_bytes: size });
    expect(state!.build_duration_seconds).toBe(Math.round(r.result.image!.build_duration_ms! / 100) / 10);
    expect(r.result.actions_taken.map((a) => a.title)).toEqual([
      `Build image ${p.image}`,
      `Recreate ${p.container} from ${p.image}`,
    ]);
    // Engine run state and result file.
    const runState = JSON.parse(
      readFileSync(join(p.engine.stateDir, 'state', 'deploy', `${r.result.run_id}.json`), 'utf8'),
    ) as { status: string; step_order: string[] };
    expect(runState).toMatchObject({ status: 'completed', step_order: ['ACTION-1', 'ACTION-2', 'STATE', 'VERIFY'] });
    expect(JSON.parse(readFileSync(r.resultFile!, 'utf8'))).toMatchObject({
      skill: 'deploy',
      status: 'success',
      action: 'rebuild',
    });
    const text = printed.join('\n');
    expect(text).toContain('✅ Deployment Successful');
    expect(text).toContain(`Digest: ${newId}`);
    expect(text).toContain('Verified in services: ✓ (matching digest confirmed)');
    expect(text).toContain(`Size: ${r.result.image!.image_size}`);
    expect(text).toMatch(/Built: \S+ \(build took \d+\.\d s\)/);
    expect(text).toContain('Add /analyze-logs command');
    // Deployed means nothing left to do.
    const again = await analyseDeploy({ config: p.config, configDir: p.repo, engine: p.engine, runtime });
    expect(again.decision.action).toBe('status');
    expect(again.analysis.system.digestWarnings).toEqual([]);
  });

  it('a container running another image than the recorded one → digest warning naming both ids', async () => {
    const p = await project(other);
    const a = await analyseDeploy({ config: p.config, configDir: p.repo, engine: p.engine, runtime });
    expect(a.analysis.system.digestWarnings).toHaveLength(1);
    const w = a.analysis.system.digestWarnings[0]!;
    expect(w).toMatchObject({ subject: p.container, expected: imageId, actual: otherId });
    expect(w.message).toContain(imageId);
    expect(w.message).toContain(otherId);
    expect(w.fix).toContain('recreate');
    expect(a.decision.warnings).toEqual([w.message]);
    const printed: string[] = [];
    const r = await runDeploy(opts(p, { print: (t) => printed.push(t) }));
    expect(r.result.action).toBe('status');
    // Names both ids and the reference the container was really created from.
    expect(printed.join('\n')).toContain(
      `container ${p.container} runs image ${otherId} (created from ${other}), but the last deploy recorded ${imageId} (${p.image})`,
    );
  });

  it('--dry-run prints analysis, decision and commands and changes nothing', async () => {
    const p = await project();
    await p.pushConfig('skills/compose.md', '# compose\n', 'Add docker-compose skill');
    p.write('agent/agent.py', 'def run():\n    return "dry"\n');
    const before = await snapshot(p);
    const printed: string[] = [];
    const r = await runDeploy(opts(p, { engine: { ...p.engine, dryRun: true }, print: (t) => printed.push(t) }));
    expect(r).toMatchObject({ exitCode: 0, resultFile: null, result: { status: 'dry_run', action: 'rebuild' } });
    const text = printed.join('\n');
    expect(text).toContain('[Phase 1: Analysis]');
    expect(text).toContain('Decision: Rebuild image + recreate services (scenario: remote config changed)');
    expect(text).toContain('Add docker-compose skill');
    expect(text).toContain('agent/agent.py');
    expect(text).toContain(`docker build -f image/Dockerfile -t ${p.image} image`);
    expect(text).toContain('Dry run: nothing was changed.');
    expect(await snapshot(p)).toEqual(before);
  });

  it('a stopped service is started at once and verified healthy', async () => {
    const p = await project();
    await docker.getContainer(p.container).stop({ t: 1 });
    const before = await readFileSync(p.stateFile, 'utf8');
    const printed: string[] = [];
    const r = await runDeploy(opts(p, { print: (t) => printed.push(t) }));
    expect(r.result.error).toBeNull();
    expect(r).toMatchObject({ exitCode: 0, result: { action: 'start', status: 'success' } });
    // Nothing new was deployed, so the report does not invite testing "your changes".
    expect(printed.join('\n')).toContain(`Services are up again: http://127.0.0.1:${p.port}/health`);
    expect(printed.join('\n')).not.toContain('test your changes');
    expect((await docker.getContainer(p.container).inspect()).State.Running).toBe(true);
    expect(r.result.verification!.checks[0]).toMatchObject({ ok: true, status: 200 });
    // Starting is not a deployment: the last-deploy state is untouched.
    expect(readFileSync(p.stateFile, 'utf8')).toBe(before);
  });

  it('a failing command produces the failure report with phase, troubleshooting and recovery', async () => {
    const p = await project();
    p.config.actions.redeploy = [
      {
        command: ['sh', '-c', 'echo syncing; echo "rsync: permission denied" >&2; exit 3'],
        title: 'Sync code to VM + deploy to Ray',
      },
    ];
    p.write('agent/agent.py', 'def run():\n    return "boom"\n');
    const stateBefore = readFileSync(p.stateFile, 'utf8');
    const printed: string[] = [];
    const r = await runDeploy(opts(p, { print: (t) => printed.push(t) }));
    expect(r.exitCode).toBe(1);
    expect(r.result.status).toBe('failed');
    expect(r.result.error).toMatchObject({ code: 'DEPLOY_FAILED', phase: 'execution (ACTION-1)' });
    expect(r.result.error!.message).toContain('permission denied');
    expect(r.result.troubleshooting[0]).toBe(
      `Run the failed command by hand to see its full output: cd ${p.repo} && sh -c 'echo syncing; echo "rsync: permission denied" >&2; exit 3'`,
    );
    expect(r.result.manual_recovery.at(-1)).toContain('re-run `ferry deploy`');
    expect(readFileSync(p.stateFile, 'utf8')).toBe(stateBefore);
    const text = printed.join('\n');
    expect(text).toContain('❌ Deployment Failed');
    expect(text).toContain('Phase: execution (ACTION-1)');
    expect(text).toContain('Manual recovery:');
  });

  it('a failed built-in build: the report points at a log that exists, a by-hand build that works, and the re-run that proceeds', async () => {
    const p = await project();
    p.write(
      'image/Dockerfile',
      readFileSync(join(p.repo, 'image', 'Dockerfile'), 'utf8') + 'RUN echo "about to fail" && false\n',
    );
    const r = await runDeploy(opts(p, { yes: true }));
    expect(r).toMatchObject({
      exitCode: 1,
      result: { status: 'failed', action: 'rebuild', error: { code: 'DEPLOY_FAILED', phase: 'execution (ACTION-1)' } },
    });
    const t = r.result.troubleshooting;
    expect(t).toContain(
      `Check the Dockerfile and build context by hand: cd ${p.repo} && docker build -f image/Dockerfile -t ${p.image} image`,
    );
    const log = t
      .find((x) => x.startsWith("The run's log"))!
      .split(': ')
      .pop()!;
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('about to fail');
    expect(r.result.manual_recovery.at(-1)).toContain('re-run `ferry deploy --yes`');
  });

  it('a deploy step failing after the build records the image but not the config commits: the re-run still rebuilds, naming the commit', async () => {
    const p = await project();
    const before = await p.configHead();
    await p.pushConfig('skills/compose.md', '# compose\n', 'Add docker-compose skill');
    p.config.actions.rebuild = [
      { builtin: 'build' },
      { command: ['sh', '-c', 'echo "deploy to cluster failed" >&2; exit 4'], title: 'Deploy to cluster' },
    ];
    const r = await runDeploy(opts(p, { yes: true }));
    expect(r).toMatchObject({ exitCode: 1, result: { status: 'failed', error: { phase: 'execution (ACTION-2)' } } });
    const state = await readLastDeploy(p.stateFile);
    expect(state!.docker_image_digest).toBe(r.result.actions_taken[0]!.imageId);
    expect(state!.config_commits).toEqual({ 'master-config': before });
    expect(r.result.manual_recovery).toContain(
      `${p.stateFile} now records image ${p.image} ${state!.docker_image_digest}.`,
    );
    const again = await analyseDeploy({ config: p.config, configDir: p.repo, engine: p.engine, runtime });
    expect(again.decision.action).toBe('rebuild');
    expect(again.decision.reasons[0]!.details).toContain(
      `master-config: ${(await p.configHead()).slice(0, 7)} Add docker-compose skill`,
    );
  });

  it('a full restart with --yes restarts, records the new .env hash, and the next run has nothing to do', async () => {
    const p = await project();
    p.write('.env', 'MODE=two\n');
    const r = await runDeploy(opts(p, { yes: true }));
    expect(r.result.error).toBeNull();
    expect(r.result).toMatchObject({ status: 'success', action: 'full_restart' });
    expect(r.result.actions_taken.map((a) => a.text)).toEqual([`docker restart ${p.container}`]);
    const again = await analyseDeploy({ config: p.config, configDir: p.repo, engine: p.engine, runtime });
    expect(again.decision.action).toBe('status');
  });

  it('a rebuild by command records the seed build block (digest, config commits) from its output', async () => {
    const p = await project();
    const sha = await p.pushConfig('x.md', 'x', 'Tune prompts');
    const block = [
      '=== DEPLOYMENT STATE ===',
      `MASTER_CONFIG_COMMIT=${sha}`,
      `DOCKER_IMAGE_TAG=${p.image}`,
      `DOCKER_IMAGE_DIGEST=${imageId}`,
      'IMAGE_SIZE=2MB',
      'BUILD_TIMESTAMP=2026-05-05T05:05:05Z',
    ].join('\n');
    writeFileSync(join(p.tmp, 'build-output.txt'), `building…\n${block}\n`);
    p.config.actions.rebuild = [{ command: ['cat', join(p.tmp, 'build-output.txt')], title: 'docker-build skill' }];
    const r = await runDeploy(opts(p, { yes: true }));
    expect(r.result.error).toBeNull();
    expect(r.result.image).toMatchObject({
      image_tag: p.image,
      image_id: imageId,
      image_size: '2MB',
      build_timestamp: '2026-05-05T05:05:05Z',
      builtin: false,
    });
    const state = await readLastDeploy(p.stateFile);
    expect(state).toMatchObject({
      docker_image_digest: imageId,
      build_timestamp: '2026-05-05T05:05:05Z',
      image_size: '2MB',
      config_commits: { 'master-config': sha },
    });
  });
});

describe('ferry deploy: one at a time', () => {
  it('a second deploy while one holds the lock fails fast with LOCKED and changes nothing', async () => {
    const { acquireRunLock } = await import('../../src/engine/lock.js');
    const p = await project();
    p.write('agent/agent.py', 'def run():\n    return "locked"\n');
    const lock = await acquireRunLock(join(p.engine.stateDir, 'deploy'), 'test holder');
    try {
      const state = readFileSync(p.stateFile, 'utf8');
      await expect(runDeploy(opts(p))).rejects.toMatchObject({ code: 'LOCKED' });
      expect(readFileSync(p.stateFile, 'utf8')).toBe(state);
    } finally {
      await lock.release();
    }
  });
});
