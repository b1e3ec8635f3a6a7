// Issue 16 point 3 on real Docker: a code change is "redeploy", and how it ships depends on the
// container. Code bind-mounted into the service → a restart picks it up. Code baked into the image
// → rebuild + recreate (a restart would keep the old code), and the plan says why. Checked from
// outside with `cat` inside the container.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { deploySchema } from '../../src/config/sections/deploy.js';
import { analyseDeploy, runDeploy } from '../../src/deploy/run-deploy.js';
import { readLastDeploy } from '../../src/deploy/last-deploy.js';
import { TEST_LABEL, buildBusyboxImage, cleanupSuite, runService, uniqueName } from '../fixtures/docker-images.js';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { git, makeDeployProject, type DeployProject } from './deploy-project.js';

const docker = new Docker();
const runtime = new DockerRuntime();
const suite = uniqueName('deploy-code');
const base = `ferry-test-${suite}:base`;
let baseId = '';
const projects: DeployProject[] = [];
const images: string[] = [base];

beforeAll(async () => {
  baseId = await buildBusyboxImage(docker, base, suite);
});
afterAll(async () => {
  await cleanupSuite(docker, suite, images);
  for (const p of projects) p.cleanup();
});

const codeIn = async (container: string): Promise<string> =>
  (await runtime.exec(container, ['cat', '/app/agent/agent.py'])).stdout;

describe('ferry deploy: code mounted vs baked into the image', () => {
  it('code bind-mounted into the service: redeploy restarts it (same container, same image) and it serves the new code', async () => {
    const p = await makeDeployProject({ docker, suite, image: base, noContainer: true });
    projects.push(p);
    await runService(docker, {
      name: p.container,
      image: base,
      suite,
      hostPort: p.port,
      binds: [`${p.repo}/agent:/app/agent:ro`],
    });
    await p.writeBaseline(baseId);
    const before = await docker.getContainer(p.container).inspect();
    p.write('agent/agent.py', 'def run():\n    return "v2"\n');

    const a = await analyseDeploy({ config: p.config, configDir: p.repo, engine: p.engine, runtime });
    expect(a.decision.action).toBe('redeploy');
    expect(a.plan.codeDelivery).toMatchObject({ mode: 'mounted', mounted: [p.container], baked: [] });
    expect(a.plan.codeDelivery!.why).toContain(`${p.repo}/agent → /app/agent`);
    expect(a.plan.steps.map((s) => s.text)).toEqual([`docker restart ${p.container}`]);

    const printed: string[] = [];
    const r = await runDeploy({
      config: p.config,
      configDir: p.repo,
      engine: p.engine,
      yes: false,
      interactive: false,
      runtime,
      print: (t) => printed.push(t),
    });
    expect(r.result.error).toBeNull();
    expect(r.result).toMatchObject({ status: 'success', action: 'redeploy', needs_confirmation: false, image: null });
    expect(printed.join('\n')).toContain('why: code is mounted into the services');
    const after = await docker.getContainer(p.container).inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.Image).toBe(baseId);
    expect(after.State.StartedAt).not.toBe(before.State.StartedAt);
    expect(await codeIn(p.container)).toContain('"v2"');
    expect((await readLastDeploy(p.stateFile))!.file_hashes!['agent/agent.py']).toMatch(/^sha256:/);
    const again = await analyseDeploy({ config: p.config, configDir: p.repo, engine: p.engine, runtime });
    expect(again.decision.action).toBe('status');
  });

  it('code baked into the image: redeploy rebuilds and recreates (no restart), the plan says why, and the service runs the new code', async () => {
    const p = await makeDeployProject({
      docker,
      suite,
      image: `ferry-test-${suite}:${uniqueName('app')}`,
      noContainer: true,
    });
    projects.push(p);
    images.push(p.image);
    // The app's Dockerfile copies the code into the image (context: the repo root).
    p.write(
      'Dockerfile.app',
      [
        'FROM scratch',
        `LABEL ${TEST_LABEL}=${suite}`,
        'COPY image/busybox /bin/busybox',
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        'ENV PATH=/usr/local/bin:/bin',
        'COPY image/tools/ /usr/local/bin/',
        'COPY image/www/ /www/',
        'COPY agent/ /app/agent/',
        'EXPOSE 80',
        'STOPSIGNAL SIGKILL',
        'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]',
        '',
      ].join('\n'),
    );
    p.configInput.runtime = { ...p.configInput.runtime!, context: '.', dockerfile: 'Dockerfile.app' };
    p.writeFerryYaml();
    await git(p.repo, ['add', '-A']);
    await git(p.repo, ['commit', '-q', '-m', 'app image bakes the code in']);
    const v1 = await runtime.build({ contextDir: p.repo, dockerfile: 'Dockerfile.app', tags: [p.image] });
    await runService(docker, { name: p.container, image: p.image, suite, hostPort: p.port });
    await p.writeBaseline(v1.id);
    expect(await codeIn(p.container)).toContain('"v1"');
    const before = await docker.getContainer(p.container).inspect();
    p.write('agent/agent.py', 'def run():\n    return "v2"\n');

    // As a new user would: the built CLI, no TTY, no --yes (a code change is auto-approved).
    const dry = await ferry(['deploy', '--dry-run'], { cwd: p.repo });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Decision: Rebuild image + recreate services (redeploy; scenario: code changed)');
    expect(dry.stdout).toContain(
      `why: code is baked into the image: agent/agent.py is not under any bind mount of container ${p.container}, so a restart would keep the old code`,
    );
    const r = await ferry(['deploy', '--json'], { cwd: p.repo });
    expect(r.exitCode, r.stderr).toBe(0);
    const result = jsonLines(r.stdout).at(-1)! as {
      image: { image_id: string; verified: boolean };
      plan: { code_delivery: unknown; steps: { kind: string }[] };
    };
    expect(validateAgainst('deploy-result', result)).toEqual([]);
    expect(result).toMatchObject({
      status: 'success',
      action: 'redeploy',
      needs_confirmation: false,
      plan: { code_delivery: { mode: 'baked', mounted: [], baked: [p.container] } },
      image: { builtin: true, verified: true },
    });
    expect(result.plan.steps.map((s) => s.kind)).toEqual(['build', 'recreate']);
    const after = await docker.getContainer(p.container).inspect();
    expect(after.Id).not.toBe(before.Id);
    expect(after.Image).toBe(result.image.image_id);
    expect(after.Image).not.toBe(v1.id);
    expect(await codeIn(p.container)).toContain('"v2"');
    const state = await readLastDeploy(p.stateFile);
    expect(state).toMatchObject({ docker_image_digest: result.image.image_id, code_commit: await p.head() });
    const config = deploySchema.parse(p.configInput);
    const again = await analyseDeploy({ config, configDir: p.repo, engine: p.engine, runtime });
    expect(again.decision.action).toBe('status');
  });
});
